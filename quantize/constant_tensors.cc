#include "quantize/constant_tensors.h"

#include <algorithm>
#include <cstring>

#include "libconvert/base/error.h"

namespace tinyforge::quantize {
namespace {

const tflite::TensorT& Tensor(const Model& model, int index) { return model.tensor(0, index); }

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

template <typename T>
std::vector<uint8_t> QuantizedBytes(Span<const float> values, const QuantParams& p, int32_t qmin, int32_t qmax) {
  std::vector<T> q(values.size());
  for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<T>(QuantizeValue(values[i], p, qmin, qmax));
  return Bytes(q);
}

}  // namespace

std::unique_ptr<tflite::QuantizationParametersT> MakeQuantization(const std::vector<float>& scales,
                                                                  const std::vector<int64_t>& zero_points, int axis) {
  auto q = std::make_unique<tflite::QuantizationParametersT>();
  q->scale = scales;
  q->zero_point = zero_points;
  q->quantized_dimension = axis;
  return q;
}

int AddTensorLike(Model& model, int original, const std::string& suffix, tflite::TensorType type,
                  std::vector<uint8_t> bytes, std::unique_ptr<tflite::QuantizationParametersT> quantization) {
  const tflite::TensorT& o = Tensor(model, original);
  auto t = std::make_unique<tflite::TensorT>();
  t->shape = o.shape;
  t->shape_signature = o.shape_signature;
  t->has_rank = o.has_rank;
  t->name = o.name + suffix;
  t->type = type;
  t->buffer = model.AddBuffer(std::move(bytes));
  t->quantization = std::move(quantization);
  return model.AddTensor(0, std::move(t));
}

int AddWeights(Model& model, int index, int axis, std::vector<float>& scales) {
  const tflite::TensorT& t = Tensor(model, index);
  const QuantizedWeights w = QuantizeWeights(model.ConstantValues<float>(t).data(), t.shape, axis);
  scales = w.scales;
  return AddTensorLike(model, index, "_int8", tflite::TensorType_INT8, Bytes(w.values),
                       MakeQuantization(w.scales, std::vector<int64_t>(w.scales.size(), 0), std::max(axis, 0)));
}

int AddWeights16(Model& model, int index, int32_t qmax, float& scale) {
  const Span<const float> values = model.ConstantValues<float>(Tensor(model, index));
  const QuantizedWeights16 w = QuantizeWeights16(values.data(), values.size(), qmax);
  scale = w.scale;
  return AddTensorLike(model, index, "_int16", tflite::TensorType_INT16, Bytes(w.values),
                       MakeQuantization({w.scale}, {0}, 0));
}

int AddBias(Model& model, int index, float input_scale, const std::vector<float>& weight_scales, bool int64,
            const std::string& context) {
  const Span<const float> values = model.ConstantValues<float>(Tensor(model, index));
  if (weight_scales.size() != 1 && weight_scales.size() != values.size()) {
    throw Error(context + ": the bias has " + std::to_string(values.size()) + " elements but the weights have " +
                    std::to_string(weight_scales.size()) + " channels",
                ErrorCode::kBadInput);
  }
  std::vector<float> scales;
  for (float s : weight_scales) scales.push_back(static_cast<float>(static_cast<double>(input_scale) * s));
  auto quantization = MakeQuantization(scales, std::vector<int64_t>(scales.size(), 0), 0);
  if (int64) {
    return AddTensorLike(model, index, "_int64", tflite::TensorType_INT64,
                         Bytes(QuantizeBias64(values.data(), values.size(), input_scale, weight_scales)),
                         std::move(quantization));
  }
  return AddTensorLike(model, index, "_int32", tflite::TensorType_INT32,
                       Bytes(QuantizeBias32(values.data(), values.size(), input_scale, weight_scales)),
                       std::move(quantization));
}

int AddConstantValues(Model& model, int index, const QuantParams& params, tflite::TensorType type) {
  const Span<const float> values = model.ConstantValues<float>(Tensor(model, index));
  auto quantization = MakeQuantization({params.scale}, {params.zero_point}, 0);
  if (type == tflite::TensorType_INT16) {
    return AddTensorLike(model, index, "_int16", type, QuantizedBytes<int16_t>(values, params, -32767, 32767),
                         std::move(quantization));
  }
  return AddTensorLike(model, index, "_int8", type, QuantizedBytes<int8_t>(values, params, -128, 127),
                       std::move(quantization));
}

}  // namespace tinyforge::quantize
