#include "libconvert/data/model_inputs.h"

#include <algorithm>
#include <cstdio>

#include "libconvert/base/warning.h"
#include "libconvert/data/preprocess.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/verify.h"
#include "libconvert/interp/ref/quantize.h"

namespace tinyforge {

std::optional<DType> NpyDTypeOf(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return DType::kFloat32;
    case tflite::TensorType_FLOAT64: return DType::kFloat64;
    case tflite::TensorType_INT8: return DType::kInt8;
    case tflite::TensorType_UINT8: return DType::kUInt8;
    case tflite::TensorType_INT16: return DType::kInt16;
    case tflite::TensorType_UINT16: return DType::kUInt16;
    case tflite::TensorType_INT32: return DType::kInt32;
    case tflite::TensorType_UINT32: return DType::kUInt32;
    case tflite::TensorType_INT64: return DType::kInt64;
    case tflite::TensorType_BOOL: return DType::kBool;
    default: return std::nullopt;
  }
}

namespace {

// Float data meeting an integer input: a warning when the values do not look
// like what the input's quantization holds, the usual sign of data scaled
// for another model (raw 0..255 pixels for an input made for [0, 1], or the
// reverse). Clipping more than 1% of the values, or all of them falling in
// fewer than kFewSteps steps, is that sign; rounding alone does neither.
constexpr int kFewSteps = 8;

void WarnAboutRange(const std::vector<float>& values, const tflite::TensorT& t, float scale, int32_t zero_point,
                    const std::string& name) {
  if (values.empty()) return;
  const int qmin = t.type == tflite::TensorType_INT8 ? -128 : t.type == tflite::TensorType_UINT8 ? 0 : -32768;
  const int qmax = t.type == tflite::TensorType_INT8 ? 127 : t.type == tflite::TensorType_UINT8 ? 255 : 32767;
  const double lo = static_cast<double>(scale) * (qmin - zero_point);
  const double hi = static_cast<double>(scale) * (qmax - zero_point);
  size_t outside = 0;
  float min = values[0], max = values[0];
  for (float v : values) {
    outside += v < lo - 0.5 * scale || v > hi + 0.5 * scale;
    min = std::min(min, v);
    max = std::max(max, v);
  }
  char text[320];
  if (outside * 100 > values.size()) {
    std::snprintf(text, sizeof text,
                  "%.1f%% of the values clip: they span [%g, %g] but input '%s' holds [%g, %g] (scale %g, zero "
                  "point %d); check --scale/--mean/--std",
                  100.0 * static_cast<double>(outside) / static_cast<double>(values.size()), min, max, t.name.c_str(),
                  lo, hi, scale, zero_point);
  } else if (max > min && (max - min) / scale < kFewSteps) {
    std::snprintf(text, sizeof text,
                  "the values span [%g, %g], only %.1f steps of input '%s' (scale %g over [%g, %g]); check "
                  "--scale/--mean/--std",
                  min, max, (max - min) / scale, t.name.c_str(), scale, lo, hi);
  } else {
    return;
  }
  Warn(name + ": " + text);
}

NpyArray QuantizeArray(const NpyArray& in, const tflite::TensorT& t, const std::string& name) {
  if (!t.quantization || t.quantization->scale.empty()) {
    throw Error(name + ": cannot quantize float data for input '" + t.name +
                "': the input has no quantization parameters");
  }
  const float scale = t.quantization->scale[0];
  const int32_t zero_point =
      t.quantization->zero_point.empty() ? 0 : static_cast<int32_t>(t.quantization->zero_point[0]);
  std::vector<float> values(in.NumElements());
  if (in.dtype == DType::kFloat64) {
    const Span<const double> v = in.View<double>();
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(v[i]);
  } else {
    const Span<const float> v = in.View<float>();
    values.assign(v.begin(), v.end());
  }
  NpyArray out = NpyArray::Zeros(*NpyDTypeOf(t.type), in.shape);
  QuantizeFloats(values.data(), values.size(), t.type, scale, zero_point, out.data.data());  // checks the scale
  WarnAboutRange(values, t, scale, zero_point, name);
  return out;
}

}  // namespace

void QuantizeFloats(const float* values, size_t n, tflite::TensorType type, float scale, int32_t zero_point,
                    void* out) {
  const ref::AffineQuantizeParams params = ref::PrepareQuantizeFromFloat(scale, zero_point);
  const ref::Shape flat({static_cast<int32_t>(n)});
  if (type == tflite::TensorType_INT8) {
    ref::QuantizeFloatToInt8(params, flat, values, static_cast<int8_t*>(out));
  } else if (type == tflite::TensorType_UINT8) {
    // The same rounding into int16, then clamped to [0, 255]: clamping to the
    // wider range first changes nothing.
    std::vector<int16_t> wide(n);
    ref::QuantizeFloatToInt16(params, flat, values, wide.data());
    uint8_t* q = static_cast<uint8_t*>(out);
    for (size_t i = 0; i < n; ++i) q[i] = static_cast<uint8_t>(std::clamp<int16_t>(wide[i], 0, 255));
  } else if (type == tflite::TensorType_INT16) {
    ref::QuantizeFloatToInt16(params, flat, values, static_cast<int16_t*>(out));
  } else {
    throw Error(std::string("cannot quantize float values into ") + TypeName(type), ErrorCode::kInternal);
  }
}

std::string DescribeModelInput(const Model& model, size_t k) {
  const tflite::TensorT& t = model.tensor(0, model.subgraph(0).inputs.at(k));
  return "model input " + std::to_string(k) + " '" + t.name + "' " + ShapeString(t.shape) + " " +
         TypeShortName(t.type);
}

NpyArray ConvertModelInput(const Model& model, size_t k, NpyArray array, const std::string& name,
                           bool quantize_floats) {
  const tflite::TensorT& t = model.tensor(0, model.subgraph(0).inputs.at(k));
  const auto want = NpyDTypeOf(t.type);
  if (!want) throw Error(model.source() + ": " + DescribeModelInput(model, k) + " has a type .npy cannot hold");
  if (array.dtype == *want) return array;
  const bool numeric = array.dtype != DType::kBool;
  // By value, exactly as --scale 1 would: no flag means no change of values.
  const auto as_float32 = [&] {
    return array.dtype == DType::kFloat32 ? array : ApplyPreprocess(array, Preprocess(), Fraction(), name);
  };
  if (numeric && *want == DType::kFloat32) return as_float32();
  const bool integer_input = t.type == tflite::TensorType_INT8 || t.type == tflite::TensorType_UINT8 ||
                             t.type == tflite::TensorType_INT16;
  if (numeric && integer_input && quantize_floats) {
    // The shape first: data that cannot be this input gets its one error,
    // not a warning about its values before it.
    SamplesOf(array.shape, t.shape, name, "model input " + std::to_string(k) + " " + QuotedName(t.name));
    return QuantizeArray(as_float32(), t, name);
  }
  std::string hint;
  if (numeric && integer_input) {
    hint = "; pass --quantize-inputs to quantize the values with the input's scale and zero point";
  }
  throw Error(name + ": dtype " + DTypeName(array.dtype) + " does not match " + DescribeModelInput(model, k) + hint);
}

ModelInputArrays ConvertModelInputs(const Model& model, const std::vector<NpyArray>& arrays,
                                    const std::vector<std::string>& names, bool quantize_floats) {
  ModelInputArrays converted;
  for (size_t k = 0; k < arrays.size(); ++k) {
    converted.arrays.push_back(ConvertModelInput(model, k, arrays[k], names[k], quantize_floats));
    converted.names.push_back(names[k]);
  }
  return converted;
}

std::vector<DatasetView> ViewModelInputs(const Model& model, const ModelInputArrays& inputs) {
  std::vector<DatasetView> views;
  const auto& g = model.subgraph(0);
  for (size_t k = 0; k < inputs.arrays.size(); ++k) {
    const tflite::TensorT& t = model.tensor(0, g.inputs[k]);
    // The view's messages add the shape and type themselves.
    views.emplace_back(inputs.arrays[k], inputs.names[k], t.shape, *NpyDTypeOf(t.type),
                       "model input " + std::to_string(k) + " " + QuotedName(t.name));
  }
  return views;
}

}  // namespace tinyforge
