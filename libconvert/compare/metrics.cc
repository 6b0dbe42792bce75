#include "libconvert/compare/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"
#include "libconvert/data/model_inputs.h"

namespace tinyforge {

void ErrorStats::Add(const float* reference, const float* candidate, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double r = reference[i];
    const double c = candidate[i];
    const double e = c - r;
    max_abs_ = std::max(max_abs_, std::fabs(e));
    sum_abs_ += std::fabs(e);
    sum_sq_err_ += e * e;
    sum_ref_sq_ += r * r;
    sum_cand_sq_ += c * c;
    sum_dot_ += r * c;
  }
  count_ += n;
}

void ErrorStats::Merge(const ErrorStats& other) {
  count_ += other.count_;
  max_abs_ = std::max(max_abs_, other.max_abs_);
  sum_abs_ += other.sum_abs_;
  sum_sq_err_ += other.sum_sq_err_;
  sum_ref_sq_ += other.sum_ref_sq_;
  sum_cand_sq_ += other.sum_cand_sq_;
  sum_dot_ += other.sum_dot_;
}

double ErrorStats::mae() const { return count_ == 0 ? 0.0 : sum_abs_ / static_cast<double>(count_); }

double ErrorStats::rmse() const {
  return count_ == 0 ? 0.0 : std::sqrt(sum_sq_err_ / static_cast<double>(count_));
}

double ErrorStats::cosine() const {
  if (sum_ref_sq_ == 0 && sum_cand_sq_ == 0) return 1.0;
  if (sum_ref_sq_ == 0 || sum_cand_sq_ == 0) return 0.0;
  return sum_dot_ / (std::sqrt(sum_ref_sq_) * std::sqrt(sum_cand_sq_));
}

double ErrorStats::snr_db() const {
  if (sum_sq_err_ == 0) return std::numeric_limits<double>::infinity();
  if (sum_ref_sq_ == 0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(sum_ref_sq_ / sum_sq_err_);
}

size_t ArgMax(const float* values, size_t n) {
  return static_cast<size_t>(std::max_element(values, values + n) - values);
}

namespace {

template <typename T>
void Dequantize(const interp::RuntimeTensor& t, std::vector<float>& out) {
  const T* data = t.Data<T>();
  // An unquantized integer tensor (scale 0) holds plain integers.
  const double scale = t.quantized() ? t.scale : 1.0;
  const double zero_point = t.quantized() ? t.zero_point : 0.0;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(scale * (static_cast<double>(data[i]) - zero_point));
  }
}

}  // namespace

bool HasRealValues(tflite::TensorType type) {
  return type == tflite::TensorType_FLOAT32 || type == tflite::TensorType_INT8 || type == tflite::TensorType_UINT8 ||
         type == tflite::TensorType_INT16 || type == tflite::TensorType_INT32;
}

void RealValues(const interp::RuntimeTensor& t, std::vector<float>& out) {
  out.resize(static_cast<size_t>(t.count()));
  switch (t.type) {
    case tflite::TensorType_FLOAT32:
      std::copy(t.Data<float>(), t.Data<float>() + out.size(), out.begin());
      return;
    case tflite::TensorType_INT8:
      return Dequantize<int8_t>(t, out);
    case tflite::TensorType_UINT8:
      return Dequantize<uint8_t>(t, out);
    case tflite::TensorType_INT16:
      return Dequantize<int16_t>(t, out);
    case tflite::TensorType_INT32:
      return Dequantize<int32_t>(t, out);
    default:
      throw Error(std::string("cannot take real values of a ") + TypeName(t.type) + " tensor" +
                      (t.meta ? " ('" + t.meta->name + "')" : std::string()),
                  ErrorCode::kBadInput);
  }
}

namespace {

// An unquantized integer tensor (indices, shapes): the rounded values.
template <typename T>
void WriteRoundedValues(const float* values, size_t n, T* out) {
  constexpr double kLo = std::numeric_limits<T>::lowest();
  constexpr double kHi = std::numeric_limits<T>::max();
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(std::clamp(std::round(static_cast<double>(values[i])), kLo, kHi));
}

}  // namespace

void WriteRealValues(const float* values, size_t n, interp::RuntimeTensor& t) {
  if (t.constant || static_cast<int64_t>(n) != t.count()) {
    throw Error("cannot write " + std::to_string(n) + " values into " +
                    (t.constant ? std::string("a constant tensor") : std::to_string(t.count()) + " elements") +
                    (t.meta ? " ('" + t.meta->name + "')" : std::string()),
                ErrorCode::kInternal);
  }
  switch (t.type) {
    case tflite::TensorType_FLOAT32:
      std::copy(values, values + n, t.Data<float>());
      return;
    case tflite::TensorType_INT8:
    case tflite::TensorType_UINT8:
    case tflite::TensorType_INT16:
      if (t.quantized()) return QuantizeFloats(values, n, t.type, t.scale, t.zero_point, t.data);
      if (t.type == tflite::TensorType_INT8) return WriteRoundedValues(values, n, t.Data<int8_t>());
      if (t.type == tflite::TensorType_UINT8) return WriteRoundedValues(values, n, t.Data<uint8_t>());
      return WriteRoundedValues(values, n, t.Data<int16_t>());
    case tflite::TensorType_INT32:
      // int32 activations are not quantized (TFLite quantizes only biases,
      // which are constants, to int32).
      return WriteRoundedValues(values, n, t.Data<int32_t>());
    default:
      throw Error(std::string("cannot write real values into a ") + TypeName(t.type) + " tensor" +
                      (t.meta ? " ('" + t.meta->name + "')" : std::string()),
                  ErrorCode::kBadInput);
  }
}

namespace {

template <typename T>
std::vector<int64_t> CopyLabels(const NpyArray& array) {
  const auto view = array.View<T>();
  return std::vector<int64_t>(view.begin(), view.end());
}

}  // namespace

std::vector<int64_t> LabelsFromArray(const NpyArray& array, const std::string& name) {
  const bool shape_ok = array.shape.size() == 1 || (array.shape.size() == 2 && array.shape[1] == 1);
  if (!shape_ok) {
    throw Error(name + ": labels must have shape [N] or [N,1], got " + ShapeToString(array.shape),
                ErrorCode::kBadInput);
  }
  std::vector<int64_t> labels;
  switch (array.dtype) {
    case DType::kInt8: labels = CopyLabels<int8_t>(array); break;
    case DType::kUInt8: labels = CopyLabels<uint8_t>(array); break;
    case DType::kInt16: labels = CopyLabels<int16_t>(array); break;
    case DType::kUInt16: labels = CopyLabels<uint16_t>(array); break;
    case DType::kInt32: labels = CopyLabels<int32_t>(array); break;
    case DType::kInt64: labels = CopyLabels<int64_t>(array); break;
    default:
      throw Error(name + ": labels must be integers, got " + DTypeName(array.dtype),
                  ErrorCode::kBadInput);
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) {
      throw Error(name + ": label " + std::to_string(i) + " is negative (" +
                      std::to_string(labels[i]) + ")",
                  ErrorCode::kBadInput);
    }
  }
  return labels;
}

std::vector<int64_t> ReadLabels(const std::string& path) { return LabelsFromArray(ReadNpy(path), path); }

void ConfusionMatrix::Grow(size_t classes) {
  if (classes <= classes_) return;
  std::vector<uint64_t> grown(classes * classes);
  for (size_t r = 0; r < classes_; ++r) {
    for (size_t c = 0; c < classes_; ++c) grown[r * classes + c] = counts_[r * classes_ + c];
  }
  classes_ = classes;
  counts_ = std::move(grown);
}

void ConfusionMatrix::Add(int64_t label, int64_t predicted) {
  if (label < 0 || predicted < 0) {
    throw Error("confusion matrix: negative class " + std::to_string(std::min(label, predicted)),
                ErrorCode::kInternal);
  }
  Grow(static_cast<size_t>(std::max(label, predicted)) + 1);
  ++counts_[static_cast<size_t>(label) * classes_ + static_cast<size_t>(predicted)];
}

void ConfusionMatrix::Merge(const ConfusionMatrix& other) {
  Grow(other.classes_);
  for (size_t r = 0; r < other.classes_; ++r) {
    for (size_t c = 0; c < other.classes_; ++c) counts_[r * classes_ + c] += other.at(r, c);
  }
}

uint64_t ConfusionMatrix::total() const {
  uint64_t sum = 0;
  for (uint64_t v : counts_) sum += v;
  return sum;
}

uint64_t ConfusionMatrix::correct() const {
  uint64_t sum = 0;
  for (size_t k = 0; k < classes_; ++k) sum += at(k, k);
  return sum;
}

double ConfusionMatrix::accuracy() const {
  const uint64_t n = total();
  return n == 0 ? 0.0 : static_cast<double>(correct()) / static_cast<double>(n);
}

}  // namespace tinyforge
