// The kernels added for TRANSPOSE_CONV, L2_NORMALIZATION, LOG_SOFTMAX,
// BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, int8 DIV and PRELU against the real
// TFLM: every example model (libconvert/interp/examples/added_kernels.cc) runs
// on seeded random inputs through tflm_run and through the interpreter (both
// kernel sets); the outputs must be the same bytes, floats included.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "libconvert/interp/examples/families.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_io.h"
#include "tests/tflm_oracle.h"

namespace tinyforge {
namespace {

constexpr size_t kAddedSamples = 3;

// kAddedSamples stacked samples for input `k` of `model`, seeded by `seed`:
// floats in [-3, 3], integers over their whole range with every fifth value
// at the zero point (real 0, which real data is full of).
int64_t ZeroPoint(const tflite::TensorT& t) {
  return t.quantization && !t.quantization->zero_point.empty() ? t.quantization->zero_point[0] : 0;
}

template <typename T>
void SetEveryFifth(Span<T> values, int64_t value) {
  for (size_t i = 0; i < values.size(); i += 5) values[i] = static_cast<T>(value);
}

NpyArray RandomInput(const Model& model, size_t k, uint32_t seed) {
  const tflite::TensorT& t = model.tensor(0, model.subgraph(0).inputs[k]);
  std::vector<int64_t> shape{static_cast<int64_t>(kAddedSamples)};
  shape.insert(shape.end(), t.shape.begin(), t.shape.end());
  std::mt19937 rng(seed);
  switch (t.type) {
    case tflite::TensorType_FLOAT32: {
      NpyArray a = NpyArray::Zeros(DType::kFloat32, shape);
      std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
      for (float& v : a.MutableView<float>()) v = dist(rng);
      return a;
    }
    case tflite::TensorType_INT8: {
      NpyArray a = NpyArray::Zeros(DType::kInt8, shape);
      std::uniform_int_distribution<int> dist(-128, 127);
      for (int8_t& v : a.MutableView<int8_t>()) v = static_cast<int8_t>(dist(rng));
      SetEveryFifth(a.MutableView<int8_t>(), ZeroPoint(t));
      return a;
    }
    case tflite::TensorType_INT16: {
      NpyArray a = NpyArray::Zeros(DType::kInt16, shape);
      std::uniform_int_distribution<int> dist(-32768, 32767);
      for (int16_t& v : a.MutableView<int16_t>()) v = static_cast<int16_t>(dist(rng));
      SetEveryFifth(a.MutableView<int16_t>(), ZeroPoint(t));
      return a;
    }
    default:
      throw Error("no random input for this type");
  }
}

// Runs sample s of `inputs` and returns the bytes of output 0.
std::vector<uint8_t> RunOurs(const Model& model, const std::vector<NpyArray>& inputs, size_t s, bool reference) {
  interp::Interpreter interpreter(model, interp::InterpreterOptions{reference});
  interpreter.Prepare();
  for (size_t k = 0; k < inputs.size(); ++k) {
    interp::RuntimeTensor& t = interpreter.input(k);
    std::memcpy(t.data, inputs[k].data.data() + s * t.bytes, t.bytes);
  }
  interpreter.Invoke();
  const interp::RuntimeTensor& out = interpreter.output(0);
  return std::vector<uint8_t>(out.data, out.data + out.bytes);
}

TEST(AddedKernelsOracle, EveryExampleGivesTflmsBytes) {
  TF_REQUIRE_TFLM();
  std::vector<interp::OpExample> examples;
  interp::examples::AddAddedKernelExamples(examples);
  ASSERT_FALSE(examples.empty());
  const std::string dir = testing::TempDir("added_kernels");
  uint32_t seed = 1000;
  for (const interp::OpExample& example : examples) {
    SCOPED_TRACE(example.name + " (seed " + std::to_string(seed) + ")");
    const Model model = example.build();
    const std::string path = dir + "/" + example.name + ".tflite";
    SaveModel(model, path);
    std::vector<NpyArray> inputs;
    for (size_t k = 0; k < model.subgraph(0).inputs.size(); ++k) inputs.push_back(RandomInput(model, k, seed++));
    const testing::TflmResult r = testing::RunTflm(testing::TflmTarget::kHost, path, inputs, dir + "/run");
    ASSERT_TRUE(r.ran()) << r.log;
    ASSERT_EQ(r.outputs.size(), 1u);
    const size_t sample_bytes = r.outputs[0].data.size() / kAddedSamples;
    for (size_t s = 0; s < kAddedSamples; ++s) {
      const std::vector<uint8_t> want(r.outputs[0].data.begin() + static_cast<ptrdiff_t>(s * sample_bytes),
                                      r.outputs[0].data.begin() + static_cast<ptrdiff_t>((s + 1) * sample_bytes));
      for (bool reference : {true, false}) {
        EXPECT_EQ(RunOurs(model, inputs, s, reference), want)
            << "sample " << s << (reference ? ", reference kernels" : ", fast kernels");
      }
    }
  }
}

}  // namespace
}  // namespace tinyforge
