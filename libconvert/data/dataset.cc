#include "libconvert/data/dataset.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

std::string DimsToString(const std::vector<int32_t>& dims, size_t begin, bool leading_n) {
  std::string s = "[";
  if (leading_n) s += "N";
  for (size_t i = begin; i < dims.size(); ++i) {
    if (i > begin || leading_n) s += ",";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

// "[1,28,28,1] or [N,28,28,1]" for a batch-1 input, "[3,4] or [N,3,4]" else.
std::string ExpectedForms(const std::vector<int32_t>& input_shape) {
  const bool batch_one = !input_shape.empty() && input_shape[0] == 1;
  return DimsToString(input_shape, 0, false) + " or " +
         DimsToString(input_shape, batch_one ? 1 : 0, true);
}

// Does array_shape[offset...] equal input_shape[input_begin...]?
bool TailMatches(const std::vector<int64_t>& array_shape, size_t offset,
                 const std::vector<int32_t>& input_shape, size_t input_begin) {
  if (array_shape.size() < offset ||
      array_shape.size() - offset != input_shape.size() - input_begin) {
    return false;
  }
  for (size_t i = input_begin; i < input_shape.size(); ++i) {
    if (array_shape[offset + i - input_begin] != input_shape[i]) return false;
  }
  return true;
}

template <typename T>
std::optional<NonFiniteValue> FindNonFiniteAs(const uint8_t* data, size_t count,
                                              size_t per_sample) {
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, data + i * sizeof(T), sizeof(T));
    if (!std::isfinite(v)) {
      return NonFiniteValue{i / per_sample, i % per_sample, static_cast<double>(v)};
    }
  }
  return std::nullopt;
}

}  // namespace

SampleLayout SamplesOf(const std::vector<int64_t>& shape, const std::vector<int32_t>& input_shape,
                       const std::string& array_name, const std::string& input_label) {
  if (TailMatches(shape, 0, input_shape, 0)) return {1, false};
  if (!shape.empty() && TailMatches(shape, 1, input_shape, 0)) return {static_cast<size_t>(shape[0]), true};
  if (!shape.empty() && !input_shape.empty() && input_shape[0] == 1 && TailMatches(shape, 1, input_shape, 1)) {
    return {static_cast<size_t>(shape[0]), true};
  }
  throw Error(array_name + ": shape " + ShapeToString(shape) + " does not match " + input_label + " " +
              DimsToString(input_shape, 0, false) + " (expected " + ExpectedForms(input_shape) + ")");
}

DatasetView::DatasetView(const NpyArray& array, std::string array_name,
                         const std::vector<int32_t>& input_shape, DType input_dtype,
                         std::string input_label)
    : array_(&array), array_name_(std::move(array_name)) {
  const std::string expected_shape = ExpectedForms(input_shape);
  const std::string got = std::string(DTypeName(array.dtype)) + " " + ShapeToString(array.shape);
  size_t elements = 1;
  for (int32_t d : input_shape) {
    if (d < 0) {
      throw Error(array_name_ + ": " + input_label + " has an unknown dim in shape " +
                      DimsToString(input_shape, 0, false) + "; a dataset needs a fixed shape",
                  ErrorCode::kBadInput);
    }
    if (d != 0 && elements > SIZE_MAX / 16 / static_cast<size_t>(d)) {
      throw Error(array_name_ + ": " + input_label + " shape " +
                  DimsToString(input_shape, 0, false) + " is too large");
    }
    elements *= static_cast<size_t>(d);
  }
  if (array.dtype != input_dtype) {
    throw Error(array_name_ + ": dtype " + DTypeName(array.dtype) + " does not match " +
                input_label + " " + DTypeName(input_dtype) + " (got " + got + ", expected " +
                DTypeName(input_dtype) + " " + expected_shape + ")");
  }
  const SampleLayout layout = SamplesOf(array.shape, input_shape, array_name_, input_label);
  num_samples_ = layout.samples;
  batched_ = layout.batched;
  elements_per_sample_ = elements;
  bytes_per_sample_ = elements * DTypeSize(array.dtype);
  const bool size_ok = bytes_per_sample_ == 0
                           ? array.data.empty()
                           : array.data.size() % bytes_per_sample_ == 0 &&
                                 array.data.size() / bytes_per_sample_ == num_samples_;
  if (!size_ok) {
    throw Error(array_name_ + ": holds " + std::to_string(array.data.size()) +
                    " bytes, which does not match " + got,
                ErrorCode::kInternal);
  }
}

const uint8_t* DatasetView::sample(size_t i) const {
  if (i >= num_samples_) {
    throw Error(array_name_ + ": sample " + std::to_string(i) + " requested, only " +
                    std::to_string(num_samples_) + " samples",
                ErrorCode::kInternal);
  }
  return array_->data.data() + i * bytes_per_sample_;
}

std::optional<NonFiniteValue> DatasetView::FindNonFinite() const {
  if (elements_per_sample_ == 0) return std::nullopt;
  const size_t count = num_samples_ * elements_per_sample_;
  switch (array_->dtype) {
    case DType::kFloat32:
      return FindNonFiniteAs<float>(array_->data.data(), count, elements_per_sample_);
    case DType::kFloat64:
      return FindNonFiniteAs<double>(array_->data.data(), count, elements_per_sample_);
    default:
      return std::nullopt;
  }
}

void DatasetView::CheckFinite() const {
  const std::optional<NonFiniteValue> bad = FindNonFinite();
  if (!bad) return;
  const char* what = std::isnan(bad->value) ? "NaN" : (bad->value > 0 ? "+inf" : "-inf");
  throw Error(array_name_ + ": sample " + std::to_string(bad->sample) + " holds " + what +
              " at element " + std::to_string(bad->element) + " (of " +
              std::to_string(elements_per_sample_) + " per sample)");
}

}  // namespace tinyforge
