// Three planes interleaved (an NCHW image of 3 channels made NHWC) on
// AVX-512: 16 values of each plane in, three vectors out, each made by two
// permutes. Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; see
// avx512_kernels.h for the rules of these files and the emulated build the
// tests make of it.
#include <cstdint>
#include <cstring>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {
namespace {

// For output vector j (values 16j .. 16j + 15 of 48, value p from pixel
// p / 3 of plane p % 3): where each lane's value comes from in the pair
// (plane 0, plane 1) (plane 2's lanes: any), and in plane 2.
struct ThreeWayTables {
  int32_t from_pair[3][16];
  int32_t from_third[3][16];
  uint32_t third[3];
};

constexpr ThreeWayTables MakeThreeWayTables() {
  ThreeWayTables t{};
  for (int j = 0; j < 3; ++j) {
    for (int lane = 0; lane < 16; ++lane) {
      const int p = 16 * j + lane, pixel = p / 3, plane = p % 3;
      t.from_pair[j][lane] = plane == 1 ? 16 + pixel : pixel;
      t.from_third[j][lane] = pixel;
      if (plane == 2) t.third[j] |= uint32_t{1} << lane;
    }
  }
  return t;
}

constexpr ThreeWayTables kThreeWayTables = MakeThreeWayTables();

// The tables as vectors and masks.
struct ThreeWay {
  __m512i from_pair[3], from_third[3];
  __mmask16 third[3];
};

TINYFORGE_AVX512_INLINE ThreeWay LoadThreeWay() {
  ThreeWay t;
  for (int j = 0; j < 3; ++j) {
    t.from_pair[j] = _mm512_loadu_si512(kThreeWayTables.from_pair[j]);
    t.from_third[j] = _mm512_loadu_si512(kThreeWayTables.from_third[j]);
    t.third[j] = static_cast<__mmask16>(kThreeWayTables.third[j]);
  }
  return t;
}

// 16 values of each plane (as 32-bit lanes) interleaved into out[0..48).
template <typename Store>
TINYFORGE_AVX512_INLINE void Interleave16(const ThreeWay& t, __m512i a, __m512i b, __m512i c, Store store) {
  for (int j = 0; j < 3; ++j) {
    const __m512i ab = _mm512_permutex2var_epi32(a, t.from_pair[j], b);
    store(j, _mm512_mask_permutexvar_epi32(ab, t.third[j], t.from_third[j], c));
  }
}

template <typename T>
void InterleaveScalar(const T* a, const T* b, const T* c, int64_t from, int64_t n, T* out) {
  for (int64_t i = from; i < n; ++i) {
    out[3 * i] = a[i];
    out[3 * i + 1] = b[i];
    out[3 * i + 2] = c[i];
  }
}

}  // namespace

void InterleaveThree(const void* plane0, const void* plane1, const void* plane2, int64_t n, int element_bytes,
                     void* out) {
  const ThreeWay t = LoadThreeWay();
  int64_t i = 0;
  if (element_bytes == 4) {
    const auto* a = static_cast<const uint32_t*>(plane0);
    const auto* b = static_cast<const uint32_t*>(plane1);
    const auto* c = static_cast<const uint32_t*>(plane2);
    auto* o = static_cast<uint32_t*>(out);
    for (; i + 16 <= n; i += 16) {
      Interleave16(t, _mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i), _mm512_loadu_si512(c + i),
                   [o, i](int j, __m512i v) { _mm512_storeu_si512(o + 3 * i + 16 * j, v); });
    }
    InterleaveScalar(a, b, c, i, n, o);
    return;
  }
  // Bytes: widened to 32-bit lanes (sign-extended, so that the saturating
  // narrowing gives each byte back), interleaved, narrowed.
  const auto* a = static_cast<const int8_t*>(plane0);
  const auto* b = static_cast<const int8_t*>(plane1);
  const auto* c = static_cast<const int8_t*>(plane2);
  auto* o = static_cast<int8_t*>(out);
  for (; i + 16 <= n; i += 16) {
    Interleave16(t, LoadInt8x16(a + i), LoadInt8x16(b + i), LoadInt8x16(c + i),
                 [o, i](int j, __m512i v) { StoreInt8x16(v, 16, o + 3 * i + 16 * j); });
  }
  InterleaveScalar(a, b, c, i, n, o);
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
