// int8 ADD and SUB on AVX-512: TFLM's arithmetic on 16 lanes (the
// reference's bits), in the form AddSubInt8Params describes.
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; see
// avx512_kernels.h for the rules of these files and the emulated build the
// tests make of it.
#include <cstdint>
#include <cstring>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {

namespace {

struct InputVectors {
  __m512i q, rem, rounding, add, below, down, right;
};

TINYFORGE_AVX512_INLINE InputVectors LoadInput(const AddSubInt8Input& in) {
  return {_mm512_set1_epi32(in.q),   _mm512_set1_epi32(in.rem),   _mm512_set1_epi32(in.rounding),
          _mm512_set1_epi32(in.add), _mm512_set1_epi32(in.below), _mm512_set1_epi32(in.down),
          _mm512_set1_epi32(in.right)};
}

// One input's rescaled values for 16 int8 values a (as int32 lanes).
TINYFORGE_AVX512_INLINE __m512i Rescale(__m512i a, const InputVectors& v, __m512i eleven) {
  const __m512i low = ShiftRightLanes(_mm512_add_epi32(_mm512_mullo_epi32(a, v.rem), v.rounding), eleven);
  __m512i t = _mm512_add_epi32(_mm512_add_epi32(_mm512_mullo_epi32(a, v.q), low), v.add);
  t = _mm512_mask_sub_epi32(t, _mm512_cmpgt_epi32_mask(v.below, a), t, v.down);
  return ShiftRightLanes(t, v.right);
}

// The output's requantization in a RequantForm: the bounded one where p
// allows it.
template <typename Form, bool Bounded = Form::kBounded>
struct AddSubOutput;

template <typename Form>
struct AddSubOutput<Form, false> {
  Requant16 rq;
  __m512i offset, lo, hi;

  explicit AddSubOutput(const AddSubInt8Params& p) {
    const int32_t mask = static_cast<int32_t>((uint32_t{1} << p.output_right) - 1u);
    rq = {_mm512_set1_epi32(p.output_multiplier), _mm512_set1_epi32(p.output_multiplier),
          _mm512_setzero_si512(),                 _mm512_set1_epi32(p.output_right),
          _mm512_set1_epi32(mask),                _mm512_set1_epi32(mask >> 1)};
    offset = _mm512_set1_epi32(p.output_offset);
    lo = _mm512_set1_epi32(p.min);
    hi = _mm512_set1_epi32(p.max);
  }
  TINYFORGE_AVX512_INLINE __m512i operator()(__m512i sum) const { return Requantize16(sum, rq, offset, lo, hi); }
};

template <typename Form>
struct AddSubOutput<Form, true> {
  ChannelRequant16<Form> requantize;
  __m512i lo, hi;

  explicit AddSubOutput(const AddSubInt8Params& p)
      : requantize{{_mm512_set1_epi32(p.output_multiplier), _mm512_set1_epi32(p.output_multiplier),
                    _mm512_set1_epi32(p.output_right), _mm512_set1_epi32(p.output_add),
                    _mm512_set1_epi32(p.output_right > 0 ? -1 : 0)}},
        lo(_mm512_set1_epi32(p.min)), hi(_mm512_set1_epi32(p.max)) {}
  TINYFORGE_AVX512_INLINE __m512i operator()(__m512i sum) const { return requantize(sum, lo, hi); }
};

template <bool Subtract, typename Form>
void AddSubLoop(const int8_t* a, const int8_t* b, int64_t n, const AddSubInt8Params& p, int8_t* out) {
  const InputVectors v1 = LoadInput(p.input1), v2 = LoadInput(p.input2);
  const __m512i eleven = _mm512_set1_epi32(11);
  const AddSubOutput<Form> requantize(p);
  const auto sixteen = [&](const int8_t* x, const int8_t* y) {
    const __m512i s1 = Rescale(LoadInt8x16(x), v1, eleven);
    const __m512i s2 = Rescale(LoadInt8x16(y), v2, eleven);
    return requantize(Subtract ? _mm512_sub_epi32(s1, s2) : _mm512_add_epi32(s1, s2));
  };
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) StoreInt8x16(sixteen(a + i, b + i), 16, out + i);
  if (i < n) {
    alignas(16) int8_t x[16] = {}, y[16] = {};
    const int rest = static_cast<int>(n - i);
    std::memcpy(x, a + i, static_cast<size_t>(rest));
    std::memcpy(y, b + i, static_cast<size_t>(rest));
    StoreInt8x16(sixteen(x, y), rest, out + i);
  }
}

}  // namespace

void AddSubInt8(const int8_t* a, const int8_t* b, int64_t n, const AddSubInt8Params& p, int8_t* out) {
  WithRequantForm(p.output_bounded, p.min, p.max, [&](auto form) {
    using Form = decltype(form);
    p.subtract ? AddSubLoop<true, Form>(a, b, n, p, out) : AddSubLoop<false, Form>(a, b, n, p, out);
  });
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
