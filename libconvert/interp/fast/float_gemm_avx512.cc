// The float GEMM of avx2::GemmFloatPacked (same packing, same arguments)
// on AVX-512, compiled with -mavx512f. See avx512_kernels.h for the rules
// of these files and the emulated build the tests make of them.
//
// Tiles of 7 rows against one block of 16 channels (XNNPACK's shape for
// this ISA), taken rows first: each 7-row tile runs against every block,
// so the tile's activations stay in L1 while the weights stream through.
// For large weights (MobileNetV2's 7x7 and 14x14 layers), whose weights are
// not in cache when the layer starts, this ran 10-15% faster than the AVX2
// kernel's blocks-first order; for small weights it was slower (FloatGemm
// chooses).
//
// A row's k values are runs of memory: one run of k for a matrix row
// (GemmFloat), a conv window's filter rows read in place of an im2col copy
// (GemmFloatWindows, an IGEMM).
//
// Every output is bias + a(0) w(0) + a(1) w(1) + ... in k order, one FMA
// per step, whatever tile computes it: rows left over from the 7-row tiles
// get the same bits, so the results do not depend on how rows are split
// into tasks.
#include <cstdint>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {
namespace {

constexpr int kFloatRowTile = 7;

// A block's W (16, or 8 for a last block of at most 8 channels) floats in
// the low lanes, zeros above.
template <int W>
TINYFORGE_AVX512_INLINE __m512 LoadBlock(const float* p) {
  if constexpr (W == 16) {
    return _mm512_loadu_ps(p);
  } else {
    return _mm512_maskz_mov_ps(0xff, _mm512_castps256_ps512(_mm256_loadu_ps(p)));
  }
}

// The first n (1..8) lanes.
TINYFORGE_AVX512_INLINE void StoreFirst8(float* out, __m256 v, int n) {
  if (n == 8) {
    _mm256_storeu_ps(out, v);
    return;
  }
  const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  _mm256_maskstore_ps(out, keep, v);
}

// The first n (1..16) lanes, a part-filled vector as two halves (SIMDe
// has no masked 512-bit store).
TINYFORGE_AVX512_INLINE void StoreFirst(float* out, __m512 v, int n) {
  if (n == 16) {
    _mm512_storeu_ps(out, v);
    return;
  }
  const __m256 low = _mm512_castps512_ps256(v);
  if (n <= 8) {
    StoreFirst8(out, low, n);
    return;
  }
  _mm256_storeu_ps(out, low);
  StoreFirst8(out + 8, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)), n - 8);
}

// Where a row's k values lie: `count` runs of `length` values, `pitch`
// apart (one run of k for a matrix row; a conv window's rows for IGEMM).
struct Runs {
  int64_t count, length, pitch;
};

// R rows (rows[r]: where row r's runs start) against V consecutive blocks
// of W channels from w (block_stride floats apart: W biases, then k rows of
// W weights), the last holding `last` channels: bias + the sum over kk in
// order, clamped as the reference clamps, min(max(x, lo), hi) with a NaN
// kept (vmaxps and vminps return their second operand when either is NaN).
template <int R, int V, int W>
TINYFORGE_AVX512_INLINE void FloatTile(const float* const* rows, Runs runs, const float* w, int64_t block_stride,
                                       int last, float* c, int64_t c_stride, float min, float max) {
  __m512 acc[R][V];
  for (int v = 0; v < V; ++v) {
    const __m512 bias = LoadBlock<W>(w + v * block_stride);
    for (int r = 0; r < R; ++r) acc[r][v] = bias;
  }
  const float* a[R];
  for (int r = 0; r < R; ++r) a[r] = rows[r];
  const float* wk = w + W;
  for (int64_t run = 0; run < runs.count; ++run) {
    for (int64_t j = 0; j < runs.length; ++j, wk += W) {
      __m512 weights[V];
      for (int v = 0; v < V; ++v) weights[v] = LoadBlock<W>(wk + v * block_stride);
      for (int r = 0; r < R; ++r) {
        const __m512 x = _mm512_set1_ps(a[r][j]);
        for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(x, weights[v], acc[r][v]);
      }
    }
    for (int r = 0; r < R; ++r) a[r] += runs.pitch;
  }
  const __m512 lo = _mm512_set1_ps(min), hi = _mm512_set1_ps(max);
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) {
      StoreFirst(c + r * c_stride + 16 * v, _mm512_min_ps(hi, _mm512_max_ps(lo, acc[r][v])), v + 1 == V ? last : 16);
    }
  }
}

// R rows against every block: the 16-wide ones V at a time (so that the
// rows left over from the 7-row tiles still run R * V >= 4 chains of FMAs,
// enough to hide their latency), then the last, which may be narrower.
template <int R, int V>
void RowTile(const float* const* rows, Runs runs, const float* packed, int64_t oc, float* c, int64_t c_stride,
             float min, float max) {
  const int64_t block_stride = (runs.count * runs.length + 1) * 16;
  int64_t first = 0;
  for (; first + 16 * V <= oc; first += 16 * V, packed += V * block_stride) {
    FloatTile<R, V, 16>(rows, runs, packed, block_stride, 16, c + first, c_stride, min, max);
  }
  for (; oc - first > 8; first += 16, packed += block_stride) {
    const int n = oc - first < 16 ? static_cast<int>(oc - first) : 16;
    FloatTile<R, 1, 16>(rows, runs, packed, block_stride, n, c + first, c_stride, min, max);
  }
  if (first < oc) {
    FloatTile<R, 1, 8>(rows, runs, packed, 0, static_cast<int>(oc - first), c + first, c_stride, min, max);
  }
}

// Every row: tiles of 7, then the rows left over. row(i) gives where row
// i's runs start.
template <typename Row>
void AllRows(Row row, int64_t rows, Runs runs, const float* packed, int64_t oc, float* c, int64_t c_stride, float min,
             float max) {
  const float* tile[kFloatRowTile];
  int64_t r = 0;
  for (; r + kFloatRowTile <= rows; r += kFloatRowTile) {
    for (int i = 0; i < kFloatRowTile; ++i) tile[i] = row(r + i);
    RowTile<kFloatRowTile, 1>(tile, runs, packed, oc, c + r * c_stride, c_stride, min, max);
  }
  for (int64_t i = r; i < rows; ++i) tile[i - r] = row(i);
  c += r * c_stride;
  switch (rows - r) {
    case 1: RowTile<1, 4>(tile, runs, packed, oc, c, c_stride, min, max); break;
    case 2: RowTile<2, 2>(tile, runs, packed, oc, c, c_stride, min, max); break;
    case 3: RowTile<3, 2>(tile, runs, packed, oc, c, c_stride, min, max); break;
    case 4: RowTile<4, 1>(tile, runs, packed, oc, c, c_stride, min, max); break;
    case 5: RowTile<5, 1>(tile, runs, packed, oc, c, c_stride, min, max); break;
    case 6: RowTile<6, 1>(tile, runs, packed, oc, c, c_stride, min, max); break;
    default: break;
  }
}

}  // namespace

void GemmFloat(const float* a, int64_t rows, int64_t a_stride, int64_t k, const float* packed, int64_t oc, float* c,
               int64_t c_stride, float min, float max) {
  AllRows([a, a_stride](int64_t r) { return a + r * a_stride; }, rows, Runs{1, k, 0}, packed, oc, c, c_stride, min,
          max);
}

void GemmFloatWindows(const float* const* windows, int64_t rows, int64_t runs, int64_t length, int64_t pitch,
                      const float* packed, int64_t oc, float* c, int64_t c_stride, float min, float max) {
  AllRows([windows](int64_t r) { return windows[r]; }, rows, Runs{runs, length, pitch}, packed, oc, c, c_stride, min,
          max);
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
