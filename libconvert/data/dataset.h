// A sequence of samples for one model input, viewed over a loaded .npy array.
//
// With the input's shape S = [s0, s1, ...], an array of shape
//   S                       is one sample;
//   [N, s0, s1, ...]        is N samples;
//   [N, s1, ...] if s0 == 1 is N samples too (the batch dim of 1 dropped),
//                           e.g. MNIST [1000,28,28,1] for an input [1,28,28,1].
// In every case sample i is the i-th run of bytes_per_sample() bytes, so the
// view needs no copy. N may be 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/data/npy.h"

namespace tinyforge {

// A NaN or infinity found in a float dataset.
struct NonFiniteValue {
  size_t sample = 0;   // sample index
  size_t element = 0;  // flat index within that sample
  double value = 0;    // the value (NaN, +inf or -inf)
};

// How an array of `shape` holds samples of an input of `input_shape`: one
// sample (the input's own shape), or N along a leading dim (for an input
// whose leading dim is 1, that dim may be N instead). Anything else is an
// Error naming array_name and input_label.
struct SampleLayout {
  size_t samples = 0;
  bool batched = false;
};
SampleLayout SamplesOf(const std::vector<int64_t>& shape, const std::vector<int32_t>& input_shape,
                       const std::string& array_name, const std::string& input_label);

class DatasetView {
 public:
  // `array_name` (usually the file name) starts error messages;
  // `input_label` names the input, e.g. "model input 0 'serving_default_x:0'".
  // Throws Error (kBadInput) if dtype or shape fit none of the forms above,
  // naming both the got and the expected dtype and shape. `array` must
  // outlive the view.
  DatasetView(const NpyArray& array, std::string array_name,
              const std::vector<int32_t>& input_shape, DType input_dtype,
              std::string input_label);
  // A view over a temporary would dangle.
  DatasetView(NpyArray&&, std::string, const std::vector<int32_t>&, DType, std::string) = delete;

  size_t num_samples() const { return num_samples_; }
  size_t bytes_per_sample() const { return bytes_per_sample_; }
  size_t elements_per_sample() const { return elements_per_sample_; }
  DType dtype() const { return array_->dtype; }
  // The same view over only the first min(n, num_samples()) samples (what
  // --samples N means everywhere).
  DatasetView Limit(size_t n) const {
    DatasetView limited = *this;
    limited.num_samples_ = n < num_samples_ ? n : num_samples_;
    return limited;
  }
  // True when the array had a leading sample dim (forms 2 and 3 above).
  bool batched() const { return batched_; }
  const std::string& array_name() const { return array_name_; }

  // Start of sample i's bytes. Throws Error (kInternal) if i >= num_samples().
  const uint8_t* sample(size_t i) const;

  // The first NaN/Inf in sample order, or nullopt (always for non-float
  // dtypes).
  std::optional<NonFiniteValue> FindNonFinite() const;
  bool HasNonFinite() const { return FindNonFinite().has_value(); }
  // Throws Error (kBadInput) naming the array, the sample and the element if
  // FindNonFinite() finds one.
  void CheckFinite() const;

 private:
  const NpyArray* array_;
  std::string array_name_;
  size_t num_samples_ = 0;
  size_t bytes_per_sample_ = 0;
  size_t elements_per_sample_ = 0;
  bool batched_ = false;
};

}  // namespace tinyforge
