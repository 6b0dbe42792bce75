// How far one model's numbers are from another's, and how often a classifier
// is right. Shared by quantize's report, compare, prune's accuracy search and
// the pipeline, so every command measures error the same way.
//
// Determinism: accumulate each sample (or each fixed block of samples, as
// compare does) into its own ErrorStats and Merge them in sample order; the
// sums are then the same for any thread count. Not one per worker:
// ForEachSample hands workers different samples from run to run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/interp/tensor.h"
#include "libconvert/data/npy.h"

namespace tinyforge {

// Error of a candidate signal against a reference, over any number of
// elements. Sums are kept in double.
class ErrorStats {
 public:
  void Add(const float* reference, const float* candidate, size_t n);
  void Merge(const ErrorStats& other);

  size_t count() const { return count_; }
  double max_abs() const { return max_abs_; }
  double mae() const;
  double rmse() const;
  // Cosine similarity of the two flattened signals; 1 when both are all
  // zero, 0 when only one is.
  double cosine() const;
  // 10·log10(Σref² / Σ(cand−ref)²); +infinity when the error is zero.
  double snr_db() const;

 private:
  size_t count_ = 0;
  double max_abs_ = 0;
  double sum_abs_ = 0;
  double sum_sq_err_ = 0;
  double sum_ref_sq_ = 0;
  double sum_cand_sq_ = 0;
  double sum_dot_ = 0;
};

// Index of the first largest value (the TFLite/numpy argmax convention).
size_t ArgMax(const float* values, size_t n);

// The real values a tensor holds: float32 as is; int8/uint8/int16/int32
// dequantized with the tensor's per-tensor scale and zero point (an
// unquantized integer tensor is taken as its integer values). `out` is
// resized to the element count. Throws Error for other types.
void RealValues(const interp::RuntimeTensor& tensor, std::vector<float>& out);
// Whether RealValues takes a tensor of this type.
bool HasRealValues(tflite::TensorType type);

// The inverse: writes `n` real values into a non-constant tensor of
// `tensor.count()` elements: float32 as is; integer types quantized as
// TFLite's QUANTIZE does (round half away from zero of value / scale, plus
// the zero point, saturated to the type); an unquantized integer tensor gets
// the rounded values. Throws Error for other types or a count mismatch.
void WriteRealValues(const float* values, size_t n, interp::RuntimeTensor& tensor);

// Class labels from a .npy of any integer dtype with shape [N] or [N, 1].
// Throws Error (kBadInput) naming the file for another dtype or shape, or a
// negative label.
std::vector<int64_t> ReadLabels(const std::string& path);
std::vector<int64_t> LabelsFromArray(const NpyArray& array, const std::string& name);

// Counts of (true label, predicted class) pairs.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(size_t classes = 0) : classes_(classes), counts_(classes * classes) {}
  // Grows the matrix when a label or prediction is beyond its size.
  void Add(int64_t label, int64_t predicted);
  void Merge(const ConfusionMatrix& other);

  size_t classes() const { return classes_; }
  uint64_t at(size_t label, size_t predicted) const { return counts_[label * classes_ + predicted]; }
  uint64_t total() const;
  uint64_t correct() const;
  // correct / total, 0 when empty.
  double accuracy() const;

 private:
  void Grow(size_t classes);
  size_t classes_;
  std::vector<uint64_t> counts_;
};

}  // namespace tinyforge
