// Fast kernels for the operators that carry the work: CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL (int8 and float),
// int8 binary operators, int8 AVERAGE_POOL_2D, TRANSPOSE and MEAN / SUM.
// One file per operator family (conv.cc, depthwise.cc, batch_matmul.cc,
// elementwise.cc, pool.cc, transpose.cc, reduce.cc); the SIMD loops are in
// the *_avx2.cc / *_avx512.cc files. fast_table.cc lists them all, and a
// kernel that returns one calls PrepareContext::NoteFastKernel.
//
// Each takes the params its reference kernel's Prepare computed (so every
// check and every multiplier is the reference's), does its own one-time work
// (weight packing, scratch buffers) and returns the Eval closure; or returns
// an empty EvalFn when it does not apply (a CPU without AVX2/FMA, parameters
// outside the vector forms, a float depthwise filter that is not finite), in
// which case the caller uses the reference kernel.
//
// int8: exact int32 accumulation (int8_gemm.h: int16 pairs through vpmaddwd,
// or uint8 x int8 fours through AVX-512 VNNI), then a vector form of the
// reference's requantization that the tests hold equal to ref::Requantize
// bit for bit. Float: packed FMA GEMMs for CONV_2D and FULLY_CONNECTED,
// Eigen for BATCH_MATMUL, FMA for DEPTHWISE_CONV_2D with depth multiplier 1
// (all within 1e-5 relative of the reference; the summation order
// differs); a depthwise conv with a larger multiplier sums in the
// reference's order and gives its bits.
//
// Weights (filter, FC weights) must be constant: they are packed here, once.
// Data pointers must stay valid for the closure's life, as for the reference.
// The conv-like kernels split their work over `pool` when one is given
// (tasks of fixed rows and output-channel blocks, so the results do not
// depend on the thread count).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "libconvert/interp/fast/avx512_kernels.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/interp/thread_pool.h"
#include "libconvert/interp/ref/batch_matmul.h"
#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/depthwise_conv.h"
#include "libconvert/interp/ref/elementwise.h"
#include "libconvert/interp/ref/fully_connected.h"
#include "libconvert/interp/ref/pooling.h"
#include "libconvert/interp/ref/reduce.h"
#include "libconvert/interp/ref/transpose.h"

namespace tinyforge::interp::fast {

// True when this CPU runs the fast kernels (AVX2 and FMA).
bool Available();

// int8 CONV_2D and FULLY_CONNECTED use AVX-512 VNNI (uint8 x int8 through
// vpdpbusd) where the CPU has it, else AVX2 (int16 pairs); int8
// DEPTHWISE_CONV_2D over more than 16 channels uses AVX-512 there too.
// Tests override that choice for kernels prepared afterwards: override with
// null kernels forces AVX2; with kernels (the SIMDe-emulated AVX-512 ones,
// say) runs the AVX-512 paths through them on any AVX2 machine; no
// override: the CPU's choice.
void OverrideAvx512KernelsForTesting(bool override, Avx512Kernels kernels);

EvalFn ConvInt8(const ref::ConvParams& params, const ref::Shape& input_shape, const int8_t* input,
                const ref::Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                const ref::Shape& output_shape, int8_t* output,
                ThreadPool* pool = nullptr);
EvalFn ConvFloat(const ref::ConvParams& params, const ref::Shape& input_shape, const float* input,
                 const ref::Shape& filter_shape, const float* filter, const float* bias,
                 const ref::Shape& output_shape, float* output,
                 ThreadPool* pool = nullptr);

EvalFn DepthwiseConvInt8(const ref::DepthwiseConvParams& params, const ref::Shape& input_shape,
                         const int8_t* input, const ref::Shape& filter_shape, const int8_t* filter,
                         const int32_t* bias, const ref::Shape& output_shape, int8_t* output,
                         ThreadPool* pool = nullptr);
EvalFn DepthwiseConvFloat(const ref::DepthwiseConvParams& params, const ref::Shape& input_shape,
                          const float* input, const ref::Shape& filter_shape, const float* filter,
                          const float* bias, const ref::Shape& output_shape, float* output,
                          ThreadPool* pool = nullptr);

EvalFn FullyConnectedInt8(const ref::FullyConnectedParams& params, const ref::Shape& input_shape,
                          const int8_t* input, const ref::Shape& weights_shape, const int8_t* weights,
                          const int32_t* bias, const ref::Shape& output_shape, int8_t* output,
                          ThreadPool* pool = nullptr);
EvalFn FullyConnectedFloat(const ref::FullyConnectedParams& params, const ref::Shape& input_shape,
                           const float* input, const ref::Shape& weights_shape, const float* weights,
                           const float* bias, const ref::Shape& output_shape, float* output,
                           ThreadPool* pool = nullptr);

// Both operands may change between evals (rhs is re-packed each time).
EvalFn BatchMatMulInt8(const ref::BatchMatMulParams& params, const ref::QuantizedBatchMatMulParams& quant,
                       const int8_t* lhs, const int8_t* rhs, int8_t* output);
EvalFn BatchMatMulFloat(const ref::BatchMatMulParams& params, const float* lhs, const float* rhs,
                        float* output);

// An int8 binary operator (ADD, SUB, MUL, SQUARED_DIFFERENCE) with
// per-tensor quantization is a function of its two int8 operands: a
// 256 x 256 table of the reference's results, made once by running
// `reference` (the flat plan it gets covers every operand pair), then one
// lookup per element, broadcasting as `plan` says. Empty for outputs too
// small (under 1,024 elements) to repay the table.
using Int8BinaryFn = std::function<void(const ref::BroadcastPlan&, const int8_t*, const int8_t*, int8_t*)>;
EvalFn Int8BinaryByTable(const ref::BroadcastPlan& plan, const Int8BinaryFn& reference, const int8_t* input1,
                         const int8_t* input2, int8_t* output);

// int8 ADD (subtract false) or SUB of same-shaped inputs on AVX-512: the
// reference's arithmetic on 16 lanes (AddSubInt8Form), split over `pool`.
// Empty without AVX-512, for broadcasts, and where that form does not hold
// (zero points beyond +-895, say): the table or the reference then runs.
EvalFn Int8AddSub(const ref::BroadcastPlan& plan, const ref::AddSubParams& params, bool subtract,
                  const int8_t* input1, const int8_t* input2, int8_t* output, ThreadPool* pool = nullptr);
// The form AddSubInt8Params describes for `params`, when it gives the
// reference's bits; exposed for the tests.
std::optional<AddSubInt8Params> AddSubInt8Form(const ref::AddSubParams& params, bool subtract);

// Float ADD, SUB or MUL of same-shaped inputs (avx2::BinaryFloat: the
// reference's bits), split over `pool`. Empty for broadcasts.
EvalFn FloatBinary(const ref::BroadcastPlan& plan, avx2::FloatBinaryOp op, const ref::FloatRange& range,
                   const float* input1, const float* input2, float* output, ThreadPool* pool = nullptr);

// TRANSPOSE of elements of `element_bytes` bytes (1, 2, 4 or 8), looping
// along the input's contiguous axis; empty when the reference's loop order
// (along the output's last axis) is as good. Data movement only: the bits.
EvalFn Transpose(const ref::TransposeParams& params, int element_bytes, const void* input, void* output);

// MEAN (float) and MEAN or SUM (int8) when the reduced axes are one
// contiguous block (H and W of NHWC, say): a row of outputs at a time,
// each output's values summed in the reference's order (its bits). Empty
// for other layouts.
EvalFn MeanFloat(const ref::ReduceParams& params, const float* input, float* output);
EvalFn QuantizedMeanOrSumInt8(const ref::ReduceParams& params, const ref::QuantizedMeanOrSumParams& quant,
                              const int8_t* input, int8_t* output);

// int8 AVERAGE_POOL_2D (windows up to 65,535 elements).
EvalFn AveragePoolInt8(const ref::PoolParams& params, const ref::Shape& input_shape, const int8_t* input,
                       const ref::Shape& output_shape, int8_t* output);
EvalFn AveragePoolFloat(const ref::PoolParams& params, const ref::Shape& input_shape, const float* input,
                        const ref::Shape& output_shape, float* output);

}  // namespace tinyforge::interp::fast
