// The shared corpus's MNIST digits in the form conv_fc_mnist takes, as the
// corpus README defines it: float32 [N,28,28,1] = uint8 / 255.0 computed in
// float64. Tests that use these call TF_REQUIRE_SHARED() first.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "libconvert/compare/metrics.h"
#include "libconvert/data/npy.h"
#include "tests/test_util.h"

namespace tinyforge::testing {

// Digits in the corpus's data/mnist/eval_images_f32_first1000.npy.
inline constexpr int64_t kEvalF32Digits = 1000;

// "eval_images.npy" or "calib_images.npy", at most `limit` digits.
inline NpyArray MnistImagesF32(const std::string& file, size_t limit = SIZE_MAX) {
  const NpyArray raw = ReadNpy(SharedDir() + "/data/mnist/" + file);
  const size_t n = std::min<size_t>(limit, static_cast<size_t>(raw.shape[0]));
  NpyArray out = NpyArray::Zeros(DType::kFloat32, {static_cast<int64_t>(n), 28, 28, 1});
  const Span<const uint8_t> src = raw.View<uint8_t>();
  Span<float> dst = out.MutableView<float>();
  for (size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<float>(src[i] / 255.0);
  return out;
}

// "eval_labels.npy" or "calib_labels.npy", at most `limit` labels.
inline std::vector<int64_t> MnistLabels(const std::string& file, size_t limit = SIZE_MAX) {
  std::vector<int64_t> labels = ReadLabels(SharedDir() + "/data/mnist/" + file);
  if (labels.size() > limit) labels.resize(limit);
  return labels;
}

}  // namespace tinyforge::testing
