// The int8 depthwise row kernels on AVX-512: avx2::DepthwisePaddedRowInt8's
// arithmetic (tap pairs through vpdpwssd) on blocks of 32 channels, or of 8
// or 16 with 4 or 2 pixels per register; the requantization on 16 lanes, in
// the RequantForm the call needs (WithRequantForm).
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; see
// avx512_kernels.h for the rules of these files and the emulated build the
// tests make of it.
#include <cstdint>
#include <cstring>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {

namespace {

// The channel, within a block of `width` (8, 16 or 32) channels per pixel,
// whose sum int32 lane i of the low (high = false) or high products holds.
// unpacklo/hi_epi16 work within 128-bit lanes, each holding 8 channels of a
// pixel: the low products hold channels 0-3 of each 8, the high ones 4-7.
// With 32 channels a 128-bit lane is channels 8L..8L+7; with 8 or 16, the
// lanes hold 4 or 2 pixels.
TINYFORGE_AVX512_INLINE __m512i UnpackedChannels(int width, bool high) {
  alignas(64) int32_t lanes[16];
  for (int i = 0; i < 16; ++i) lanes[i] = (i / 4 % (width / 8)) * 8 + (high ? 4 : 0) + i % 4;
  return _mm512_load_si512(lanes);
}

template <typename Form>
void DepthwiseRowX32(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets, int tap_pairs,
                     const int16_t* packed, int channel_blocks, const int32_t* bias, const avx2::RequantParams& q,
                     int depth, int8_t* out) {
  const __m512i lo_clamp = _mm512_set1_epi32(q.min), hi_clamp = _mm512_set1_epi32(q.max);
  const __m512i low_channels = UnpackedChannels(32, false), high_channels = UnpackedChannels(32, true);
  // These indices put the 64-bit pairs of the low and high sums back in
  // channel order.
  const __m512i first_half = _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0);
  const __m512i second_half = _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4);
  // A block at a time along the row: its requantization, loaded once, stays
  // in registers for every pixel, where loading it per pixel cost more than
  // the taps.
  for (int block = 0; block < channel_blocks; ++block) {
    const int c = block * 32;
    const int16_t* w = packed + static_cast<int64_t>(block) * tap_pairs * 64;
    // The second half's parameters exist only if it holds a channel.
    const bool second = c + 16 < depth;
    const auto requantize0 = ChannelRequant16<Form>::Load(q, c);
    const auto requantize1 = second ? ChannelRequant16<Form>::Load(q, c + 16) : requantize0;
    // The sums start from the bias, in their lanes' channel order.
    const __m512i bias0 = _mm512_loadu_si512(bias + c), bias1 = _mm512_loadu_si512(bias + c + 16);
    const __m512i bias_low = _mm512_permutex2var_epi32(bias0, low_channels, bias1);
    const __m512i bias_high = _mm512_permutex2var_epi32(bias0, high_channels, bias1);
    const int n0 = depth - c < 16 ? depth - c : 16, n1 = depth - c - 16 < 16 ? depth - c - 16 : 16;
    const int16_t* origin = row + c;
    int8_t* o = out + c;
    for (int x = 0; x < out_width; ++x, origin += x_step, o += depth) {
      __m512i lo = bias_low, hi = bias_high;
      for (int p = 0; p < tap_pairs; ++p) {
        const __m512i first = _mm512_loadu_si512(origin + tap_offsets[2 * p]);
        const __m512i next = _mm512_loadu_si512(origin + tap_offsets[2 * p + 1]);
        lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(first, next), _mm512_loadu_si512(w + 64 * p));
        hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(first, next), _mm512_loadu_si512(w + 64 * p + 32));
      }
      StoreInt8x16(requantize0(_mm512_permutex2var_epi64(lo, first_half, hi), lo_clamp, hi_clamp), n0, o);
      if (second) {
        StoreInt8x16(requantize1(_mm512_permutex2var_epi64(lo, second_half, hi), lo_clamp, hi_clamp), n1, o + 16);
      }
    }
  }
}

}  // namespace

void DepthwisePaddedRowInt8x32(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                               int tap_pairs, const int16_t* packed, int channel_blocks, const int32_t* bias,
                               const avx2::RequantParams& q, int depth, int8_t* out) {
  WithRequantForm(q, [&](auto form) {
    DepthwiseRowX32<decltype(form)>(row, x_step, out_width, tap_offsets, tap_pairs, packed, channel_blocks, bias, q,
                                    depth, out);
  });
}

namespace {

// Blocks of W = 8 or 16 channels, P = 32 / W output pixels per register:
// each 128-bit lane holds 8 channels of one pixel, which is the layout
// unpacklo/hi_epi16 and the packed filter (avx2::PackDepthwiseFilter, block
// width W) already have within 128 bits. The block's requantization and
// bias are permuted into the lanes' channel order (UnpackedChannels) once
// per row.
template <int W>
struct NarrowLayout {
  static constexpr int kPixels = 32 / W;

  // P pixels of W values at p + offsets[k] (in the 128-bit lanes their
  // channels take).
  static __m512i Load(const int16_t* p, const int64_t* offsets) {
    if constexpr (W == 16) {
      const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + offsets[0]));
      return _mm512_inserti64x4(_mm512_castsi256_si512(first),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + offsets[1])), 1);
    } else {
      auto load = [p, offsets](int k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + offsets[k])); };
      __m512i v = _mm512_castsi128_si512(load(0));
      v = _mm512_inserti32x4(v, load(1), 1);
      v = _mm512_inserti32x4(v, load(2), 2);
      return _mm512_inserti32x4(v, load(3), 3);
    }
  }

  // The pair's low and high weights in every pixel's lanes.
  static __m512i Weights(const int16_t* w) {
    if constexpr (W == 16) {
      return _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)));
    } else {
      return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
    }
  }
};

template <int W, typename Form>
void DepthwiseRowNarrow(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets, int tap_pairs,
                        const int16_t* packed, int channel_blocks, const int32_t* bias, const avx2::RequantParams& q,
                        int depth, int8_t* out) {
  using L = NarrowLayout<W>;
  constexpr int P = L::kPixels;
  const __m512i lo_clamp = _mm512_set1_epi32(q.min), hi_clamp = _mm512_set1_epi32(q.max);
  const __m512i low_channels = UnpackedChannels(W, false), high_channels = UnpackedChannels(W, true);
  for (int block = 0; block < channel_blocks; ++block) {
    const int c = block * W, n = depth - c < W ? depth - c : W;
    const int16_t* w = packed + static_cast<int64_t>(block) * tap_pairs * 2 * W;
    // The Requantizer's blocks cover whole 16s of channels: 16 from c are there.
    const auto requantize = ChannelRequant16<Form>::Load(q, c);
    const auto requantize_low = requantize.Permuted(low_channels);
    const auto requantize_high = requantize.Permuted(high_channels);
    const __m512i block_bias = _mm512_loadu_si512(bias + c);
    const __m512i bias_low = _mm512_permutexvar_epi32(low_channels, block_bias);
    const __m512i bias_high = _mm512_permutexvar_epi32(high_channels, block_bias);
    const int16_t* origin = row + c;
    // The bias plus the sums of the P pixels load(tap offset) reads.
    auto accumulate = [&](auto load, __m512i& lo, __m512i& hi) {
      lo = bias_low, hi = bias_high;
      for (int p = 0; p < tap_pairs; ++p) {
        const __m512i first = load(tap_offsets[2 * p]), next = load(tap_offsets[2 * p + 1]);
        lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(first, next), L::Weights(w + 2 * W * p));
        hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(first, next), L::Weights(w + 2 * W * p + W));
      }
    };
    // The pixels' requantized channels, in order: pixel k's at k * W.
    auto requantize_pixels = [&](__m512i lo, __m512i hi, int8_t* bytes) {
      const __m128i low = _mm512_cvtsepi32_epi8(requantize_low(lo, lo_clamp, hi_clamp));
      const __m128i high = _mm512_cvtsepi32_epi8(requantize_high(hi, lo_clamp, hi_clamp));
      // 4 low channels, then 4 high, per 128-bit lane.
      _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes), _mm_unpacklo_epi32(low, high));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes + 16), _mm_unpackhi_epi32(low, high));
    };
    int x = 0;
    __m512i lo, hi;
    if (depth == W && x_step == W) {
      // One block, stride 1: P pixels are one load, and P outputs one store.
      for (; x + P <= out_width; x += P) {
        const int16_t* at = origin + static_cast<int64_t>(x) * W;
        accumulate([at](int64_t tap) { return _mm512_loadu_si512(at + tap); }, lo, hi);
        requantize_pixels(lo, hi, out + static_cast<int64_t>(x) * W);
      }
    } else if (depth == W && x_step == 2 * W) {
      // Stride 2: two loads hold P pixels and the P skipped between them;
      // one shuffle keeps the pixels (b starts P / 2 output pixels, P * W
      // values, after a). The second load reaches one pixel past
      // the last it keeps, which is in the row while an output pixel follows.
      for (; x + P < out_width; x += P) {
        const int16_t* at = origin + static_cast<int64_t>(x) * x_step;
        accumulate([at](int64_t tap) {
          const __m512i a = _mm512_loadu_si512(at + tap), b = _mm512_loadu_si512(at + tap + P * W);
          return W == 8 ? _mm512_shuffle_i32x4(a, b, 0x88) : _mm512_shuffle_i32x4(a, b, 0x44);
        }, lo, hi);
        requantize_pixels(lo, hi, out + static_cast<int64_t>(x) * W);
      }
    }
    for (; x < out_width; x += P) {
      // Past the row's last pixel, the lanes repeat it; those are not stored.
      const int pixels = out_width - x < P ? out_width - x : P;
      int64_t offsets[P];
      for (int k = 0; k < P; ++k) offsets[k] = (x + (k < pixels ? k : pixels - 1)) * x_step;
      accumulate([origin, &offsets](int64_t tap) { return L::Load(origin + tap, offsets); }, lo, hi);
      alignas(16) int8_t bytes[32];
      requantize_pixels(lo, hi, bytes);
      for (int k = 0; k < pixels; ++k) std::memcpy(out + static_cast<int64_t>(x + k) * depth + c, bytes + k * W, n);
    }
  }
}

}  // namespace

void DepthwisePaddedRowInt8Narrow(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                                  int tap_pairs, const int16_t* packed, int block_width, int channel_blocks,
                                  const int32_t* bias, const avx2::RequantParams& q, int depth, int8_t* out) {
  WithRequantForm(q, [&](auto form) {
    using Form = decltype(form);
    const auto kernel = block_width == 8 ? &DepthwiseRowNarrow<8, Form> : &DepthwiseRowNarrow<16, Form>;
    kernel(row, x_step, out_width, tap_offsets, tap_pairs, packed, channel_blocks, bias, q, depth, out);
  });
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
