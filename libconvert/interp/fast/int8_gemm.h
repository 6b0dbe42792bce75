// The exact int32 GEMM behind the fast int8 CONV_2D, FULLY_CONNECTED and
// BATCH_MATMUL: rows of int8 activations (plus the input offset) times
// constant weights, accumulated exactly, in one of two forms:
//
//   Int16Form (AVX2): activations as int16 x + offset, weights as int16,
//     pairs of products through vpmaddwd.
//   Uint8Form (AVX-512 VNNI): activations as uint8 x + 128, weights as
//     int8, fours of products through vpdpbusd. That sums (x + 128) * w, so
//     (128 - offset) * sum_k w(o, k) comes off each output channel; it is
//     folded into the bias once (int32 wrap-around, as the reference's).
//
// Either way the accumulators are the reference's bits, and the reference's
// requantization follows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "libconvert/base/cache_aligned.h"
#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/avx512_kernels.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {

// Bytes of im2col rows plus accumulators a chunk aims at: small enough to
// stay in L2 next to the weights, large enough that each weight block is
// reused over many rows.
constexpr int64_t kGemmChunkBytes = 32 * 1024;

struct Int16Form {
  using Element = int16_t;
  static constexpr int64_t kGroup = 2;  // k values per product step
  static constexpr bool kBoundedRequantization = false;  // its AVX2 kernel has only the general form

  struct Packed {
    CacheAlignedVector<int16_t> data;
    int64_t k_pairs = 0, oc_blocks = 0;
    int last_width = avx2::kOcBlock;  // of the last block: kOcBlock or kOcBlock / 2
    int64_t acc_stride() const { return oc_blocks * avx2::kOcBlock; }
  };

  // The padding's value: x = zero point, so x + offset = 0.
  static Element PadValue(int32_t /*offset*/) { return 0; }
  static void Convert(const int8_t* src, int64_t n, int32_t offset, Element* dst) {
    avx2::Int8ToInt16(src, n, offset, dst);
  }
  static int32_t CorrectionFactor(int32_t /*offset*/) { return 0; }

  // w(o, kk) gives the weight (any int16 value within [-256, 255]).
  template <typename W>
  static Packed Pack(int64_t oc, int64_t k, W w) {
    constexpr int64_t kBlock = avx2::kOcBlock;
    Packed p;
    p.k_pairs = (k + 1) / 2;
    p.oc_blocks = (oc + kBlock - 1) / kBlock;
    const int64_t rest = oc % kBlock;
    p.last_width = rest > 0 && rest <= kBlock / 2 ? kBlock / 2 : kBlock;
    p.data.assign(static_cast<size_t>(p.oc_blocks * p.k_pairs * 2 * kBlock), 0);
    for (int64_t o = 0; o < oc; ++o) {
      const int64_t block = o / kBlock, j = o % kBlock;
      const int64_t width = block + 1 == p.oc_blocks ? p.last_width : kBlock;
      for (int64_t kk = 0; kk < k; ++kk) {
        p.data[static_cast<size_t>(block * p.k_pairs * 2 * kBlock + (kk / 2 * width + j) * 2 + kk % 2)] =
            static_cast<int16_t>(w(o, kk));
      }
    }
    return p;
  }

  static void Gemm(const Packed& p, const Element* a, int64_t rows, int64_t a_stride, int32_t* c, int64_t c_stride) {
    avx2::GemmInt16(a, rows, a_stride, p.data.data(), p.k_pairs, p.oc_blocks, p.last_width, c, c_stride);
  }
  // The GEMM with the requantization fused, for output channels
  // [first, first + oc) (first: a multiple of 16; bias from first on, in
  // whole blocks).
  static void GemmRequantized(const Packed& p, int64_t first, int64_t oc, const Element* a, int64_t rows,
                              int64_t a_stride, const int32_t* bias, const Requantizer& requantize, int8_t* out,
                              int64_t out_stride) {
    const int64_t block = first / avx2::kOcBlock;
    const bool last = block + (oc + avx2::kOcBlock - 1) / avx2::kOcBlock == p.oc_blocks;
    avx2::GemmInt16Requantize(a, rows, a_stride, p.data.data() + block * p.k_pairs * 2 * avx2::kOcBlock, p.k_pairs, oc,
                              last ? p.last_width : avx2::kOcBlock, bias, requantize.Params(first), out, out_stride);
  }
};

struct Uint8Form {
  using Element = uint8_t;
  static constexpr int64_t kGroup = 4;
  static constexpr bool kBoundedRequantization = true;  // Requantizer::UseBounds

  struct Packed {
    CacheAlignedVector<int8_t> data;
    int64_t k_quads = 0, oc_blocks = 0;
    Avx512Kernels kernels;
    int64_t acc_stride() const { return oc_blocks * kUint8OcBlock; }
  };

  // x = zero point = -offset, stored as x + 128.
  static Element PadValue(int32_t offset) { return static_cast<Element>(128 - offset); }
  static void Convert(const int8_t* src, int64_t n, int32_t /*offset*/, Element* dst) {
    avx2::Int8ToUint8(src, n, dst);
  }
  static int32_t CorrectionFactor(int32_t offset) { return 128 - offset; }

  // The kernels: AVX-512 VNNI when the CPU has it, or what a test chose
  // (OverrideAvx512KernelsForTesting); null ones: use Int16Form.
  static Avx512Kernels Kernels() { return ChosenAvx512Kernels(); }
  static bool Usable(int32_t offset) {
    const Avx512Kernels k = Kernels();
    return k.gemm != nullptr && k.gemm_requantize != nullptr && Fits(offset);
  }
  // The padding (the zero point + 128) must fit uint8, which it does for
  // any int8 zero point; a model with another takes Int16Form.
  static bool Fits(int32_t offset) { return offset >= -127 && offset <= 128; }

  // w(o, kk) gives the weight, within int8.
  template <typename W>
  static Packed Pack(int64_t oc, int64_t k, W w) {
    constexpr int64_t kBlock = kUint8OcBlock;
    Packed p;
    p.k_quads = (k + 3) / 4;
    p.oc_blocks = (oc + kBlock - 1) / kBlock;
    p.kernels = Kernels();
    p.data.assign(static_cast<size_t>(p.oc_blocks * p.k_quads * 4 * kBlock), 0);
    for (int64_t o = 0; o < oc; ++o) {
      const int64_t block = o / kBlock, j = o % kBlock;
      for (int64_t kk = 0; kk < k; ++kk) {
        p.data[static_cast<size_t>((block * p.k_quads + kk / 4) * 4 * kBlock + j * 4 + kk % 4)] =
            static_cast<int8_t>(w(o, kk));
      }
    }
    return p;
  }

  static void Gemm(const Packed& p, const Element* a, int64_t rows, int64_t a_stride, int32_t* c, int64_t c_stride) {
    p.kernels.gemm(a, rows, a_stride, p.data.data(), p.k_quads, p.oc_blocks, c, c_stride);
  }
  // The GEMM with the requantization fused, for output channels
  // [first, first + oc) (as for Int16Form).
  static void GemmRequantized(const Packed& p, int64_t first, int64_t oc, const Element* a, int64_t rows,
                              int64_t a_stride, const int32_t* bias, const Requantizer& requantize, int8_t* out,
                              int64_t out_stride) {
    const int64_t block = first / kUint8OcBlock;
    p.kernels.gemm_requantize(a, rows, a_stride, p.data.data() + block * p.k_quads * 4 * kUint8OcBlock, p.k_quads, oc,
                              bias, requantize.Params(first), out, out_stride);
  }
};

// Folds the correction a Form's activations need, (factor) * sum_k w(o, k)
// off each output channel's bias (int32 wrap-around, as the reference's),
// into `blocks` whole blocks of 16 channels (zeros past oc).
template <typename W>
std::vector<int32_t> CorrectedBias(int64_t oc, int64_t k, W w, int32_t factor, const int32_t* bias) {
  std::vector<int32_t> out(static_cast<size_t>((oc + 15) / 16 * 16), 0);
  for (int64_t o = 0; o < oc; ++o) {
    uint32_t b = bias != nullptr ? static_cast<uint32_t>(bias[o]) : 0u;
    if (factor != 0) {
      for (int64_t kk = 0; kk < k; ++kk) b -= static_cast<uint32_t>(factor) * static_cast<uint32_t>(w(o, kk));
    }
    out[static_cast<size_t>(o)] = static_cast<int32_t>(b);
  }
  return out;
}

// One int8 conv-like GEMM with its requantization: rows of a Form's
// activations in (a_stride() elements apart, the padding past k zero or
// anything: its weights are zero), int8 rows out. Weights are packed once.
template <typename Form>
class RequantizedGemm {
 public:
  using Element = typename Form::Element;

  // w(o, kk) for o < oc, kk < k; bias may be null.
  template <typename W>
  RequantizedGemm(int64_t oc, int64_t k, W w, int32_t input_offset, const int32_t* bias, Requantizer requantize)
      : packed_(Form::Pack(oc, k, w)), bias_(CorrectedBias(oc, k, w, Form::CorrectionFactor(input_offset), bias)),
        requantize_(std::move(requantize)), oc_(oc), a_stride_((k + Form::kGroup - 1) / Form::kGroup * Form::kGroup) {
    if constexpr (Form::kBoundedRequantization) requantize_.UseBounds(bias, k, w, input_offset);
  }

  int64_t a_stride() const { return a_stride_; }
  // Blocks of 16 output channels.
  int64_t blocks() const { return (oc_ + 15) / 16; }

  // out[r * out_stride + o] for r < rows and the channels o of blocks
  // [block_begin, block_end).
  void Run(const Element* a, int64_t rows, int8_t* out, int64_t out_stride, int64_t block_begin,
           int64_t block_end) const {
    const int64_t first = block_begin * 16, oc = std::min(oc_, block_end * 16) - first;
    if (oc <= 0) return;
    Form::GemmRequantized(packed_, first, oc, a, rows, a_stride_, bias_.data() + first, requantize_, out + first,
                          out_stride);
  }

 private:
  typename Form::Packed packed_;
  std::vector<int32_t> bias_;
  Requantizer requantize_;
  int64_t oc_, a_stride_;
};

// Runs rows through a Form's GEMM in chunks, its buffers sized for the
// `rows` its constructor is given: fill(begin, n, dst, stride) writes the k
// activations of rows [begin, begin + n) to dst + r * stride in the Form's
// element (the padding columns past k stay zero); finish(begin, n, acc,
// acc_stride) reads the rows' accumulators, to which bias() (per output
// channel, null when there is nothing to add) belongs.
template <typename Form>
class ChunkedGemm {
 public:
  using Element = typename Form::Element;

  // w(o, kk) for o < oc, kk < k; bias may be null.
  template <typename W>
  ChunkedGemm(int64_t rows, int64_t oc, int64_t k, W w, int32_t input_offset, const int32_t* bias)
      : packed_(Form::Pack(oc, k, w)) {
    a_stride_ = (k + Form::kGroup - 1) / Form::kGroup * Form::kGroup;
    c_stride_ = packed_.acc_stride();
    // Both the activation rows and their accumulators stay in cache between
    // the GEMM that writes them and the requantization that reads them. No
    // more than the rows there are: a BATCH_MATMUL of half a million 1x1
    // matrices zeroed 30 KB of buffers for each one (found by fuzzing).
    chunk_ = std::max<int64_t>(6, kGemmChunkBytes / (a_stride_ * static_cast<int64_t>(sizeof(Element)) + c_stride_ * 4));
    chunk_ = std::clamp<int64_t>(rows, 1, chunk_);
    a_.resize(static_cast<size_t>(chunk_ * a_stride_));
    c_.resize(static_cast<size_t>(chunk_ * c_stride_));
    const int32_t factor = Form::CorrectionFactor(input_offset);
    if (factor != 0 || bias != nullptr) bias_ = CorrectedBias(oc, k, w, factor, bias);
  }

  const int32_t* bias() const { return bias_.empty() ? nullptr : bias_.data(); }

  template <typename Fill, typename Finish>
  void Run(int64_t rows, Fill fill, Finish finish) {
    for (int64_t begin = 0; begin < rows; begin += chunk_) {
      const int64_t n = std::min(chunk_, rows - begin);
      fill(begin, n, a_.data(), a_stride_);
      Form::Gemm(packed_, a_.data(), n, a_stride_, c_.data(), c_stride_);
      finish(begin, n, c_.data(), c_stride_);
    }
  }

 private:
  typename Form::Packed packed_;
  std::vector<int32_t> bias_;
  int64_t a_stride_ = 0, c_stride_ = 0, chunk_ = 0;
  std::vector<Element> a_;
  std::vector<int32_t> c_;
};

}  // namespace tinyforge::interp::fast
