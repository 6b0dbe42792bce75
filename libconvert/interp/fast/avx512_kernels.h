// Kernels compiled for AVX-512 (F, BW, VL, VNNI): the fast/*_avx512.cc files.
// Call them only when Cpu().avx512_vnni is true. The same ODR rule as for
// avx2_kernels.h holds: plain pointers and PODs only.
//
// The tests compile gemm_avx512.cc a second time against SIMDe's portable
// AVX-512 (libsimde-dev) as namespace avx512_emulated, so the kernel's
// arithmetic is checked on machines without AVX-512 too.
#pragma once

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast {

// Output channels per block of packed int8 weights (one zmm of int32).
constexpr int kUint8OcBlock = 16;

// c[r * c_stride + o] = sum_k a[r * a_stride + k] * w(o, k) in int32 (exact
// with wrap-around), for r < rows and o < oc_blocks * 16.
// a: uint8 rows of 4 * k_quads values each; packed: for each block b, each
// quad q, for each j < 16 the four values w(16b + j, 4q .. 4q + 3); zeros
// pad both k and o. uint8 x int8 products summed in fours (vpdpbusd, no
// saturation) are exact.
using GemmUint8Fn = void (*)(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* packed,
                             int64_t k_quads, int64_t oc_blocks, int32_t* c, int64_t c_stride);

// GemmUint8 with the bias and the requantization fused, straight to the
// int8 output while the sums are still in registers: for r < rows and
// o < oc,
//   out[r * out_stride + o] = requantize(bias[o] + sum_k a(r, k) * w(o, k), o)
// bias: one value per channel of the packed blocks (zeros past oc); q as for
// avx2::RequantizeInt8, its blocks covering the same channels. The same bits
// as avx2::RequantizeInt8 of GemmUint8's sums.
using GemmUint8RequantizeFn = void (*)(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* packed,
                                       int64_t k_quads, int64_t oc, const int32_t* bias,
                                       const avx2::RequantParams& q, int8_t* out, int64_t out_stride);

// The int8 depthwise row kernel of avx2::DepthwisePaddedRowInt8 (same
// arguments, same bits) on blocks of 32 channels: the padded row and the
// packed filter (avx2::PackDepthwiseFilter) with block width 32, bias for
// every lane of the blocks.
using DepthwiseRowInt8Fn = void (*)(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                                    int tap_pairs, const int16_t* packed, int channel_blocks, const int32_t* bias,
                                    const avx2::RequantParams& q, int depth, int8_t* out);

// The same for blocks of 8 or 16 channels (block_width, as
// avx2::DepthwisePaddedRowInt8 takes it): 4 or 2 output pixels per
// register.
using DepthwiseRowNarrowInt8Fn = void (*)(const int16_t* row, int64_t x_step, int out_width,
                                          const int64_t* tap_offsets, int tap_pairs, const int16_t* packed,
                                          int block_width, int channel_blocks, const int32_t* bias,
                                          const avx2::RequantParams& q, int depth, int8_t* out);

// int8 ADD or SUB of two inputs of the same shape, with the reference's
// bits (TFLM's arithmetic). Each input's rescaled value, for the int8 value
// a, is computed in int32 lanes as
//   (a * q + ((a * rem + rounding) >> 11) + add - (a < below ? down : 0)) >> right
// (AddSubInt8Form in fast/elementwise.cc derives the fields and when this
// form holds); the difference or sum is requantized as a conv's output, in
// the bounded form (avx2::RequantParams) where output_bounded, output_add
// then holding its offset * 2^right + 2^(right - 1). (Plain fields: these
// files instantiate no std:: templates, see avx2_kernels.h.)
struct AddSubInt8Input {
  int32_t q, rem, rounding, add, below, down, right;
};
struct AddSubInt8Params {
  AddSubInt8Input input1, input2;
  bool subtract;
  int32_t output_multiplier, output_right, output_offset, min, max;
  bool output_bounded;
  int32_t output_add;
};
// out[i] = op(a[i], b[i]) for i < n.
using AddSubInt8Fn = void (*)(const int8_t* a, const int8_t* b, int64_t n, const AddSubInt8Params& p, int8_t* out);

// avx2::GemmFloatPacked (the same packing, arguments and contract) on
// AVX-512: each output summed as bias + a(0) w(0) + ... in k order, one
// FMA per step, in every row (the AVX2 kernel sums a leftover row's even
// and odd steps apart).
using GemmFloatFn = void (*)(const float* a, int64_t rows, int64_t a_stride, int64_t k, const float* packed,
                             int64_t oc, float* c, int64_t c_stride, float min, float max);

// avx2::DepthwiseRowFloat (the same geometry and bits) on blocks of 16
// channels: g.channels a multiple of 16, packed per block of 16 channels
// (16 biases, then kh * kw taps of 16 weights).
using DepthwiseRowFloatFn = void (*)(const avx2::DepthwiseRowGeometry& g, const float* const* rows,
                                     const float* packed, float* out, float min, float max);

// GemmFloatFn's sums with each row's k values gathered from a conv's
// window, in place of an im2col copy (an IGEMM): row r's value kk =
// i * length + j (i < runs, j < length) is windows[r][i * pitch + j].
using GemmFloatWindowsFn = void (*)(const float* const* windows, int64_t rows, int64_t runs, int64_t length,
                                    int64_t pitch, const float* packed, int64_t oc, float* c, int64_t c_stride,
                                    float min, float max);

// out[3 i + j] = plane_j[i] for i < n: three planes of `element_bytes` (1
// or 4) values interleaved, as TRANSPOSE makes an NCHW image of 3 channels
// NHWC.
using InterleaveThreeFn = void (*)(const void* plane0, const void* plane1, const void* plane2, int64_t n,
                                   int element_bytes, void* out);

// One implementation of the AVX-512 kernels: the CPU's, or SIMDe's
// emulation of it. Null members: the AVX2 kernels instead.
struct Avx512Kernels {
  GemmUint8Fn gemm = nullptr;
  GemmUint8RequantizeFn gemm_requantize = nullptr;
  DepthwiseRowInt8Fn depthwise_row = nullptr;
  DepthwiseRowNarrowInt8Fn depthwise_row_narrow = nullptr;
  AddSubInt8Fn add_sub = nullptr;
  GemmFloatFn gemm_float = nullptr;
  DepthwiseRowFloatFn depthwise_row_float = nullptr;
  GemmFloatWindowsFn gemm_float_windows = nullptr;
  InterleaveThreeFn interleave_three = nullptr;
};

// The kernels the fast ops use: the CPU's when it has AVX-512 VNNI, or
// what a test chose (OverrideAvx512KernelsForTesting in fast_kernels.h).
Avx512Kernels ChosenAvx512Kernels();

// The kernel set of each build of the *_avx512.cc files: the CPU's, and
// (only in the test binary, see above) SIMDe's emulation of it.
namespace avx512 {
Avx512Kernels Kernels();
}  // namespace avx512
namespace avx512_emulated {
Avx512Kernels Kernels();
}  // namespace avx512_emulated

}  // namespace tinyforge::interp::fast
