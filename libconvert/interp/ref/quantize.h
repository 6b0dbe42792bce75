// QUANTIZE and DEQUANTIZE as TFLM's reference kernels compute them.
//
// QUANTIZE has two forms: float -> int8/int16 (affine rounding) and
// integer -> integer requantization (a fixed-point rescale between two
// per-tensor quantizations). DEQUANTIZE maps int8/int16/uint8 to float.
// Eval functions process shape.FlatSize() elements and cannot fail.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// --------------------------------------------------------- float -> integer

struct AffineQuantizeParams {
  float scale = 1.0f;      // output real units per quantum (> 0)
  int32_t zero_point = 0;  // output quantum that represents 0.0
};
// Throws tinyforge::Error when output_scale is not a positive finite number.
AffineQuantizeParams PrepareQuantizeFromFloat(float output_scale, int32_t output_zero_point);
// q = clamp(round_half_away(x / scale) + zero_point) with the division in
// float. Values whose quotient overflows int32 saturate (TFLM's behaviour
// there is undefined); NaN maps to the zero point.
void QuantizeFloatToInt8(const AffineQuantizeParams& params, const Shape& shape, const float* input,
                         int8_t* output);
void QuantizeFloatToInt16(const AffineQuantizeParams& params, const Shape& shape,
                          const float* input, int16_t* output);

// ------------------------------------------------------- integer -> integer

struct RequantizeParams {
  int32_t multiplier = 0;         // Q31 mantissa of input_scale / output_scale
  int shift = 0;                  // its exponent (positive: left)
  int32_t input_zero_point = 0;   // input quantum that represents 0.0
  int32_t output_zero_point = 0;  // output quantum that represents 0.0
};
// Throws tinyforge::Error when a scale is not a positive finite number.
RequantizeParams PrepareRequantize(float input_scale, int32_t input_zero_point, float output_scale,
                                   int32_t output_zero_point);
// out = clamp(MultiplyByQuantizedMultiplier(in - in_zp) + out_zp) to OutT.
// Defined (explicitly instantiated) for exactly the pairs TFLM's QUANTIZE
// kernel supports:
//   int8 -> int8, uint8, int16, int32;  uint8 -> int8;
//   int16 -> int8, int16, int32;        int32 -> int8, int16.
// Any other pair fails to link.
template <typename InT, typename OutT>
void Requantize(const RequantizeParams& params, const Shape& shape, const InT* input, OutT* output);

// ------------------------------------------------------- integer -> float

struct DequantizeParams {
  double scale = 1.0;      // input real units per quantum (the float scale, widened)
  int32_t zero_point = 0;  // input quantum that represents 0.0
};
DequantizeParams PrepareDequantize(float input_scale, int32_t input_zero_point);
// x = float(scale * (q - zero_point)), the product in double.
void Dequantize(const DequantizeParams& params, const Shape& shape, const int8_t* input,
                float* output);
void Dequantize(const DequantizeParams& params, const Shape& shape, const int16_t* input,
                float* output);
void Dequantize(const DequantizeParams& params, const Shape& shape, const uint8_t* input,
                float* output);

}  // namespace tinyforge::ref
