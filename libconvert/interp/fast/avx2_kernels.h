// Kernels compiled for AVX2 + FMA (the fast/*_avx2.cc files, built with
// -mavx2 -mfma). Call them only when Cpu().avx2_fma is true.
//
// The ODR rule that keeps one binary portable: a *_avx2.cc file may include
// only this header, the *_avx2.h headers (inline AVX2 code that only
// *_avx2.cc files include), <immintrin.h>, C headers and Eigen, and Eigen
// may be included nowhere else in the program. An inline or template function that
// both an AVX2 file and a baseline file instantiate (std::vector, std::min,
// ref::Requantize, Eigen...) gets one weak definition picked by the linker,
// possibly the AVX2 one, which would then run on CPUs without AVX2. So the
// functions here take plain pointers and PODs, and everything else (weight
// packing, requantization, buffers) lives in baseline files.
#pragma once

#include <cstdint>

namespace tinyforge::interp::fast::avx2 {

// Output channels per block of packed int16 weights. The last block of a
// matrix may be half as wide (kOcBlock / 2) when that covers its channels.
constexpr int kOcBlock = 16;

// c[r * c_stride + o] = sum_k a[r * a_stride + k] * w(o, k) in int32 (exact
// with wrap-around), for r < rows and o < the blocks' total width.
// a: int16 rows holding 2 * k_pairs values each (zero-padded).
// packed: for each block b of width W (kOcBlock, or last_width for the last
// block), each pair p, for each j < W the two values w(Wb + j, 2p),
// w(Wb + j, 2p + 1); zeros pad both k and o. Block b starts at
// b * k_pairs * 2 * kOcBlock.
// Products are int16 x int16 summed in pairs (vpmaddwd): exact while both
// factors of each pair stay within [-256, 255], which int8 data with any
// int8 zero point does.
void GemmInt16(const int16_t* a, int64_t rows, int64_t a_stride, const int16_t* packed,
               int64_t k_pairs, int64_t oc_blocks, int last_width, int32_t* c, int64_t c_stride);

// dst[i] = src[i] + offset for i < n (int8 data plus a zero-point offset
// always fits int16).
void Int8ToInt16(const int8_t* src, int64_t n, int32_t offset, int16_t* dst);
// dst[i] = src[i] + 128 as uint8 (flipping the sign bit).
void Int8ToUint8(const int8_t* src, int64_t n, uint8_t* dst);

// Pixels of `depth` int8 values to pixels of `stride` int16 values: each
// value plus offset written `repeat` times in a row, zeros after
// depth * repeat (<= stride).
void Int8ToInt16Pixels(const int8_t* src, int64_t pixels, int depth, int32_t offset, int repeat, int stride,
                       int16_t* dst);

// out[i] = clamp(a[i] op b[i], min, max) for i < n: one IEEE operation and
// the reference's clamp (a NaN kept), so the reference's bits.
enum class FloatBinaryOp { kAdd, kSub, kMul };
void BinaryFloat(FloatBinaryOp op, const float* a, const float* b, int64_t n, float min, float max, float* out);

// Float GEMM with the bias and the clamp fused:
//   c[r * c_stride + o] = clamp(bias(o) + sum_kk a[r * a_stride + kk] * w(o, kk), min, max)
// for r < rows, o < oc, summed with FMA in kk order (not the reference's
// rounding). packed: blocks of kFloatBlock output channels (the last block
// 8 wide when that covers its channels), each block of width W holding W
// biases, then for each kk < k the W weights w(first + j, kk); zeros pad
// the last block. The clamp is the reference's (a NaN stays NaN).
constexpr int kFloatBlock = 16;
void GemmFloatPacked(const float* a, int64_t rows, int64_t a_stride, int64_t k, const float* packed, int64_t oc,
                     float* c, int64_t c_stride, float min, float max);

// One output row of a float DEPTHWISE_CONV_2D with depth multiplier 1 over
// rows the caller has padded, the bias and the clamp fused, summed with
// FMA in (ky, kx) order:
//   out[x * channels + c] = clamp(bias(c) + sum w(ky, kx, c) *
//       rows[ky][(x * stride_w + kx * dilation_w) * channels + c])
// rows[ky]: the (padded) input row tap row ky reads, which must hold every
// column the taps read. packed: per block of 8 channels, 8 biases then
// kh * kw taps of 8 weights (zeros past the channels).
struct DepthwiseRowGeometry {
  int channels, out_width, kh, kw, stride_w, dilation_w;
};
void DepthwiseRowFloat(const DepthwiseRowGeometry& g, const float* const* rows, const float* packed, float* out,
                       float min, float max);

// lhs (m x k) * rhs (k x n) = out (m x n), each with its own strides
// (elements) along its two axes; Eigen GEMM.
void MatMulFloat(const float* lhs, int64_t m, int64_t k, int64_t lhs_m_stride, int64_t lhs_k_stride,
                 const float* rhs, int64_t n, int64_t rhs_k_stride, int64_t rhs_n_stride, float* out);

// Per-channel requantization of int32 accumulators to int8, bit-identical
// to ref::Requantize (TFLM's double-rounding MultiplyByQuantizedMultiplier,
// plus the output offset, clamped): for c < n,
//   out[c] = clamp(MBQM(acc[c] + bias[c], multiplier[c], shift[c]) + offset)
// for multipliers >= 0 and shifts within [-31, 31] (QuantizeMultiplier's
// output). `channels` holds, for each block of 8 channels (whole blocks,
// zeros past the last channel), kRequantBlockValues int32: the rows M, M of
// the odd lane in the even one, left shift, right shift, 2^right - 1 and
// its half, 8 channels each (kernel_support.h's Requantizer makes them).
// bias may be null. The tests check it against ref::Requantize.
constexpr int kRequantBlockValues = 48;
// `bounded`, when not null, holds the same requantization in a shorter form
// that the AVX-512 kernels use: for each block of 16 channels,
// kBoundedBlockValues int32, the rows M, M of the odd lane in the even one,
// right shift, offset * 2^right + 2^(right - 1) (right > 0) or offset
// (right = 0), and -1 (right > 0) or 0, 16 channels each. It exists only
// where no channel shifts left and every accumulator is small enough that
// the rounding divide can add before it shifts and that the accumulator
// doubles without overflow (Requantizer::UseBounds).
constexpr int kBoundedBlockValues = 80;
struct RequantParams {
  const int32_t* channels;
  int32_t output_offset;
  int32_t min, max;
  const int32_t* bounded = nullptr;
};
void RequantizeInt8(const RequantParams& q, const int32_t* acc, const int32_t* bias, int64_t n, int8_t* out);

// GemmInt16 with the bias and the requantization fused, straight to the
// int8 output: for r < rows and o < oc,
//   out[r * out_stride + o] = requantize(bias[o] + sum_k a[r * a_stride + k] * w(o, k), o)
// bias: one value per channel of the packed blocks (zeros past oc); q as
// for RequantizeInt8, its blocks covering the same channels.
void GemmInt16Requantize(const int16_t* a, int64_t rows, int64_t a_stride, const int16_t* packed, int64_t k_pairs,
                         int64_t oc, int last_width, const int32_t* bias, const RequantParams& q, int8_t* out,
                         int64_t out_stride);

// The float depthwise kernel over a padded float image (as for the int8
// one below: channels repeated depth-multiplier times, zero padding,
// channels at a stride of 8 * channel_blocks, zero past the depth). For one
// output row: acc[x * stride + c] = sum over taps t, in order, of
// row[x * x_step + tap_offsets[t] + c] * filter[t * stride + c], starting
// from +0, each product rounded then added (no FMA): the reference's order.
// The padding's 0 * w terms change nothing while w is finite.
void DepthwisePaddedRowFloat(const float* row, int64_t x_step, int out_width, const int64_t* tap_offsets, int taps,
                             const float* filter, int channel_blocks, float* acc);

// The int8 depthwise kernel over a padded int16 image (x + input offset,
// each input channel repeated depth-multiplier times so output channel c
// reads lane c, zero padding, channels at a stride of block_width *
// channel_blocks, zero past the depth). Blocks are 16 channels wide, or one
// block of 8 for depths up to 8. For one output row, with the bias and the
// requantization (q, as for RequantizeInt8) fused:
//   out[x * depth + c] = requantize(bias[c] + sum over taps t of
//                                   w(t, c) * row[x * x_step + tap_offsets[t] + c], c)
// for x < out_width and c < depth, the sum int32 with wrap-around. Taps go
// in pairs through vpmaddwd (exact: |x + offset| <= 255, |w| <= 128);
// tap_offsets has 2 * tap_pairs entries, an odd last tap repeated (its
// pair's weight is zero). packed comes from PackDepthwiseFilter; bias holds
// a value for every lane of the blocks (zeros past the depth).
void PackDepthwiseFilter(const int8_t* filter, int taps, int depth, int block_width, int channel_blocks,
                         int16_t* packed);
void DepthwisePaddedRowInt8(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                            int tap_pairs, const int16_t* packed, int block_width, int channel_blocks,
                            const int32_t* bias, const RequantParams& q, int depth, int8_t* out);

// Integer AVERAGE_POOL_2D over NHWC int8, bit-identical to
// ref::AveragePoolInt8: each window clipped to the image, int32 sum,
// divided by the element count rounding half away from zero, clamped.
// The division runs in float, exact while |sum| + count / 2 < 2^24, which
// holds for windows of at most 65,535 elements (the caller checks).
struct PoolGeometry {
  int batches, in_height, in_width, depth, out_height, out_width;
  int filter_height, filter_width, stride_height, stride_width, pad_height, pad_width;
  int32_t min, max;
};
void AveragePoolInt8(const PoolGeometry& g, const int8_t* input, int8_t* output);
// Float AVERAGE_POOL_2D, bit-identical to ref::AveragePoolFloat: each
// channel's window summed in the reference's order (eight channels a
// pass), divided by the count, clamped to [min, max] (g.min, g.max unused).
void AveragePoolFloat(const PoolGeometry& g, float min, float max, const float* input, float* output);

}  // namespace tinyforge::interp::fast::avx2
