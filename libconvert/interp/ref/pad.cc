#include "libconvert/interp/ref/pad.h"

#include <algorithm>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"

namespace tinyforge::ref {
namespace {

template <typename P>
std::string PaddingsString(const std::vector<P>& paddings) {
  std::string s = "[";
  for (size_t i = 0; i + 1 < paddings.size(); i += 2) {
    if (i > 0) s += ", ";
    s += "[" + std::to_string(paddings[i]) + ", " + std::to_string(paddings[i + 1]) + "]";
  }
  if (paddings.size() % 2 != 0) s += " (odd count " + std::to_string(paddings.size()) + ")";
  return s + "]";
}

// Checks shared by PAD and MIRROR_PAD; returns the rank.
template <typename P>
int CheckPaddingShapes(const char* op, const Shape& input, const std::vector<P>& paddings,
                       const Shape& output) {
  const std::string where = std::string(op) + ": input " + ShapeToString(input) + ", paddings " +
                            PaddingsString(paddings) + ", output " + ShapeToString(output);
  if (input.rank() != output.rank()) {
    throw Error(where + ": input and output ranks differ");
  }
  const int rank = input.rank();
  if (paddings.size() != static_cast<size_t>(2 * rank)) {
    throw Error(where + ": expected " + std::to_string(rank) +
                " (before, after) pairs, one per axis");
  }
  for (int i = 0; i < rank; ++i) {
    const P before = paddings[static_cast<size_t>(2 * i)];
    const P after = paddings[static_cast<size_t>(2 * i + 1)];
    if (before < 0 || after < 0) {
      throw Error(where + ": axis " + std::to_string(i) + " has a negative padding");
    }
    if (input.dim(i) < 0 ||
        static_cast<int64_t>(input.dim(i)) + before + after != output.dim(i)) {
      throw Error(where + ": axis " + std::to_string(i) + " should have output size " +
                  std::to_string(static_cast<int64_t>(input.dim(i)) + before + after));
    }
  }
  return rank;
}

}  // namespace

PadParams PreparePad(const Shape& input, const std::vector<int32_t>& paddings,
                     const Shape& output) {
  if (input.rank() > kMaxPadRank) {
    throw Error("PAD: input " + ShapeToString(input) + " has rank " + std::to_string(input.rank()) +
                "; TFLM pads at most " + std::to_string(kMaxPadRank) + " dimensions");
  }
  const int rank = CheckPaddingShapes("PAD", input, paddings, output);
  PadParams p;
  const int lead = kMaxPadRank - rank;
  for (int i = 0; i < kMaxPadRank; ++i) {
    const auto k = static_cast<size_t>(i);
    if (i < lead) {
      p.input_dims[k] = 1;
      p.output_dims[k] = 1;
      continue;
    }
    const int axis = i - lead;
    p.input_dims[k] = input.dim(axis);
    p.output_dims[k] = output.dim(axis);
    p.before[k] = paddings[static_cast<size_t>(2 * axis)];
    p.after[k] = paddings[static_cast<size_t>(2 * axis + 1)];
  }
  return p;
}

int8_t Int8DefaultPadValue(int32_t output_zero_point) {
  if (output_zero_point < -128 || output_zero_point > 127) {
    throw Error("PAD: output zero point " + std::to_string(output_zero_point) +
                " is outside int8 [-128, 127], so padding with real 0 is impossible");
  }
  return static_cast<int8_t>(output_zero_point);
}

void CheckInt8PadConstantQuantization(float constant_scale, int32_t constant_zero_point,
                                      float output_scale, int32_t output_zero_point) {
  if (constant_scale != output_scale || constant_zero_point != output_zero_point) {
    throw Error("PADV2: the constant value is quantized with (scale " +
                std::to_string(constant_scale) + ", zero point " +
                std::to_string(constant_zero_point) + ") but the output with (scale " +
                std::to_string(output_scale) + ", zero point " +
                std::to_string(output_zero_point) + "); TFLM requires them equal");
  }
}

template <typename T>
void Pad(const PadParams& params, const T* input, T pad_value, T* output) {
  const auto& od = params.output_dims;
  const auto& id = params.input_dims;
  int64_t output_size = 1;
  for (int32_t d : od) output_size *= d;
  std::fill(output, output + output_size, pad_value);
  // Copy the input one innermost row at a time into its padded position.
  const int64_t row = id[4];
  for (int32_t i0 = 0; i0 < id[0]; ++i0) {
    for (int32_t i1 = 0; i1 < id[1]; ++i1) {
      for (int32_t i2 = 0; i2 < id[2]; ++i2) {
        for (int32_t i3 = 0; i3 < id[3]; ++i3) {
          int64_t o = i0 + params.before[0];
          o = o * od[1] + i1 + params.before[1];
          o = o * od[2] + i2 + params.before[2];
          o = o * od[3] + i3 + params.before[3];
          o = o * od[4] + params.before[4];
          std::copy(input, input + row, output + o);
          input += row;
        }
      }
    }
  }
}

template void Pad<float>(const PadParams&, const float*, float, float*);
template void Pad<int8_t>(const PadParams&, const int8_t*, int8_t, int8_t*);
template void Pad<int16_t>(const PadParams&, const int16_t*, int16_t, int16_t*);
template void Pad<int32_t>(const PadParams&, const int32_t*, int32_t, int32_t*);

MirrorPadParams PrepareMirrorPad(const Shape& input, const std::vector<int64_t>& paddings,
                                 MirrorPadMode mode, const Shape& output) {
  const int rank = CheckPaddingShapes("MIRROR_PAD", input, paddings, output);
  // REFLECT skips the edge element (offset 1), SYMMETRIC repeats it (offset 0).
  const int64_t offset = mode == MirrorPadMode::kReflect ? 1 : 0;
  MirrorPadParams p;
  p.output_dims = output.dims();
  p.input_strides.assign(static_cast<size_t>(rank), 1);
  for (int i = rank - 2; i >= 0; --i) {
    p.input_strides[static_cast<size_t>(i)] =
        p.input_strides[static_cast<size_t>(i + 1)] * input.dim(i + 1);
  }
  p.source.resize(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    const int64_t size = input.dim(i);
    const int64_t before = paddings[static_cast<size_t>(2 * i)];
    const int64_t after = paddings[static_cast<size_t>(2 * i + 1)];
    const int64_t limit = size - offset;
    if ((before > 0 || after > 0) && (before > limit || after > limit)) {
      throw Error(std::string("MIRROR_PAD: input ") + ShapeToString(input) + ", paddings " +
                  PaddingsString(paddings) + ": axis " + std::to_string(i) + " of size " +
                  std::to_string(size) + " allows paddings of at most " +
                  std::to_string(std::max<int64_t>(limit, 0)) + " in " +
                  (mode == MirrorPadMode::kReflect ? "REFLECT" : "SYMMETRIC") + " mode");
    }
    auto& table = p.source[static_cast<size_t>(i)];
    table.resize(static_cast<size_t>(output.dim(i)));
    for (int64_t o = 0; o < output.dim(i); ++o) {
      int64_t src;
      if (o < before) {
        src = before - o - 1 + offset;  // mirrored left of element 0
      } else if (o < before + size) {
        src = o - before;
      } else {
        src = size - 1 - offset - (o - before - size);  // mirrored right of the last
      }
      table[static_cast<size_t>(o)] = static_cast<int32_t>(src);
    }
  }
  return p;
}

template <typename T>
void MirrorPad(const MirrorPadParams& params, const T* input, T* output) {
  const int rank = static_cast<int>(params.output_dims.size());
  int64_t output_size = 1;
  for (int32_t d : params.output_dims) output_size *= d;
  if (output_size == 0) return;
  if (rank == 0) {
    output[0] = input[0];
    return;
  }
  // Odometer over output coordinates; the input offset is the sum of the
  // per-axis source coordinates times the input strides.
  std::vector<int32_t> coord(static_cast<size_t>(rank), 0);
  const int last = rank - 1;
  const auto& last_table = params.source[static_cast<size_t>(last)];
  const int64_t last_stride = params.input_strides[static_cast<size_t>(last)];
  const int32_t last_dim = params.output_dims[static_cast<size_t>(last)];
  while (true) {
    int64_t base = 0;
    for (int i = 0; i < last; ++i) {
      const auto k = static_cast<size_t>(i);
      base += params.source[k][static_cast<size_t>(coord[k])] * params.input_strides[k];
    }
    for (int32_t j = 0; j < last_dim; ++j) {
      *output++ = input[base + last_table[static_cast<size_t>(j)] * last_stride];
    }
    int axis = last - 1;
    while (axis >= 0) {
      const auto k = static_cast<size_t>(axis);
      if (++coord[k] < params.output_dims[k]) break;
      coord[k] = 0;
      --axis;
    }
    if (axis < 0) return;
  }
}

template void MirrorPad<float>(const MirrorPadParams&, const float*, float*);
template void MirrorPad<int8_t>(const MirrorPadParams&, const int8_t*, int8_t*);
template void MirrorPad<int16_t>(const MirrorPadParams&, const int16_t*, int16_t*);
template void MirrorPad<int32_t>(const MirrorPadParams&, const int32_t*, int32_t*);

}  // namespace tinyforge::ref
