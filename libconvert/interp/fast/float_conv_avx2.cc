// The float GEMM and depthwise rows with FMA, bias and clamp fused,
// compiled with -mavx2 -mfma. See avx2_kernels.h for the ODR rule these
// files follow.
#include <immintrin.h>

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast::avx2 {
namespace {

// Lanes [0, n) set, for masked loads and stores of a channel tail (n <= 8).
inline __m256i TailMask(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// The reference's clamp, min(max(x, lo), hi) with a NaN kept: vmaxps and
// vminps return their second operand when either is NaN.
inline __m256 Clamp(__m256 x, __m256 lo, __m256 hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }

// Stores the first n (1..8) lanes.
inline void StoreFirst(float* out, __m256 v, int n) {
  if (n == 8) {
    _mm256_storeu_ps(out, v);
  } else {
    _mm256_maskstore_ps(out, TailMask(n), v);
  }
}

// Clamps and stores the first n (<= 8 * V) of a row's 8 * V values.
template <int V>
inline void StoreRow(float* out, const __m256* v, int n, __m256 lo, __m256 hi) {
  if (n == 8 * V) {
    for (int i = 0; i < V; ++i) _mm256_storeu_ps(out + 8 * i, Clamp(v[i], lo, hi));
    return;
  }
  for (int i = 0; i < V && 8 * i < n; ++i) StoreFirst(out + 8 * i, Clamp(v[i], lo, hi), n - 8 * i < 8 ? n - 8 * i : 8);
}

// Six rows of a (a[r]: row r's k values) against one packed block of 16
// channels, of which the first n are stored. The accumulators are named
// variables, not an array, so that they stay in registers: 12 of them,
// two weights and one broadcast fill 15 of the 16.
void FloatTile6x16(const float* const* a, int64_t k, const float* w, float* c, int64_t c_stride, int n, __m256 lo,
                   __m256 hi) {
  const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  __m256 c00 = _mm256_loadu_ps(w), c01 = _mm256_loadu_ps(w + 8);
  __m256 c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01, c50 = c00,
         c51 = c01;
  w += 16;
  for (int64_t kk = 0; kk < k; ++kk, w += 16) {
    const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
    __m256 x = _mm256_broadcast_ss(a0 + kk);
    c00 = _mm256_fmadd_ps(x, w0, c00), c01 = _mm256_fmadd_ps(x, w1, c01);
    x = _mm256_broadcast_ss(a1 + kk);
    c10 = _mm256_fmadd_ps(x, w0, c10), c11 = _mm256_fmadd_ps(x, w1, c11);
    x = _mm256_broadcast_ss(a2 + kk);
    c20 = _mm256_fmadd_ps(x, w0, c20), c21 = _mm256_fmadd_ps(x, w1, c21);
    x = _mm256_broadcast_ss(a3 + kk);
    c30 = _mm256_fmadd_ps(x, w0, c30), c31 = _mm256_fmadd_ps(x, w1, c31);
    x = _mm256_broadcast_ss(a4 + kk);
    c40 = _mm256_fmadd_ps(x, w0, c40), c41 = _mm256_fmadd_ps(x, w1, c41);
    x = _mm256_broadcast_ss(a5 + kk);
    c50 = _mm256_fmadd_ps(x, w0, c50), c51 = _mm256_fmadd_ps(x, w1, c51);
  }
  const __m256 out[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < 6; ++r) StoreRow<2>(c + r * c_stride, out[r], n, lo, hi);
}

// The same with 8 channels: twelve rows.
void FloatTile12x8(const float* const* a, int64_t k, const float* w, float* c, int64_t c_stride, int n, __m256 lo,
                   __m256 hi) {
  const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  const float *a6 = a[6], *a7 = a[7], *a8 = a[8], *a9 = a[9], *a10 = a[10], *a11 = a[11];
  __m256 c0 = _mm256_loadu_ps(w);
  __m256 c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  w += 8;
  for (int64_t kk = 0; kk < k; ++kk, w += 8) {
    const __m256 w0 = _mm256_loadu_ps(w);
    c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + kk), w0, c0);
    c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1 + kk), w0, c1);
    c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2 + kk), w0, c2);
    c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + kk), w0, c3);
    c4 = _mm256_fmadd_ps(_mm256_broadcast_ss(a4 + kk), w0, c4);
    c5 = _mm256_fmadd_ps(_mm256_broadcast_ss(a5 + kk), w0, c5);
    c6 = _mm256_fmadd_ps(_mm256_broadcast_ss(a6 + kk), w0, c6);
    c7 = _mm256_fmadd_ps(_mm256_broadcast_ss(a7 + kk), w0, c7);
    c8 = _mm256_fmadd_ps(_mm256_broadcast_ss(a8 + kk), w0, c8);
    c9 = _mm256_fmadd_ps(_mm256_broadcast_ss(a9 + kk), w0, c9);
    c10 = _mm256_fmadd_ps(_mm256_broadcast_ss(a10 + kk), w0, c10);
    c11 = _mm256_fmadd_ps(_mm256_broadcast_ss(a11 + kk), w0, c11);
  }
  const __m256 out[12] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11};
  for (int r = 0; r < 12; ++r) StoreRow<1>(c + r * c_stride, out + r, n, lo, hi);
}

// One row against one block of 8 * V channels, for the rows a tile does
// not fill (and GEMV): two chains of FMAs over even and odd kk hide the
// FMA latency a single row would wait on.
template <int V>
void FloatRow(const float* a, int64_t k, const float* w, float* c, int n, __m256 lo, __m256 hi) {
  __m256 even[V], odd[V];
  for (int v = 0; v < V; ++v) even[v] = _mm256_loadu_ps(w + 8 * v), odd[v] = _mm256_setzero_ps();
  w += 8 * V;
  int64_t kk = 0;
  for (; kk + 2 <= k; kk += 2, w += 16 * V) {
    const __m256 x0 = _mm256_broadcast_ss(a + kk), x1 = _mm256_broadcast_ss(a + kk + 1);
    for (int v = 0; v < V; ++v) {
      even[v] = _mm256_fmadd_ps(x0, _mm256_loadu_ps(w + 8 * v), even[v]);
      odd[v] = _mm256_fmadd_ps(x1, _mm256_loadu_ps(w + 8 * V + 8 * v), odd[v]);
    }
  }
  if (kk < k) {
    const __m256 x0 = _mm256_broadcast_ss(a + kk);
    for (int v = 0; v < V; ++v) even[v] = _mm256_fmadd_ps(x0, _mm256_loadu_ps(w + 8 * v), even[v]);
  }
  for (int v = 0; v < V; ++v) even[v] = _mm256_add_ps(even[v], odd[v]);
  StoreRow<V>(c, even, n, lo, hi);
}

// Every row of a against one block: tiles of kRows rows, then single rows.
template <int kRows, int V, typename Tile>
void FloatBlock(Tile tile, const float* a, int64_t rows, int64_t a_stride, int64_t k, const float* w, float* c,
                int64_t c_stride, int n, __m256 lo, __m256 hi) {
  const float* row[kRows];
  int64_t r = 0;
  for (; r + kRows <= rows; r += kRows) {
    for (int i = 0; i < kRows; ++i) row[i] = a + (r + i) * a_stride;
    tile(row, k, w, c + r * c_stride, c_stride, n, lo, hi);
  }
  for (; r < rows; ++r) FloatRow<V>(a + r * a_stride, k, w, c + r * c_stride, n, lo, hi);
}

}  // namespace

void GemmFloatPacked(const float* a, int64_t rows, int64_t a_stride, int64_t k, const float* packed, int64_t oc,
                     float* c, int64_t c_stride, float min, float max) {
  const __m256 lo = _mm256_set1_ps(min), hi = _mm256_set1_ps(max);
  for (int64_t first = 0; first < oc; first += kFloatBlock) {
    const int n = oc - first < kFloatBlock ? static_cast<int>(oc - first) : kFloatBlock;
    if (n <= 8) {
      FloatBlock<12, 1>(FloatTile12x8, a, rows, a_stride, k, packed, c + first, c_stride, n, lo, hi);
    } else {
      FloatBlock<6, 2>(FloatTile6x16, a, rows, a_stride, k, packed, c + first, c_stride, n, lo, hi);
    }
    packed += (k + 1) * (n <= 8 ? 8 : kFloatBlock);
  }
}

void DepthwiseRowFloat(const DepthwiseRowGeometry& g, const float* const* rows, const float* packed, float* out,
                       float min, float max) {
  const __m256 lo = _mm256_set1_ps(min), hi = _mm256_set1_ps(max);
  const int taps = g.kh * g.kw;
  const int64_t column_step = static_cast<int64_t>(g.dilation_w) * g.channels;
  const int64_t x_step = static_cast<int64_t>(g.stride_w) * g.channels;
  for (int c0 = 0; c0 < g.channels; c0 += 8) {
    const int n = g.channels - c0 < 8 ? g.channels - c0 : 8;
    const float* w = packed + static_cast<int64_t>(c0 / 8) * (taps + 1) * 8;
    const __m256 bias = _mm256_loadu_ps(w);
    w += 8;
    float* o = out + c0;
    if (g.kh == 3 && g.kw == 3 && n == 8) {
      // 3x3: the nine weights stay in registers.
      __m256 wv[9];
      for (int t = 0; t < 9; ++t) wv[t] = _mm256_loadu_ps(w + 8 * t);
      const float *r0 = rows[0] + c0, *r1 = rows[1] + c0, *r2 = rows[2] + c0;
      for (int x = 0; x < g.out_width; ++x, r0 += x_step, r1 += x_step, r2 += x_step, o += g.channels) {
        __m256 acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0), wv[0], bias);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + column_step), wv[1], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + 2 * column_step), wv[2], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1), wv[3], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + column_step), wv[4], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + 2 * column_step), wv[5], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2), wv[6], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + column_step), wv[7], acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + 2 * column_step), wv[8], acc);
        _mm256_storeu_ps(o, Clamp(acc, lo, hi));
      }
      continue;
    }
    const __m256i mask = TailMask(n);
    for (int x = 0; x < g.out_width; ++x, o += g.channels) {
      const int64_t origin = x * x_step + c0;
      __m256 acc = bias;
      for (int ky = 0; ky < g.kh; ++ky) {
        for (int kx = 0; kx < g.kw; ++kx) {
          const float* p = rows[ky] + origin + kx * column_step;
          const __m256 v = n == 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
          acc = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + (ky * g.kw + kx) * 8), acc);
        }
      }
      StoreFirst(o, Clamp(acc, lo, hi), n);
    }
  }
}

}  // namespace tinyforge::interp::fast::avx2
