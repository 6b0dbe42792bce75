// Fast int8 ADD (same-shape inputs) and int8 AVERAGE_POOL_2D.
#include "libconvert/interp/fast/fast_kernels.h"

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast {

EvalFn AddInt8(const ref::AddSubParams& params, int64_t count, const int8_t* input1, const int8_t* input2,
               int8_t* output) {
  if (!Available()) return {};
  auto split = [](const ref::QuantizedMultiplier& m, int32_t* left, int32_t* right) {
    *left = m.shift > 0 ? m.shift : 0;
    *right = m.shift > 0 ? 0 : -m.shift;
    return m.multiplier >= 0 && *left <= 31 && *right <= 31;
  };
  avx2::AddParams p{};
  p.input1_offset = params.input1_offset;
  p.input2_offset = params.input2_offset;
  p.left_shift = params.left_shift;
  p.multiplier1 = params.input1_multiplier.multiplier;
  p.multiplier2 = params.input2_multiplier.multiplier;
  p.output_multiplier = params.output_multiplier.multiplier;
  p.output_offset = params.output_offset;
  p.min = params.activation_min;
  p.max = params.activation_max;
  if (!split(params.input1_multiplier, &p.left1, &p.right1) || !split(params.input2_multiplier, &p.left2, &p.right2) ||
      !split(params.output_multiplier, &p.output_left, &p.output_right) || p.left_shift < 0 || p.left_shift > 31) {
    return {};
  }
  return [p, count, input1, input2, output] { avx2::AddInt8(p, input1, input2, count, output); };
}

EvalFn AveragePoolInt8(const ref::PoolParams& params, const ref::Shape& input_shape, const int8_t* input,
                       const ref::Shape& output_shape, int8_t* output) {
  if (!Available() || static_cast<int64_t>(params.filter_height) * params.filter_width > 65535) return {};
  const avx2::PoolGeometry g{input_shape.dim(0),     input_shape.dim(1),   input_shape.dim(2),
                             input_shape.dim(3),     output_shape.dim(1),  output_shape.dim(2),
                             params.filter_height,   params.filter_width,  params.stride_height,
                             params.stride_width,    params.padding.height, params.padding.width,
                             params.activation_min, params.activation_max};
  return [g, input, output] { avx2::AveragePoolInt8(g, input, output); };
}

}  // namespace tinyforge::interp::fast
