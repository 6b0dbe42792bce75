#include "prune/constant_edits.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "libconvert/model/dtype.h"

namespace tinyforge::prune {
namespace {

// Number of tensors (any subgraph) and metadata entries using buffer `b`.
int BufferUsers(const Model& m, uint32_t b) {
  int users = 0;
  for (const auto& g : m.raw().subgraphs) {
    for (const auto& t : g->tensors) users += t->buffer == b ? 1 : 0;
  }
  for (const auto& md : m.raw().metadata) users += md->buffer == b ? 1 : 0;
  return users;
}

}  // namespace

void SetData(Model& m, size_t sg, int t, std::vector<uint8_t> data) {
  tflite::TensorT& tensor = m.tensor(sg, t);
  if (BufferUsers(m, tensor.buffer) > 1) {
    tensor.buffer = m.AddBuffer(std::move(data));
  } else {
    m.ReplaceBuffer(tensor.buffer, std::move(data));
  }
}

std::vector<uint8_t> KeepAlong(Span<const uint8_t> data, const std::vector<int32_t>& shape, size_t element, size_t axis,
                               const std::vector<bool>& keep) {
  size_t outer = 1, inner = element;
  for (size_t d = 0; d < axis; ++d) outer *= static_cast<size_t>(shape[d]);
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= static_cast<size_t>(shape[d]);
  const size_t n = static_cast<size_t>(shape[axis]);
  std::vector<uint8_t> out;
  out.reserve(data.size());
  for (size_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < n; ++i) {
      if (!keep[i]) continue;
      const uint8_t* p = data.data() + (o * n + i) * inner;
      out.insert(out.end(), p, p + inner);
    }
  }
  return out;
}

void SliceConstant(Model& m, size_t sg, int t, size_t axis, const std::vector<bool>& keep) {
  tflite::TensorT& tensor = m.tensor(sg, t);
  std::vector<uint8_t> data = KeepAlong(m.ConstantBytes(tensor), tensor.shape, ElementSize(tensor.type), axis, keep);
  const int32_t kept = static_cast<int32_t>(std::count(keep.begin(), keep.end(), true));
  if (auto& q = tensor.quantization; q && q->quantized_dimension == static_cast<int32_t>(axis)) {
    auto filter = [&](auto& v) {
      if (v.size() != keep.size()) return;
      std::remove_reference_t<decltype(v)> out;
      for (size_t i = 0; i < v.size(); ++i) {
        if (keep[i]) out.push_back(v[i]);
      }
      v = std::move(out);
    };
    filter(q->scale);
    filter(q->zero_point);
    filter(q->min);
    filter(q->max);
  }
  tensor.shape[axis] = kept;
  if (tensor.shape_signature.size() == tensor.shape.size()) tensor.shape_signature[axis] = kept;
  SetData(m, sg, t, std::move(data));
}

void SetLastDim(Model& m, size_t sg, int t, int32_t dim) {
  tflite::TensorT& tensor = m.tensor(sg, t);
  tensor.shape.back() = dim;
  if (tensor.shape_signature.size() == tensor.shape.size() && tensor.shape_signature.back() != -1) {
    tensor.shape_signature.back() = dim;
  }
}

std::vector<bool> PeriodicMask(const std::vector<bool>& keep, int32_t n) {
  std::vector<bool> mask(static_cast<size_t>(n));
  for (size_t j = 0; j < mask.size(); ++j) mask[j] = keep[j % keep.size()];
  return mask;
}

void AddToBias(Model& m, size_t sg, size_t op_index, const std::vector<double>& delta) {
  tflite::OperatorT& op = *m.subgraph(sg).operators[op_index];
  const tflite::TensorT& w = m.tensor(sg, op.inputs[1]);
  const bool int8 = w.type == tflite::TensorType_INT8;
  const auto out_c = static_cast<int32_t>(delta.size());
  if (op.inputs.size() < 3 || op.inputs[2] < 0) {
    auto bias = std::make_unique<tflite::TensorT>();
    bias->name = m.tensor(sg, op.outputs[0]).name + "/bias";
    bias->shape = {out_c};
    bias->type = int8 ? tflite::TensorType_INT32 : tflite::TensorType_FLOAT32;
    if (int8) {
      bias->quantization = std::make_unique<tflite::QuantizationParametersT>();
      const float in_scale = m.tensor(sg, op.inputs[0]).quantization->scale[0];
      for (int32_t c = 0; c < out_c; ++c) {
        const auto& s = w.quantization->scale;
        bias->quantization->scale.push_back(in_scale * (s.size() > 1 ? s[static_cast<size_t>(c)] : s[0]));
        bias->quantization->zero_point.push_back(0);
      }
    }
    bias->buffer = m.AddBuffer(std::vector<uint8_t>(static_cast<size_t>(out_c) * 4, 0));
    const int index = m.AddTensor(sg, std::move(bias));
    if (op.inputs.size() < 3) op.inputs.resize(3, -1);
    op.inputs[2] = index;
  }
  const int b = op.inputs[2];
  if (m.tensor(sg, b).type == tflite::TensorType_FLOAT32) {
    Span<float> v = m.MutableConstantValues<float>(sg, b);
    for (size_t c = 0; c < v.size(); ++c) v[c] = static_cast<float>(v[c] + delta[c]);
    return;
  }
  const auto& s = m.tensor(sg, b).quantization->scale;
  Span<int32_t> v = m.MutableConstantValues<int32_t>(sg, b);
  for (size_t c = 0; c < v.size(); ++c) {
    const double q = v[c] + std::round(delta[c] / static_cast<double>(s.size() > 1 ? s[c] : s[0]));
    v[c] = static_cast<int32_t>(std::clamp<double>(q, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
  }
}

}  // namespace tinyforge::prune
