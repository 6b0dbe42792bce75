// Fast TRANSPOSE: the inner loop runs along the input's contiguous axis
// (NCHW to NHWC reads whole rows of W values, writing every C-th output),
// where the reference's runs along the output's (C values, HW apart). An
// image of 3 channels made NHWC interleaves whole rows on AVX-512.
#include "libconvert/interp/fast/fast_kernels.h"

#include <array>
#include <cstring>

#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast {
namespace {

template <typename T>
void TransposeAlongInput(const ref::TransposeParams& p, int inner_axis, const T* input, T* output) {
  const int rank = p.rank;
  std::array<int64_t, ref::kMaxTransposeRank> out_strides{};
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    out_strides[static_cast<size_t>(i)] = stride;
    stride *= p.output_dims[static_cast<size_t>(i)];
  }
  const int64_t inner = p.output_dims[static_cast<size_t>(inner_axis)];
  const int64_t out_step = out_strides[static_cast<size_t>(inner_axis)];
  const int64_t total = stride / inner;  // positions of the other axes
  // An odometer over the other axes in output order.
  std::array<int64_t, ref::kMaxTransposeRank> index{};
  int64_t in_base = 0, out_base = 0;
  for (int64_t n = 0; n < total; ++n) {
    const T* in = input + in_base;
    T* out = output + out_base;
    // Bytes four at a time: their one-store loop ran at full or half speed
    // depending on where the linker put it (MobileNetV2's int8 NCHW input:
    // 43 or 82 us; 33 us so). Wider elements measured slower unrolled.
    int64_t i = 0;
    for (; sizeof(T) == 1 && i + 4 <= inner; i += 4) {
      out[i * out_step] = in[i];
      out[(i + 1) * out_step] = in[i + 1];
      out[(i + 2) * out_step] = in[i + 2];
      out[(i + 3) * out_step] = in[i + 3];
    }
    for (; i < inner; ++i) out[i * out_step] = in[i];
    for (int a = rank - 1; a >= 0; --a) {
      if (a == inner_axis) continue;
      const size_t k = static_cast<size_t>(a);
      in_base += p.input_strides[k];
      out_base += out_strides[k];
      if (++index[k] < p.output_dims[k]) break;
      in_base -= p.input_strides[k] * p.output_dims[k];
      out_base -= out_strides[k] * p.output_dims[k];
      index[k] = 0;
    }
  }
}

// NCHW to NHWC of 3 channels (an RGB image, the converter's usual input
// TRANSPOSE): each row of pixels interleaves the three planes' rows, on
// AVX-512 (`interleave`). Empty for any other case.
EvalFn InterleavedChannels(const ref::TransposeParams& p, int element_bytes, const void* input, void* output,
                           InterleaveThreeFn interleave) {
  const auto& dims = p.output_dims;
  const auto& strides = p.input_strides;
  if (interleave == nullptr || (element_bytes != 1 && element_bytes != 4) || p.rank != 4 || dims[3] != 3 ||
      strides[2] != 1 || strides[1] != dims[2] || strides[3] != dims[1] * dims[2] || strides[0] != 3 * strides[3]) {
    return {};
  }
  const int64_t rows = dims[0] * dims[1], height = dims[1], width = dims[2], plane = strides[3] * element_bytes;
  return [=] {
    const auto* in = static_cast<const uint8_t*>(input);
    auto* out = static_cast<uint8_t*>(output);
    for (int64_t r = 0; r < rows; ++r) {
      // Row r is image r / H, row r % H: its planes are `plane` bytes apart.
      const uint8_t* first = in + (r / height) * 3 * plane + (r % height) * width * element_bytes;
      interleave(first, first + plane, first + 2 * plane, width, element_bytes, out + r * width * 3 * element_bytes);
    }
  };
}

}  // namespace

EvalFn Transpose(const ref::TransposeParams& params, int element_bytes, const void* input, void* output) {
  if (EvalFn eval = InterleavedChannels(params, element_bytes, input, output, ChosenAvx512Kernels().interleave_three)) {
    return eval;
  }
  // The output axis that is the input's last (stride 1), if it is longer
  // than the output's own last axis (else the reference's order is as good).
  int inner_axis = -1;
  for (int i = 0; i < params.rank; ++i) {
    if (params.input_strides[static_cast<size_t>(i)] == 1) inner_axis = i;
  }
  if (inner_axis < 0 || inner_axis == params.rank - 1 ||
      params.output_dims[static_cast<size_t>(inner_axis)] <= params.output_dims[static_cast<size_t>(params.rank - 1)]) {
    return {};
  }
  auto run = [params, inner_axis, input, output](auto zero) {
    using T = decltype(zero);
    return EvalFn([=] { TransposeAlongInput(params, inner_axis, static_cast<const T*>(input), static_cast<T*>(output)); });
  };
  switch (element_bytes) {
    case 1: return run(uint8_t{});
    case 2: return run(uint16_t{});
    case 4: return run(uint32_t{});
    case 8: return run(uint64_t{});
    default: return {};
  }
}

}  // namespace tinyforge::interp::fast
