// What the fast kernels share (baseline code, no SIMD: see
// avx2_kernels.h): per-thread scratch, the padded input layout of the
// windowed ops, and per-channel requantization in the vector kernels' form.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "libconvert/base/cache_aligned.h"
#include "libconvert/base/checked_math.h"
#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/padding.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::interp::fast {

using ref::Shape;

// One growing buffer per thread, type and slot (a kernel that needs two
// buffers of one type uses slots 0 and 1) for the padded copies of conv
// inputs and the im2col rows: its size is the largest such buffer, not the
// sum over layers.
template <typename T, int kSlot = 0>
T* Scratch(int64_t n) {
  thread_local CacheAlignedVector<T> buffer;
  if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}

// The rows (or columns) one dilated window spans, as an int where a kernel
// keeps it: only used once the padded copy is Worthwhile (so it fits), and
// saturated before (a hostile dilation passes Prepare with SAME padding).
inline int WindowSpanInt(int filter, int dilation) {
  return static_cast<int>(
      std::min<int64_t>(ref::EffectiveFilterSize(filter, dilation), std::numeric_limits<int>::max()));
}

// An NHWC input with a window op's padding made explicit: pad_h rows before
// row 0, pad_w columns before column 0, and as many after as the last
// windows reach; each pixel `stride` (>= depth) values apart, written by
// Fill's converter. Window reads then need no bounds checks.
struct PaddedLayout {
  int batches, in_height, in_width, depth, stride, pad_h, pad_w, height, width;

  PaddedLayout(const Shape& in, int channel_stride, const Shape& out, int filter_h, int filter_w, int stride_h,
               int stride_w, int dilation_h, int dilation_w, int pad_top, int pad_left)
      : batches(in.dim(0)), in_height(in.dim(1)), in_width(in.dim(2)), depth(in.dim(3)), stride(channel_stride),
        pad_h(pad_top), pad_w(pad_left),
        height(PaddedSize(in_height, out.dim(1), filter_h, stride_h, dilation_h, pad_top)),
        width(PaddedSize(in_width, out.dim(2), filter_w, stride_w, dilation_w, pad_left)) {}

  int64_t size() const { return static_cast<int64_t>(batches) * height * width * stride; }

  // The padded extent of one axis: the input plus its padding before, and
  // after it as far as the last window reaches. 0 when that does not fit in
  // an int (a dilation of 2^30 passes Prepare with SAME padding): then the
  // copy is not Worthwhile.
  static int PaddedSize(int in_size, int out_size, int filter, int window_stride, int dilation, int pad_before) {
    const int64_t reach = (int64_t{out_size} - 1) * window_stride - pad_before + ref::EffectiveFilterSize(filter, dilation);
    const int64_t size = pad_before + std::max<int64_t>(in_size, reach);
    return size <= std::numeric_limits<int>::max() ? static_cast<int>(size) : 0;
  }

  // Whether the padded copy is worth making: at most 4 times the input's
  // pixels plus 2^20 values. A padding or dilation far beyond a small input
  // (a hostile file's, or a SAME conv whose dilated filter dwarfs the image)
  // would make a copy that is mostly padding, gigabytes allocated at Eval;
  // the fast builders then return no kernel and the reference kernel, which
  // skips those taps, runs with the same results. The allowance is in
  // values, not pixels: 2^20 pixels of 1000 channels were 4 GB.
  bool Worthwhile() const {
    const std::optional<int64_t> pixels = CheckedProduct(std::vector<int64_t>{batches, height, width});
    const int64_t input_pixels = static_cast<int64_t>(batches) * in_height * in_width;
    return height > 0 && width > 0 && stride > 0 && pixels &&
           *pixels <= 4 * input_pixels + (int64_t{1} << 20) / stride;
  }

  // Fills `padded` (size() elements): convert(src, dst) turns one input row
  // (in_width * depth values) into in_width pixels of `stride` values each;
  // the padding rows and columns hold `pad`.
  template <typename S, typename T, typename Convert>
  void Fill(const S* input, T* padded, T pad, Convert convert) const {
    const int64_t image_size = static_cast<int64_t>(height) * width * stride;
    for (int b = 0; b < batches; ++b) FillRows(input, b, 0, height, padded + b * image_size, pad, convert);
  }

  // Padded rows [row_begin, row_end) of batch b, as Fill makes them, into
  // `rows` (row_end - row_begin rows of width * stride values).
  template <typename S, typename T, typename Convert>
  void FillRows(const S* input, int b, int row_begin, int row_end, T* rows, T pad, Convert convert) const {
    const int64_t row_size = static_cast<int64_t>(width) * stride;
    for (int r = row_begin; r < row_end; ++r) {
      T* row = rows + (r - row_begin) * row_size;
      const int y = r - pad_h;
      if (y < 0 || y >= in_height) {
        std::fill(row, row + row_size, pad);
        continue;
      }
      const int64_t before = static_cast<int64_t>(pad_w) * stride;
      std::fill(row, row + before, pad);
      std::fill(row + before + static_cast<int64_t>(in_width) * stride, row + row_size, pad);
      convert(input + (static_cast<int64_t>(b) * in_height + y) * in_width * depth, row + before);
    }
  }
};

// The padded rows of a PaddedLayout made one at a time, as a window op's
// output rows reach them: a ring of `slots` rows (at least the rows one
// output row reads) in this thread's scratch, so each input row is
// converted once and stays in cache while the output rows that read it
// are made. One ring per Eval (the scratch is shared with other kernels).
template <typename T>
class PaddedRowRing {
 public:
  PaddedRowRing(const PaddedLayout& layout, int slots)
      : layout_(layout), row_size_(static_cast<int64_t>(layout.width) * layout.stride),
        rows_(Scratch<T, 1>(row_size_ * slots)), tags_(static_cast<size_t>(slots), -1) {}

  // Padded row r of batch b (convert and pad as for PaddedLayout::Fill).
  template <typename S, typename Convert>
  const T* Row(const S* input, int b, int r, T pad, Convert convert) {
    const size_t slot = static_cast<size_t>(r) % tags_.size();
    T* row = rows_ + static_cast<int64_t>(slot) * row_size_;
    const int64_t tag = static_cast<int64_t>(b) * layout_.height + r;
    if (tags_[slot] != tag) {
      layout_.FillRows(input, b, r, r + 1, row, pad, convert);
      tags_[slot] = tag;
    }
    return row;
  }

 private:
  const PaddedLayout& layout_;
  int64_t row_size_;
  T* rows_;
  std::vector<int64_t> tags_;  // which (batch, row) each slot holds
};

// Whether x + offset fits int16 for every int8 x: the int16 kernels (AVX2
// GEMM, depthwise, BATCH_MATMUL) hold activations that way, and a zero
// point far outside int8 would wrap there.
inline bool Int16Holds(int64_t offset) { return offset >= -32767 + 128 && offset <= 32767 - 127; }

// The bounded requantization's offset * 2^right + 2^(right - 1) (offset
// for right = 0) for sums of at most `most` in magnitude, where the form
// holds for them: |h| + |that| + 1 < 2^31 for the rounding multiply's
// result h (|h| <= |sum|, M < 2^31), and 2 |sum| < 2^31 (the AVX-512 form
// doubles it). Empty where it does not. `most` may be anything from 0 up.
inline std::optional<int32_t> BoundedRequantAdd(int64_t most, int32_t offset, int64_t right) {
  constexpr int64_t kLimit = int64_t{1} << 31;
  const int64_t add = int64_t{offset} * (int64_t{1} << right) + (right > 0 ? int64_t{1} << (right - 1) : 0);
  if (most >= kLimit / 2 || most + std::abs(add) + 1 >= kLimit) return std::nullopt;
  return static_cast<int32_t>(add);
}

// Per-channel requantization data in the form the vector kernels read
// (avx2::RequantParams), for channels [first, first + count) of a conv-like
// op's params.
class Requantizer {
 public:
  explicit Requantizer(const ref::ConvQuantParams& q) : Requantizer(q, 0, static_cast<int>(q.output_multiplier.size())) {}
  Requantizer(const ref::ConvQuantParams& q, int first, int count)
      : count_(count), offset_(q.output_offset), min_(q.activation_min), max_(q.activation_max) {
    // Whole blocks of 16 channels (the GEMM's), zeros past the last.
    const int blocks = (count + 15) / 16 * 2;
    channels_.assign(static_cast<size_t>(blocks) * avx2::kRequantBlockValues, 0);
    for (int c = 0; c < count; ++c) {
      const int32_t m = q.output_multiplier[static_cast<size_t>(first + c)];
      const int32_t shift = q.output_shift[static_cast<size_t>(first + c)];
      const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
      valid_ = valid_ && m >= 0 && left <= 31 && right <= 31;
      const uint32_t mask = right <= 31 ? (uint32_t{1} << right) - 1u : 0u;
      int32_t* block = channels_.data() + static_cast<size_t>(c / 8) * avx2::kRequantBlockValues;
      const int lane = c % 8;
      block[lane] = m;
      if (lane % 2 == 1) block[8 + lane - 1] = m;
      block[16 + lane] = left;
      block[24 + lane] = right;
      block[32 + lane] = static_cast<int32_t>(mask);
      block[40 + lane] = static_cast<int32_t>(mask >> 1);
    }
  }
  // The SIMD form holds for multipliers >= 0 and shifts within [-31, 31],
  // which QuantizeMultiplier always gives; anything else uses the reference.
  bool Valid() const { return valid_; }
  // The params from channel `first` on: a multiple of 8, and of 16 for
  // kernels that read the bounded form (its blocks hold 16 channels).
  avx2::RequantParams Params(int64_t first = 0) const {
    return {channels_.data() + first / 8 * avx2::kRequantBlockValues, offset_, min_, max_,
            bounded_.empty() ? nullptr : bounded_.data() + first / 16 * avx2::kBoundedBlockValues};
  }

  // Gives Params() the bounded form (avx2_kernels.h) when every channel c
  // qualifies: no left shift, and BoundedRequantAdd holds for the most
  // |accumulator| can be: |bias[c]| + sum over the channel's n weights of
  // |weight(c, i)| * the most |x + input_offset| for an int8 x (bias may be
  // null). Otherwise it changes nothing.
  template <typename Weight>
  void UseBounds(const int32_t* bias, int64_t n, Weight weight, int32_t input_offset) {
    constexpr int64_t kLimit = int64_t{1} << 31;
    const int64_t most_x = std::max(std::abs(int64_t{-128} + input_offset), std::abs(int64_t{127} + input_offset));
    const int blocks = static_cast<int>(channels_.size() / avx2::kRequantBlockValues);
    std::vector<int32_t> bounded(static_cast<size_t>(blocks / 2) * avx2::kBoundedBlockValues, 0);
    // Past count_ the channels are zeros in both forms, their bound 0.
    for (int c = 0; c < blocks * 8; ++c) {
      const int32_t* block = channels_.data() + static_cast<size_t>(c / 8) * avx2::kRequantBlockValues;
      const int lane = c % 8;
      const int32_t m = block[lane], left = block[16 + lane], right = block[24 + lane];
      // The sum stops once it reaches the limit, so a hostile model's
      // millions of terms cannot overflow it.
      int64_t most = c < count_ && bias != nullptr ? std::abs(int64_t{bias[c]}) : 0;
      for (int64_t i = 0; c < count_ && i < n && most < kLimit; ++i) most += std::abs(int64_t{weight(c, i)}) * most_x;
      const std::optional<int32_t> add = BoundedRequantAdd(most, offset_, right);
      if (left != 0 || !add) return;
      int32_t* row = bounded.data() + static_cast<size_t>(c / 16) * avx2::kBoundedBlockValues + c % 16;
      row[0] = m;
      if (c % 2 == 1) row[16 - 1] = m;
      row[32] = right;
      row[48] = *add;
      row[64] = right > 0 ? -1 : 0;
    }
    bounded_ = std::move(bounded);
  }

 private:
  std::vector<int32_t> channels_;
  std::vector<int32_t> bounded_;  // empty: no bounded form
  int count_;                     // the op's channels; channels_ holds whole blocks of 16
  int32_t offset_, min_, max_;
  bool valid_ = true;
};

}  // namespace tinyforge::interp::fast
