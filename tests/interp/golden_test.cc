// Our interpreter against TensorFlow Lite Micro's own outputs
// (../shared/golden/MODEL/{input,output}_K.npy): integer outputs must be equal
// to the bit, float outputs within 1e-5 relative (1e-6 absolute near zero).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include "libconvert/data/model_inputs.h"
#include "libconvert/model/dtype.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

// The operators of interpreter part 1. A golden model built only from these
// must match; any other model must match or be refused with a clean error.
const std::set<std::string> kPart1Ops = {
    "FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D",
    "RESHAPE", "SQUEEZE", "EXPAND_DIMS", "SOFTMAX", "LOGISTIC", "TANH", "RELU", "RELU6",
    "LEAKY_RELU", "HARD_SWISH", "ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "PAD",
    "PADV2", "MIRROR_PAD", "TRANSPOSE", "CONCATENATION", "MEAN", "SUM", "QUANTIZE",
    "DEQUANTIZE"};

std::vector<std::string> GoldenModels() {
  std::vector<std::string> names;
  if (!testing::HaveShared()) return names;
  for (const auto& e : std::filesystem::directory_iterator(testing::SharedDir() + "/golden")) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Difference {
  size_t mismatches = 0;
  double max_abs = 0;
};

template <typename T>
Difference CompareExact(const T* got, const T* want, size_t n) {
  Difference d;
  for (size_t i = 0; i < n; ++i) {
    const double diff = std::fabs(static_cast<double>(got[i]) - static_cast<double>(want[i]));
    if (got[i] != want[i]) ++d.mismatches;
    d.max_abs = std::max(d.max_abs, diff);
  }
  return d;
}

Difference CompareFloat(const float* got, const float* want, size_t n) {
  Difference d;
  for (size_t i = 0; i < n; ++i) {
    // TFLM computes NaN for e.g. sqrt of a negative input; NaN on both sides
    // is a match.
    if (std::isnan(got[i]) && std::isnan(want[i])) continue;
    const double diff = std::fabs(static_cast<double>(got[i]) - want[i]);
    const double tolerance = std::max(1e-5 * std::fabs(static_cast<double>(want[i])), 1e-6);
    if (!(diff <= tolerance)) ++d.mismatches;  // also counts NaN
    d.max_abs = std::max(d.max_abs, diff);
  }
  return d;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesTflm) {
  TF_REQUIRE_SHARED();
  const std::string name = GetParam();
  const std::string dir = testing::GoldenDir(name);
  const Model model = LoadModel(testing::ModelPath(name));
  std::set<std::string> ops;
  for (const auto& op : model.subgraph(0).operators) ops.insert(model.OpName(*op));
  const bool required = std::includes(kPart1Ops.begin(), kPart1Ops.end(), ops.begin(), ops.end());

  interp::Interpreter interpreter(model);
  try {
    interpreter.Prepare();
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_FALSE(required) << "a part-1 model must run: " << message;
    EXPECT_NE(message.find("no kernel for"), std::string::npos) << message;
    GTEST_SKIP() << "not yet supported: " << message;
  }

  for (size_t k = 0; k < interpreter.num_inputs(); ++k) {
    const NpyArray in = ReadNpy(dir + "/input_" + std::to_string(k) + ".npy");
    interp::RuntimeTensor& t = interpreter.input(k);
    ASSERT_EQ(in.dtype, NpyDTypeOf(t.type).value()) << "input " << k;
    ASSERT_EQ(in.data.size(), t.bytes) << "input " << k;
    std::memcpy(t.data, in.data.data(), t.bytes);
  }
  interpreter.Invoke();
  for (size_t k = 0; k < interpreter.num_outputs(); ++k) {
    SCOPED_TRACE("output " + std::to_string(k));
    const NpyArray want = ReadNpy(dir + "/output_" + std::to_string(k) + ".npy");
    const interp::RuntimeTensor& got = interpreter.output(k);
    ASSERT_EQ(want.dtype, NpyDTypeOf(got.type).value());
    ASSERT_EQ(want.data.size(), got.bytes);
    const size_t n = want.NumElements();
    Difference d;
    switch (got.type) {
      case tflite::TensorType_FLOAT32: d = CompareFloat(got.Data<float>(), want.View<float>().data(), n); break;
      case tflite::TensorType_INT8: d = CompareExact(got.Data<int8_t>(), want.View<int8_t>().data(), n); break;
      case tflite::TensorType_UINT8: d = CompareExact(got.Data<uint8_t>(), want.View<uint8_t>().data(), n); break;
      case tflite::TensorType_INT16: d = CompareExact(got.Data<int16_t>(), want.View<int16_t>().data(), n); break;
      case tflite::TensorType_INT32: d = CompareExact(got.Data<int32_t>(), want.View<int32_t>().data(), n); break;
      case tflite::TensorType_INT64: d = CompareExact(got.Data<int64_t>(), want.View<int64_t>().data(), n); break;
      case tflite::TensorType_BOOL: d = CompareExact(got.Data<bool>(), want.View<bool>().data(), n); break;
      default: FAIL() << "output type " << TypeName(got.type) << " not compared";
    }
    EXPECT_EQ(d.mismatches, 0u) << name << ": " << d.mismatches << " of " << n
                                << " elements differ; largest difference " << d.max_abs;
    std::printf("[ golden   ] %s output %zu: %zu elements, %zu differ, max |diff| %g\n", name.c_str(), k,
                n, d.mismatches, d.max_abs);
  }
}

INSTANTIATE_TEST_SUITE_P(Shared, GoldenTest, ::testing::ValuesIn(GoldenModels()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

}  // namespace
}  // namespace tinyforge
