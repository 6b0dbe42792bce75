// The int16-pair GEMM and the requantization, compiled with -mavx2
// -mfma. See avx2_kernels.h for the ODR rule these files follow.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/requantize_avx2.h"

namespace tinyforge::interp::fast::avx2 {
namespace {

// R rows of a against one block of 8 * V output channels (V registers of
// eight int32 accumulators per row).
template <int R, int V>
void GemmTile(const int16_t* a, int64_t a_stride, const int16_t* w, int64_t k_pairs, int32_t* c,
              int64_t c_stride) {
  __m256i acc[R][V];
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) acc[r][v] = _mm256_setzero_si256();
  }
  for (int64_t p = 0; p < k_pairs; ++p) {
    __m256i wv[V];
    for (int v = 0; v < V; ++v) {
      wv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + (8 * V) * 2 * p + 16 * v));
    }
    for (int r = 0; r < R; ++r) {
      int32_t pair;
      std::memcpy(&pair, a + r * a_stride + 2 * p, sizeof pair);
      const __m256i x = _mm256_set1_epi32(pair);
      for (int v = 0; v < V; ++v) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(wv[v], x));
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * c_stride + 8 * v), acc[r][v]);
    }
  }
}

// Every row of a against one block of 8 * V output channels.
template <int V>
void GemmBlock(const int16_t* a, int64_t rows, int64_t a_stride, const int16_t* w, int64_t k_pairs,
               int32_t* c, int64_t c_stride) {
  constexpr int kRowTile = V == 2 ? 6 : 12;  // accumulators + weights fill the 16 registers
  int64_t r = 0;
  for (; r + kRowTile <= rows; r += kRowTile) {
    GemmTile<kRowTile, V>(a + r * a_stride, a_stride, w, k_pairs, c + r * c_stride, c_stride);
  }
  for (; r + 4 <= rows; r += 4) GemmTile<4, V>(a + r * a_stride, a_stride, w, k_pairs, c + r * c_stride, c_stride);
  switch (rows - r) {
    case 3: GemmTile<3, V>(a + r * a_stride, a_stride, w, k_pairs, c + r * c_stride, c_stride); break;
    case 2: GemmTile<2, V>(a + r * a_stride, a_stride, w, k_pairs, c + r * c_stride, c_stride); break;
    case 1: GemmTile<1, V>(a + r * a_stride, a_stride, w, k_pairs, c + r * c_stride, c_stride); break;
    default: break;
  }
}


}  // namespace

void GemmInt16(const int16_t* a, int64_t rows, int64_t a_stride, const int16_t* packed,
               int64_t k_pairs, int64_t oc_blocks, int last_width, int32_t* c, int64_t c_stride) {
  for (int64_t b = 0; b < oc_blocks; ++b) {
    const int16_t* w = packed + b * k_pairs * 2 * kOcBlock;
    if (b + 1 == oc_blocks && last_width == kOcBlock / 2) {
      GemmBlock<1>(a, rows, a_stride, w, k_pairs, c + b * kOcBlock, c_stride);
    } else {
      GemmBlock<2>(a, rows, a_stride, w, k_pairs, c + b * kOcBlock, c_stride);
    }
  }
}

namespace {

// R rows of a against one block of 8 * V channels with the bias and the
// requantization fused; the first n channels are stored.
template <int R, int V>
void GemmRequantizeTile(const int16_t* a, int64_t a_stride, const int16_t* w, int64_t k_pairs, const int32_t* bias,
                        const RequantParams& q, int8_t* out, int64_t out_stride, int n) {
  __m256i acc[R][V];
  for (int v = 0; v < V; ++v) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 8 * v));
    for (int r = 0; r < R; ++r) acc[r][v] = b;
  }
  for (int64_t p = 0; p < k_pairs; ++p) {
    __m256i wv[V];
    for (int v = 0; v < V; ++v) {
      wv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + (8 * V) * 2 * p + 16 * v));
    }
    for (int r = 0; r < R; ++r) {
      int32_t pair;
      std::memcpy(&pair, a + r * a_stride + 2 * p, sizeof pair);
      const __m256i x = _mm256_set1_epi32(pair);
      for (int v = 0; v < V; ++v) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(wv[v], x));
    }
  }
  const __m256i offset = _mm256_set1_epi32(q.output_offset);
  const __m256i lo = _mm256_set1_epi32(q.min), hi = _mm256_set1_epi32(q.max);
  for (int v = 0; v < V; ++v) {
    const RequantVectors rq = LoadRequant(q.channels + v * kRequantBlockValues);
    for (int r = 0; r < R; ++r) acc[r][v] = Requantize8(acc[r][v], rq, offset, lo, hi);
  }
  for (int r = 0; r < R; ++r) {
    int8_t* o = out + r * out_stride;
    if (V == 2 && n == 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o), PackInt8x16(acc[r][0], acc[r][V - 1]));
    } else if (V == 1 && n == 8) {
      StoreInt8x8(acc[r][0], o);
    } else {
      int8_t y[16];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y), PackInt8x16(acc[r][0], acc[r][V - 1]));
      std::memcpy(o, y, static_cast<size_t>(n));
    }
  }
}

template <int V>
void GemmRequantizeBlock(const int16_t* a, int64_t rows, int64_t a_stride, const int16_t* w, int64_t k_pairs,
                         const int32_t* bias, const RequantParams& q, int8_t* out, int64_t out_stride, int n) {
  // 4 x 2 accumulators, two weights, the broadcast and the product fit the
  // 16 registers with room (6 x 2 would not).
  constexpr int kRowTile = V == 2 ? 4 : 8;
  int64_t r = 0;
  for (; r + kRowTile <= rows; r += kRowTile) {
    GemmRequantizeTile<kRowTile, V>(a + r * a_stride, a_stride, w, k_pairs, bias, q, out + r * out_stride, out_stride, n);
  }
  for (; r < rows; ++r) {
    GemmRequantizeTile<1, V>(a + r * a_stride, a_stride, w, k_pairs, bias, q, out + r * out_stride, out_stride, n);
  }
}

}  // namespace

void GemmInt16Requantize(const int16_t* a, int64_t rows, int64_t a_stride, const int16_t* packed, int64_t k_pairs,
                         int64_t oc, int last_width, const int32_t* bias, const RequantParams& q, int8_t* out,
                         int64_t out_stride) {
  const int64_t blocks = (oc + kOcBlock - 1) / kOcBlock;
  for (int64_t b = 0; b < blocks; ++b) {
    const int16_t* w = packed + b * k_pairs * 2 * kOcBlock;
    const int n = oc - b * kOcBlock < kOcBlock ? static_cast<int>(oc - b * kOcBlock) : kOcBlock;
    const RequantParams qb{q.channels + b * 2 * kRequantBlockValues, q.output_offset, q.min, q.max};
    if (b + 1 == blocks && last_width == kOcBlock / 2) {
      GemmRequantizeBlock<1>(a, rows, a_stride, w, k_pairs, bias + b * kOcBlock, qb, out + b * kOcBlock, out_stride, n);
    } else {
      GemmRequantizeBlock<2>(a, rows, a_stride, w, k_pairs, bias + b * kOcBlock, qb, out + b * kOcBlock, out_stride, n);
    }
  }
}

void Int8ToInt16(const int8_t* src, int64_t n, int32_t offset, int16_t* dst) {
  const __m256i off = _mm256_set1_epi16(static_cast<int16_t>(offset));
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_add_epi16(x, off));
  }
  if (i + 8 <= n) {  // 8-channel pixels
    const __m128i x = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_add_epi16(x, _mm256_castsi256_si128(off)));
    i += 8;
  }
  for (; i < n; ++i) dst[i] = static_cast<int16_t>(src[i] + offset);
}

void Int8ToUint8(const int8_t* src, int64_t n, uint8_t* dst) {
  const __m256i sign = _mm256_set1_epi8(static_cast<char>(0x80));
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(x, sign));
  }
  for (; i < n; ++i) dst[i] = static_cast<uint8_t>(static_cast<uint8_t>(src[i]) ^ 0x80u);
}

namespace {

// dst[i * repeat + j] = src[i] + offset for every j < repeat, repeat a
// multiple of 8: a depthwise conv's channels each held depth-multiplier
// times with no lanes between pixels (person_detect's first layer: one
// channel times 8). Eight values at a time, two of them per 16-lane store
// when repeat is 8, rather than one scalar broadcast per value.
void Int8ToInt16Repeated(const int8_t* src, int64_t n, int32_t offset, int repeat, int16_t* dst) {
  const __m128i off = _mm_set1_epi16(static_cast<int16_t>(offset));
  int64_t i = 0;
  if (repeat == 8) {
    // Shuffle p puts value 2p in the low 8 lanes and value 2p + 1 in the high 8.
    const auto pair = [](int p) {
      const char lo0 = static_cast<char>(4 * p), lo1 = static_cast<char>(4 * p + 1);
      const char hi0 = static_cast<char>(4 * p + 2), hi1 = static_cast<char>(4 * p + 3);
      return _mm256_setr_epi8(lo0, lo1, lo0, lo1, lo0, lo1, lo0, lo1, lo0, lo1, lo0, lo1, lo0, lo1, lo0, lo1,  //
                              hi0, hi1, hi0, hi1, hi0, hi1, hi0, hi1, hi0, hi1, hi0, hi1, hi0, hi1, hi0, hi1);
    };
    const __m256i pairs[4] = {pair(0), pair(1), pair(2), pair(3)};
    for (; i + 8 <= n; i += 8) {
      const __m128i x = _mm_add_epi16(_mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i))), off);
      const __m256i both = _mm256_broadcastsi128_si256(x);
      for (int p = 0; p < 4; ++p) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + (i + 2 * p) * 8), _mm256_shuffle_epi8(both, pairs[p]));
      }
    }
  }
  for (; i < n; ++i) {
    const __m128i v = _mm_set1_epi16(static_cast<int16_t>(src[i] + offset));
    for (int j = 0; j < repeat; j += 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i * repeat + j), v);
  }
}

}  // namespace

void Int8ToInt16Pixels(const int8_t* src, int64_t pixels, int depth, int32_t offset, int repeat, int stride,
                       int16_t* dst) {
  if (repeat == 1 && stride == depth) {
    Int8ToInt16(src, pixels * depth, offset, dst);
    return;
  }
  if (repeat % 8 == 0 && stride == depth * repeat) {
    Int8ToInt16Repeated(src, pixels * depth, offset, repeat, dst);
    return;
  }
  if (repeat == 1) {  // each pixel's channels at once, then the zeros past them
    for (int64_t x = 0; x < pixels; ++x, src += depth, dst += stride) {
      Int8ToInt16(src, depth, offset, dst);
      for (int64_t i = depth; i < stride; ++i) dst[i] = 0;
    }
    return;
  }
  for (int64_t x = 0; x < pixels; ++x, dst += stride) {
    int16_t* d = dst;
    for (int c = 0; c < depth; ++c) {
      const int16_t v = static_cast<int16_t>(*src++ + offset);
      int j = 0;
      for (; j + 8 <= repeat; j += 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + j), _mm_set1_epi16(v));
      for (; j < repeat; ++j) d[j] = v;
      d += repeat;
    }
    for (int64_t i = static_cast<int64_t>(depth) * repeat; i < stride; ++i) dst[i] = 0;
  }
}

void RequantizeInt8(const RequantParams& q, const int32_t* acc, const int32_t* bias, int64_t n, int8_t* out) {
  const __m256i offset = _mm256_set1_epi32(q.output_offset);
  const __m256i lo = _mm256_set1_epi32(q.min), hi = _mm256_set1_epi32(q.max);
  auto load = [](const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    __m256i x = load(acc + c);
    if (bias != nullptr) x = _mm256_add_epi32(x, load(bias + c));
    StoreInt8x8(Requantize8(x, LoadRequant(q.channels + c / 8 * kRequantBlockValues), offset, lo, hi), out + c);
  }
  if (c < n) {  // the tail through zero-padded lanes (the channel block is whole)
    int32_t x[8] = {};
    const int64_t rest = n - c;
    for (int64_t i = 0; i < rest; ++i) {
      x[i] = bias != nullptr ? static_cast<int32_t>(static_cast<uint32_t>(acc[c + i]) + static_cast<uint32_t>(bias[c + i]))
                             : acc[c + i];
    }
    int8_t y[8];
    StoreInt8x8(Requantize8(load(x), LoadRequant(q.channels + c / 8 * kRequantBlockValues), offset, lo, hi), y);
    for (int64_t i = 0; i < rest; ++i) out[c + i] = y[i];
  }
}

}  // namespace tinyforge::interp::fast::avx2
