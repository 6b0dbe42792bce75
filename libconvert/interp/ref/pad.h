// PAD, PADV2 (constant padding) and MIRROR_PAD (REFLECT / SYMMETRIC).
//
// Paddings arrive as the op's [rank, 2] paddings tensor flattened row-major:
// {before_0, after_0, before_1, after_1, ...}, in elements per axis.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// TFLM's PAD/PADV2 kernels handle inputs of at most 5 dimensions.
constexpr int kMaxPadRank = 5;

// Constant padding, with every shape extended on the left to kMaxPadRank.
struct PadParams {
  std::array<int32_t, kMaxPadRank> input_dims{};   // elements per axis
  std::array<int32_t, kMaxPadRank> output_dims{};  // input + before + after
  std::array<int32_t, kMaxPadRank> before{};       // pad elements before the data
  std::array<int32_t, kMaxPadRank> after{};        // pad elements after the data
};

// Validates and records the paddings: input and output have the same rank
// (<= kMaxPadRank), paddings has 2 * rank non-negative entries and
// output.dim(i) == input.dim(i) + before_i + after_i. Throws tinyforge::Error
// naming the shapes otherwise.
PadParams PreparePad(const Shape& input, const std::vector<int32_t>& paddings,
                     const Shape& output);

// The pad value of an int8 PAD without a constant input: the output zero
// point, which must be representable in int8. Throws tinyforge::Error if not.
// (float, int16 and int32 PAD without a constant pad with 0.)
int8_t Int8DefaultPadValue(int32_t output_zero_point);

// PADV2 int8: the constant's quantization must equal the output's, since
// TFLM copies the constant without rescaling. Throws tinyforge::Error if not.
void CheckInt8PadConstantQuantization(float constant_scale, int32_t constant_zero_point,
                                      float output_scale, int32_t output_zero_point);

// Writes `pad_value` everywhere outside the copied input. T: float, int8_t,
// int16_t, int32_t.
template <typename T>
void Pad(const PadParams& params, const T* input, T pad_value, T* output);

enum class MirrorPadMode {
  kReflect,    // the edge element is not repeated: [a b c] -> b [a b c] b
  kSymmetric,  // the edge element is repeated:     [a b c] -> a [a b c] c
};

// For every axis, the input coordinate each output coordinate reads.
struct MirrorPadParams {
  std::vector<int32_t> output_dims;       // elements per axis
  std::vector<int64_t> input_strides;     // row-major element strides of the input
  // source[axis][output coordinate] = input coordinate along that axis
  std::vector<std::vector<int32_t>> source;
};

// Validates the paddings (2 * rank non-negative entries; REFLECT needs
// before, after <= dim - 1 and SYMMETRIC needs before, after <= dim, the
// limits TensorFlow defines; output.dim(i) == dim + before + after) and builds
// the index tables. Throws tinyforge::Error naming the shapes otherwise.
MirrorPadParams PrepareMirrorPad(const Shape& input, const std::vector<int64_t>& paddings,
                                 MirrorPadMode mode, const Shape& output);

// Fills the output by mirroring the input. T: float, int8_t, int16_t, int32_t.
template <typename T>
void MirrorPad(const MirrorPadParams& params, const T* input, T* output);

}  // namespace tinyforge::ref
