// A quantized model checked against the TFLite quantization spec by an
// independent reading of the output file: what TFLM and the TFLite runtime
// require, not what our interpreter happens to accept.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/test_util.h"
#include "tests/quantize/quantize_test_util.h"

namespace tinyforge::quantize {
namespace {

using testing::OpNames;

using testing::ModelPath;
using testing::SharedDir;

Model Quantized(const std::string& name, const std::string& calib_path, const QuantizeOptions& options) {
  const Model model = LoadModel(ModelPath(name));
  ModelInputArrays calib{{ReadNpy(calib_path)}, {calib_path}};
  CalibrationOptions c;
  c.threads = 2;
  const CalibrationTable table = Calibrate(model, ViewModelInputs(model, calib), c);
  Model q = QuantizeModel(model, table, options).model;
  // Check the bytes a user gets, not the in-memory tree.
  const std::vector<uint8_t> bytes = SerializeModel(q);
  return ParseModel(bytes.data(), bytes.size(), name + " quantized");
}

const tflite::QuantizationParametersT& Q(const tflite::TensorT& t) {
  static const tflite::QuantizationParametersT kNone;
  return t.quantization ? *t.quantization : kNone;
}

// Every rule of the spec that applies to the ops of these models.
void CheckSpec(const Model& m, bool int16) {
  const auto& g = m.subgraph(0);
  auto t = [&](int i) -> const tflite::TensorT& { return m.tensor(0, i); };
  const auto act_type = int16 ? tflite::TensorType_INT16 : tflite::TensorType_INT8;
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const auto& op = *g.operators[i];
    const auto code = m.OpCode(op);
    SCOPED_TRACE(m.OpLocation(0, i));
    const bool weighted = code == tflite::BuiltinOperator_CONV_2D || code == tflite::BuiltinOperator_DEPTHWISE_CONV_2D ||
                          code == tflite::BuiltinOperator_FULLY_CONNECTED;
    if (weighted) {
      const auto& in = t(op.inputs[0]);
      const auto& w = t(op.inputs[1]);
      const auto& out = t(op.outputs[0]);
      EXPECT_EQ(in.type, act_type);
      EXPECT_EQ(out.type, act_type);
      ASSERT_EQ(w.type, tflite::TensorType_INT8);
      // Symmetric weights in [-127, 127], zero point 0.
      for (int64_t zp : Q(w).zero_point) EXPECT_EQ(zp, 0);
      for (int8_t v : m.ConstantValues<int8_t>(w)) EXPECT_GE(v, -127);
      const int axis = code == tflite::BuiltinOperator_DEPTHWISE_CONV_2D ? 3 : 0;
      const size_t channels = static_cast<size_t>(w.shape[static_cast<size_t>(axis)]);
      if (code == tflite::BuiltinOperator_FULLY_CONNECTED) {
        EXPECT_EQ(Q(w).scale.size(), 1u) << "FULLY_CONNECTED is per tensor by default";
      } else {
        EXPECT_EQ(Q(w).scale.size(), channels);
        EXPECT_EQ(Q(w).quantized_dimension, axis);
      }
      // Each channel's largest magnitude uses the full range (scale = max/127).
      const auto values = m.ConstantValues<int8_t>(w);
      std::vector<int> peak(Q(w).scale.size(), 0);
      for (size_t k = 0; k < values.size(); ++k) {
        size_t c = 0;
        if (peak.size() > 1) {
          size_t inner = 1;
          for (size_t d = static_cast<size_t>(axis) + 1; d < w.shape.size(); ++d) inner *= static_cast<size_t>(w.shape[d]);
          c = (k / inner) % channels;
        }
        peak[c] = std::max(peak[c], std::abs(static_cast<int>(values[k])));
      }
      for (int p : peak) EXPECT_EQ(p, 127);
      // Bias: int32 (int64 in 16x8), zero point 0, scale = input × weight.
      if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
        const auto& b = t(op.inputs[2]);
        EXPECT_EQ(b.type, int16 ? tflite::TensorType_INT64 : tflite::TensorType_INT32);
        const auto& ws = Q(w).scale;
        ASSERT_EQ(Q(b).scale.size(), ws.size());
        for (size_t c = 0; c < ws.size(); ++c) {
          EXPECT_NEAR(Q(b).scale[c], Q(in).scale[0] * ws[c], 1e-6 * Q(b).scale[c]);
          EXPECT_EQ(Q(b).zero_point[c], 0);
        }
      }
    }
    if (code == tflite::BuiltinOperator_SOFTMAX) {
      const auto& out = t(op.outputs[0]);
      EXPECT_FLOAT_EQ(Q(out).scale[0], int16 ? 1.0f / 32768 : 1.0f / 256);
      EXPECT_EQ(Q(out).zero_point[0], int16 ? 0 : -128);
    }
    const bool same_scale = code == tflite::BuiltinOperator_AVERAGE_POOL_2D ||
                            code == tflite::BuiltinOperator_MAX_POOL_2D || code == tflite::BuiltinOperator_RESHAPE;
    if (same_scale) {
      const auto& in = t(op.inputs[0]);
      const auto& out = t(op.outputs[0]);
      EXPECT_EQ(Q(in).scale, Q(out).scale);
      EXPECT_EQ(Q(in).zero_point, Q(out).zero_point);
    }
  }
  // Every activation: one scale, zero point in range (0 for int16), and a
  // quantized tensor everywhere except at float model edges.
  for (const auto& tensor : g.tensors) {
    if (tensor->type != act_type || m.IsConstant(*tensor)) continue;
    ASSERT_EQ(Q(*tensor).scale.size(), 1u) << tensor->name;
    EXPECT_GT(Q(*tensor).scale[0], 0.0f);
    const int64_t zp = Q(*tensor).zero_point[0];
    if (int16) {
      EXPECT_EQ(zp, 0) << tensor->name;
    } else {
      EXPECT_GE(zp, -128);
      EXPECT_LE(zp, 127);
    }
  }
}

TEST(SpecConformance, ConvFcMnistInt8) {
  TF_REQUIRE_SHARED();
  const Model q = Quantized("conv_fc_mnist", SharedDir() + "/data/mnist/calib_images_f32.npy", {});
  CheckSpec(q, false);
  // Integer io: no conversion ops, no float tensor left.
  EXPECT_EQ(OpNames(q).count("QUANTIZE"), 0u);
  EXPECT_EQ(OpNames(q).count("DEQUANTIZE"), 0u);
  for (const auto& tensor : q.subgraph(0).tensors) EXPECT_NE(tensor->type, tflite::TensorType_FLOAT32) << tensor->name;
  // The input range [0, 1] of the calibration digits: scale 1/255, zero point -128.
  const auto& in = q.tensor(0, q.subgraph(0).inputs[0]);
  EXPECT_NEAR(Q(in).scale[0], 1.0 / 255, 1e-7);
  EXPECT_EQ(Q(in).zero_point[0], -128);
}

TEST(SpecConformance, ConvFcMnistInt16Activations) {
  TF_REQUIRE_SHARED();
  QuantizeOptions options;
  options.activations = ActivationType::kInt16;
  const Model q = Quantized("conv_fc_mnist", SharedDir() + "/data/mnist/calib_images_f32.npy", options);
  CheckSpec(q, true);
}

TEST(SpecConformance, FloatIoWrapsTheIntegerGraph) {
  TF_REQUIRE_SHARED();
  QuantizeOptions options;
  options.io = IoType::kFloat;
  const Model q = Quantized("conv_fc_mnist", SharedDir() + "/data/mnist/calib_images_f32.npy", options);
  CheckSpec(q, false);
  const auto& g = q.subgraph(0);
  EXPECT_EQ(q.tensor(0, g.inputs[0]).type, tflite::TensorType_FLOAT32);
  EXPECT_EQ(q.tensor(0, g.outputs[0]).type, tflite::TensorType_FLOAT32);
  EXPECT_EQ(q.OpName(*g.operators.front()), "QUANTIZE");
  EXPECT_EQ(q.OpName(*g.operators.back()), "DEQUANTIZE");
  EXPECT_EQ(OpNames(q).count("QUANTIZE"), 1u);
  EXPECT_EQ(OpNames(q).count("DEQUANTIZE"), 1u);
  // Names and signature defs still point at the user-facing tensors.
  const Model original = LoadModel(ModelPath("conv_fc_mnist"));
  EXPECT_EQ(q.tensor(0, g.inputs[0]).name, original.tensor(0, original.subgraph(0).inputs[0]).name);
  EXPECT_EQ(q.tensor(0, g.outputs[0]).name, original.tensor(0, original.subgraph(0).outputs[0]).name);
}

TEST(SpecConformance, PersonDetectFloatPerChannelDepthwise) {
  TF_REQUIRE_SHARED();
  // Calibrate on the golden input: the spec's shape rules do not depend on
  // the data.
  const Model q = Quantized("person_detect_float", testing::GoldenDir("person_detect_float") + "/input_0.npy", {});
  CheckSpec(q, false);
  EXPECT_GT(OpNames(q).count("DEPTHWISE_CONV_2D"), 0u);
}

}  // namespace
}  // namespace tinyforge::quantize
