// Each fast kernel on a one-operator model it takes: the interpreter says
// the operator runs a fast kernel (PrepareContext::NoteFastKernel), the
// fast table lists the (operator, type) row `tinyforge ops` prints, the
// reference interpreter does not, and the outputs are the reference's
// bits. Covers the kernels that need no AVX2 (tables, TRANSPOSE, MEAN,
// SUM); the SIMD ones report through the same calls (kernels/conv.cc
// FastOr), checked on whole models in fast_golden_test.cc.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "libconvert/interp/fast/fast_table.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge {
namespace {

// One operator from input(s) of `in_shape` (a second, when `binary`) to an
// output of `out_shape`; `extra` appends constant inputs.
template <typename Options>
Model OneOp(tflite::BuiltinOperator op, tflite::TensorType type, const std::vector<int32_t>& in_shape,
            const std::vector<int32_t>& out_shape, bool binary, const Options& options,
            const std::vector<int32_t>& constant = {}) {
  const bool is_float = type == tflite::TensorType_FLOAT32;
  auto quant = [is_float](float scale, int zero_point) {
    return is_float ? Quant::None() : Quant::PerTensor(scale, zero_point);
  };
  ModelBuilder b;
  std::vector<int> inputs{b.AddTensor("x", type, in_shape, quant(0.05f, 3))};
  if (binary) inputs.push_back(b.AddTensor("y", type, in_shape, quant(0.04f, -7)));
  const std::vector<int> model_inputs = inputs;
  if (!constant.empty()) {
    inputs.push_back(b.AddConstant<int32_t>("c", {static_cast<int32_t>(constant.size())}, constant));
  }
  const int out = b.AddTensor("z", type, out_shape, quant(0.1f, -2));
  b.AddOperator(op, inputs, {out}, options);
  b.SetInputs(model_inputs);
  b.SetOutputs({out});
  return b.Build(std::string("fast_report_") + tflite::EnumNameBuiltinOperator(op));
}

void ExpectRunsListedFastKernel(const Model& model, tflite::BuiltinOperator op, tflite::TensorType type) {
  SCOPED_TRACE(std::string(tflite::EnumNameBuiltinOperator(op)) + " " + tflite::EnumNameTensorType(type));
  EXPECT_NE(interp::fast::FindFastKernel(op, type), nullptr) << "not in fast_table.cc";
  interp::Interpreter fast(model, interp::InterpreterOptions{false});
  interp::Interpreter reference(model, interp::InterpreterOptions{true});
  fast.Prepare();
  reference.Prepare();
  EXPECT_TRUE(fast.RunsFastKernel(0));
  EXPECT_FALSE(reference.RunsFastKernel(0));
  std::mt19937 rng(21);
  for (size_t k = 0; k < fast.num_inputs(); ++k) {
    std::vector<uint8_t> bytes(fast.input(k).bytes);
    if (fast.input(k).type == tflite::TensorType_FLOAT32) {
      for (int64_t i = 0; i < fast.input(k).count(); ++i) {
        const float v = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
        std::memcpy(bytes.data() + i * 4, &v, 4);
      }
    } else {
      for (uint8_t& v : bytes) v = static_cast<uint8_t>(rng());
    }
    std::memcpy(fast.input(k).data, bytes.data(), bytes.size());
    std::memcpy(reference.input(k).data, bytes.data(), bytes.size());
  }
  fast.Invoke();
  reference.Invoke();
  EXPECT_EQ(std::memcmp(fast.output(0).data, reference.output(0).data, reference.output(0).bytes), 0);
}

constexpr tflite::TensorType kF32 = tflite::TensorType_FLOAT32;
constexpr tflite::TensorType kI8 = tflite::TensorType_INT8;

TEST(FastReport, Int8BinaryTables) {
  const std::vector<int32_t> shape{1, 32, 40};  // 1,280 elements: enough for a table
  ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_ADD, kI8, shape, shape, true, tflite::AddOptionsT{}),
                             tflite::BuiltinOperator_ADD, kI8);
  ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_SUB, kI8, shape, shape, true, tflite::SubOptionsT{}),
                             tflite::BuiltinOperator_SUB, kI8);
  ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_MUL, kI8, shape, shape, true, tflite::MulOptionsT{}),
                             tflite::BuiltinOperator_MUL, kI8);
  ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_SQUARED_DIFFERENCE, kI8, shape, shape, true,
                                   tflite::SquaredDifferenceOptionsT{}),
                             tflite::BuiltinOperator_SQUARED_DIFFERENCE, kI8);
}

TEST(FastReport, TransposeNchwToNhwc) {
  for (const auto type : {kF32, kI8}) {
    ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_TRANSPOSE, type, {1, 3, 6, 10}, {1, 6, 10, 3}, false,
                                     tflite::TransposeOptionsT{}, {0, 2, 3, 1}),
                               tflite::BuiltinOperator_TRANSPOSE, type);
  }
}

TEST(FastReport, MeanAndSumOverHeightAndWidth) {
  tflite::ReducerOptionsT keep;
  keep.keep_dims = true;
  for (const auto type : {kF32, kI8}) {
    ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_MEAN, type, {1, 5, 6, 16}, {1, 1, 1, 16}, false, keep,
                                     {1, 2}),
                               tflite::BuiltinOperator_MEAN, type);
  }
  ExpectRunsListedFastKernel(OneOp(tflite::BuiltinOperator_SUM, kI8, {1, 5, 6, 16}, {1, 1, 1, 16}, false, keep, {1, 2}),
                             tflite::BuiltinOperator_SUM, kI8);
}

}  // namespace
}  // namespace tinyforge
