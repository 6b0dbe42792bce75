// The generator of tests/interp/ref/tflm_vectors.h: each stored case as a
// one-operator model on the real TFLM, which must give exactly the stored
// outputs. On a difference it prints TFLM's values, ready to paste.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "tests/interp/ref/tflm_vectors.h"
#include "tests/tflm_oracle.h"

namespace tinyforge::testing {
namespace {

using ref::testing::TflmVector;
using ref::testing::TflmVectors;
using ref::testing::VectorOp;

tflite::BuiltinOperator OpOf(VectorOp op) {
  switch (op) {
    case VectorOp::kLogistic: return tflite::BuiltinOperator_LOGISTIC;
    case VectorOp::kTanh: return tflite::BuiltinOperator_TANH;
    case VectorOp::kHardSwish: return tflite::BuiltinOperator_HARD_SWISH;
    case VectorOp::kSoftmax: return tflite::BuiltinOperator_SOFTMAX;
  }
  return tflite::BuiltinOperator_SOFTMAX;
}

tflite::TensorType TypeOf(int bits) { return bits == 8 ? tflite::TensorType_INT8 : tflite::TensorType_INT16; }

Model BuildVectorModel(const TflmVector& v) {
  ModelBuilder b;
  const std::vector<int32_t> shape = {1, static_cast<int32_t>(v.input.size())};
  const int x = b.AddTensor("input", TypeOf(v.input_bits), shape, Quant::PerTensor(v.input_scale, v.input_zero_point));
  const int y =
      b.AddTensor("output", TypeOf(v.output_bits), shape, Quant::PerTensor(v.output_scale, v.output_zero_point));
  if (v.op == VectorOp::kSoftmax) {
    tflite::SoftmaxOptionsT o;
    o.beta = v.beta;
    b.AddOperator(OpOf(v.op), {x}, {y}, o);
  } else {
    b.AddOperator(OpOf(v.op), {x}, {y});
  }
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build(v.name);
}

NpyArray InputArray(const TflmVector& v) {
  const bool int8 = v.input_bits == 8;
  NpyArray a = NpyArray::Zeros(int8 ? DType::kInt8 : DType::kInt16, {1, static_cast<int64_t>(v.input.size())});
  for (size_t i = 0; i < v.input.size(); ++i) {
    if (int8) {
      a.MutableView<int8_t>()[i] = static_cast<int8_t>(v.input[i]);
    } else {
      a.MutableView<int16_t>()[i] = static_cast<int16_t>(v.input[i]);
    }
  }
  return a;
}

std::vector<int32_t> OutputValues(const NpyArray& a) {
  if (a.dtype == DType::kInt8) {
    const auto view = a.View<int8_t>();
    return {view.begin(), view.end()};
  }
  const auto view = a.View<int16_t>();
  return {view.begin(), view.end()};
}

std::string Listed(const std::vector<int32_t>& values) {
  std::string text = "{";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "}";
}

TEST(TflmVectors, StoredOutputsAreTflms) {
  TF_REQUIRE_TFLM();
  for (const TflmVector& v : TflmVectors()) {
    SCOPED_TRACE(v.name);
    const std::string dir = TempDir(std::string("vector_") + v.name);
    SaveModel(BuildVectorModel(v), dir + "/model.tflite");
    const TflmResult r = RunTflm(TflmTarget::kHost, dir + "/model.tflite", {InputArray(v)}, dir + "/run");
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(r.ran()) << r.log;
    ASSERT_EQ(r.outputs.size(), 1u);
    const std::vector<int32_t> tflm = OutputValues(r.outputs[0]);
    EXPECT_EQ(tflm, v.output) << "TFLM gives " << Listed(tflm);
  }
}

}  // namespace
}  // namespace tinyforge::testing
