// Fast AVERAGE_POOL_2D, int8 and float.
#include "libconvert/interp/fast/fast_kernels.h"

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast {

namespace {

avx2::PoolGeometry Geometry(const ref::PoolParams& params, const ref::Shape& input_shape,
                            const ref::Shape& output_shape) {
  return {input_shape.dim(0),     input_shape.dim(1),    input_shape.dim(2),     input_shape.dim(3),
          output_shape.dim(1),    output_shape.dim(2),   params.filter_height,   params.filter_width,
          params.stride_height,   params.stride_width,   params.padding.height,  params.padding.width,
          params.activation_min,  params.activation_max};
}

}  // namespace

EvalFn AveragePoolInt8(const ref::PoolParams& params, const ref::Shape& input_shape, const int8_t* input,
                       const ref::Shape& output_shape, int8_t* output) {
  if (!Available() || static_cast<int64_t>(params.filter_height) * params.filter_width > 65535) return {};
  const avx2::PoolGeometry g = Geometry(params, input_shape, output_shape);
  return [g, input, output] { avx2::AveragePoolInt8(g, input, output); };
}

EvalFn AveragePoolFloat(const ref::PoolParams& params, const ref::Shape& input_shape, const float* input,
                        const ref::Shape& output_shape, float* output) {
  if (!Available()) return {};
  const avx2::PoolGeometry g = Geometry(params, input_shape, output_shape);
  const ref::FloatRange range = params.float_range;
  return [g, range, input, output] { avx2::AveragePoolFloat(g, range.min, range.max, input, output); };
}

}  // namespace tinyforge::interp::fast
