// Fast CONV_2D and FULLY_CONNECTED: im2col (or the input rows themselves)
// through the exact int8 GEMM of int8_gemm.h and the vector
// requantization; float through the packed FMA GEMM of float_gemm.h.
#include "libconvert/interp/fast/fast_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/float_gemm.h"
#include "libconvert/interp/fast/int8_gemm.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {
namespace {

// Where output pixel `row` of a conv reads its receptive field.
struct ConvGeometry {
  int in_height, in_width, in_depth, out_height, out_width;
  int filter_height, filter_width, filter_in_depth;
  int stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
  int out_depth, groups, per_group;  // output channels, groups, channels per group
  int64_t rows;                      // output pixels over all batches
  PaddedLayout padded;               // of the input, channels unstrided

  ConvGeometry(const ref::ConvParams& p, const Shape& in, const Shape& filter, const Shape& out)
      : in_height(in.dim(1)), in_width(in.dim(2)), in_depth(in.dim(3)),
        out_height(out.dim(1)), out_width(out.dim(2)),
        filter_height(filter.dim(1)), filter_width(filter.dim(2)), filter_in_depth(filter.dim(3)),
        stride_h(p.stride_height), stride_w(p.stride_width),
        dilation_h(p.dilation_height), dilation_w(p.dilation_width),
        pad_h(p.padding.height), pad_w(p.padding.width),
        out_depth(filter.dim(0)), groups(in_depth / filter_in_depth), per_group(out_depth / groups),
        rows(out.FlatSize() / out_depth),
        padded(in, in_depth, out, filter_height, filter_width, stride_h, stride_w, dilation_h, dilation_w, pad_h,
               pad_w) {}

  int64_t k() const { return static_cast<int64_t>(filter_height) * filter_width * filter_in_depth; }

  // A 1x1, stride-1, unpadded, ungrouped conv reads each input pixel as its
  // im2col row.
  bool pointwise() const {
    return filter_height == 1 && filter_width == 1 && stride_h == 1 && stride_w == 1 && pad_h == 0 &&
           pad_w == 0 && filter_in_depth == in_depth;
  }

  // The k values of output pixels [begin, begin + n) (over all batches),
  // group channels [channel_begin, +filter_in_depth), copied from the padded
  // image into rows dst + r * dst_stride.
  template <typename T>
  void Im2ColPadded(const T* image, int64_t begin, int64_t n, int channel_begin, T* dst, int64_t dst_stride) const {
    const int64_t hp = padded.height, wp = padded.width, c = in_depth, fc = filter_in_depth;
    const int64_t pixels = static_cast<int64_t>(out_height) * out_width;
    int64_t b = begin / pixels;
    int oy = static_cast<int>(begin % pixels / out_width), ox = static_cast<int>(begin % out_width);
    const bool runs = dilation_w == 1 && fc == c;  // one memory run per filter row
    const int64_t run = static_cast<int64_t>(filter_width) * c;
    for (int64_t r = 0; r < n; ++r) {
      const T* origin =
          image + ((b * hp + static_cast<int64_t>(oy) * stride_h) * wp + static_cast<int64_t>(ox) * stride_w) * c +
          channel_begin;
      T* d = dst + r * dst_stride;
      for (int ky = 0; ky < filter_height; ++ky) {
        const T* row = origin + static_cast<int64_t>(ky) * dilation_h * wp * c;
        if (runs) {
          std::memcpy(d + ky * run, row, static_cast<size_t>(run) * sizeof(T));
          continue;
        }
        for (int kx = 0; kx < filter_width; ++kx) {
          std::memcpy(d + (static_cast<int64_t>(ky) * filter_width + kx) * fc,
                      row + static_cast<int64_t>(kx) * dilation_w * c, static_cast<size_t>(fc) * sizeof(T));
        }
      }
      if (++ox == out_width) {
        ox = 0;
        if (++oy == out_height) oy = 0, ++b;
      }
    }
  }
};

// Rows of activations per pass through an int8 or float GEMM: they stay in
// L2 while every block of output channels reads them.
int64_t ChunkRows(int64_t row_bytes) { return std::max<int64_t>(12, 2 * kGemmChunkBytes / row_bytes / 12 * 12); }

template <typename Form>
EvalFn ConvInt8With(const ref::ConvParams& params, const Shape& input_shape, const int8_t* input,
                    const Shape& filter_shape, const int8_t* filter, const int32_t* bias, const Shape& output_shape,
                    int8_t* output) {
  using Element = typename Form::Element;
  const ConvGeometry g(params, input_shape, filter_shape, output_shape);
  const int64_t k = g.k();
  const int32_t offset = params.quant.input_offset;
  auto gemms = std::make_shared<std::vector<RequantizedGemm<Form>>>();
  for (int gi = 0; gi < g.groups; ++gi) {
    const int oc0 = gi * g.per_group;
    Requantizer requantize(params.quant, oc0, g.per_group);
    if (!requantize.Valid()) return {};
    const int8_t* wg = filter + static_cast<int64_t>(oc0) * k;
    gemms->emplace_back(g.per_group, k, [wg, k](int64_t o, int64_t kk) { return wg[o * k + kk]; }, offset,
                        bias != nullptr ? bias + oc0 : nullptr, std::move(requantize));
  }
  const int64_t a_stride = gemms->front().a_stride();
  const int64_t chunk = ChunkRows(a_stride * static_cast<int64_t>(sizeof(Element)));
  return [gemms, g, offset, a_stride, chunk, input, output] {
    // Pointwise convs convert their input rows in place of an im2col; the
    // rest copy windows out of a padded copy of the input.
    const Element* padded = nullptr;
    if (!g.pointwise()) {
      Element* buffer = Scratch<Element>(g.padded.size());
      g.padded.Fill(input, buffer, Form::PadValue(offset), [&g, offset](const int8_t* src, Element* dst) {
        Form::Convert(src, static_cast<int64_t>(g.in_width) * g.in_depth, offset, dst);
      });
      padded = buffer;
    }
    Element* rows = Scratch<Element, 1>(chunk * a_stride);
    for (int64_t begin = 0; begin < g.rows; begin += chunk) {
      const int64_t n = std::min(chunk, g.rows - begin);
      for (int gi = 0; gi < g.groups; ++gi) {
        if (padded != nullptr) {
          g.Im2ColPadded(padded, begin, n, gi * g.filter_in_depth, rows, a_stride);
        } else if (a_stride == g.in_depth) {
          Form::Convert(input + begin * g.in_depth, n * g.in_depth, offset, rows);
        } else {
          for (int64_t r = 0; r < n; ++r) {
            Form::Convert(input + (begin + r) * g.in_depth, g.in_depth, offset, rows + r * a_stride);
          }
        }
        (*gemms)[static_cast<size_t>(gi)].Run(rows, n, output + begin * g.out_depth + gi * g.per_group, g.out_depth);
      }
    }
  };
}

template <typename Form>
EvalFn FullyConnectedInt8With(const ref::FullyConnectedParams& params, const int8_t* input,
                              const Shape& weights_shape, const int8_t* weights, const int32_t* bias,
                              const Shape& output_shape, int8_t* output) {
  using Element = typename Form::Element;
  const int out_depth = weights_shape.dim(0);
  const int64_t k = weights_shape.dim(1);
  const int64_t batches = output_shape.FlatSize() / out_depth;
  const int32_t offset = params.quant.input_offset;
  Requantizer requantize(params.quant, 0, out_depth);
  if (!requantize.Valid()) return {};
  auto gemm = std::make_shared<RequantizedGemm<Form>>(
      out_depth, k, [weights, k](int64_t o, int64_t kk) { return weights[o * k + kk]; }, offset, bias,
      std::move(requantize));
  const int64_t chunk = ChunkRows(gemm->a_stride() * static_cast<int64_t>(sizeof(Element)));
  return [gemm, k, batches, chunk, offset, input, output, out_depth] {
    const int64_t a_stride = gemm->a_stride();
    Element* rows = Scratch<Element, 1>(chunk * a_stride);
    for (int64_t begin = 0; begin < batches; begin += chunk) {
      const int64_t n = std::min(chunk, batches - begin);
      for (int64_t r = 0; r < n; ++r) Form::Convert(input + (begin + r) * k, k, offset, rows + r * a_stride);
      gemm->Run(rows, n, output + begin * out_depth, out_depth);
    }
  };
}

}  // namespace

EvalFn ConvInt8(const ref::ConvParams& params, const Shape& input_shape, const int8_t* input,
                const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                const Shape& output_shape, int8_t* output) {
  if (!Available()) return {};
  if (Uint8Form::Kernel() != nullptr && Uint8Form::Fits(params.quant.input_offset)) {
    return ConvInt8With<Uint8Form>(params, input_shape, input, filter_shape, filter, bias, output_shape, output);
  }
  return ConvInt8With<Int16Form>(params, input_shape, input, filter_shape, filter, bias, output_shape, output);
}

EvalFn ConvFloat(const ref::ConvParams& params, const Shape& input_shape, const float* input,
                 const Shape& filter_shape, const float* filter, const float* bias,
                 const Shape& output_shape, float* output) {
  if (!Available()) return {};
  const ConvGeometry g(params, input_shape, filter_shape, output_shape);
  // The padded copy adds 0 * w where the reference skips a tap, the same
  // only for finite w: other filters keep the reference kernel.
  if (!g.pointwise()) {
    for (int64_t i = 0; i < filter_shape.FlatSize(); ++i) {
      if (!std::isfinite(filter[i])) return {};
    }
  }
  const int64_t k = g.k();
  auto gemms = std::make_shared<std::vector<FloatGemm>>();
  for (int gi = 0; gi < g.groups; ++gi) {
    const float* wg = filter + static_cast<int64_t>(gi) * g.per_group * k;
    gemms->emplace_back(g.per_group, k, [wg, k](int64_t o, int64_t kk) { return wg[o * k + kk]; },
                        bias != nullptr ? bias + gi * g.per_group : nullptr);
  }
  const int64_t chunk = ChunkRows(k * 4);
  const ref::FloatRange range = params.float_range;
  return [gemms, g, k, chunk, range, input, output] {
    // Pointwise convs multiply the input rows as they are; the rest copy
    // windows out of a padded copy of the input.
    const float* padded = nullptr;
    if (!g.pointwise()) {
      float* buffer = Scratch<float>(g.padded.size());
      g.padded.Fill(input, buffer, 0.0f, [&g](const float* src, float* dst) {
        std::copy_n(src, static_cast<int64_t>(g.in_width) * g.in_depth, dst);
      });
      padded = buffer;
    }
    for (int64_t begin = 0; begin < g.rows; begin += chunk) {
      const int64_t n = std::min(chunk, g.rows - begin);
      for (int gi = 0; gi < g.groups; ++gi) {
        const int oc0 = gi * g.per_group;
        const float* a = input + begin * g.in_depth;
        if (padded != nullptr) {
          float* rows = Scratch<float, 1>(chunk * k);
          g.Im2ColPadded(padded, begin, n, gi * g.filter_in_depth, rows, k);
          a = rows;
        }
        (*gemms)[static_cast<size_t>(gi)].Run(a, n, padded != nullptr ? k : g.in_depth,
                                             output + begin * g.out_depth + oc0, g.out_depth, range);
      }
    }
  };
}

EvalFn FullyConnectedInt8(const ref::FullyConnectedParams& params, const Shape& /*input_shape*/,
                          const int8_t* input, const Shape& weights_shape, const int8_t* weights,
                          const int32_t* bias, const Shape& output_shape, int8_t* output) {
  if (!Available()) return {};
  if (Uint8Form::Kernel() != nullptr && Uint8Form::Fits(params.quant.input_offset)) {
    return FullyConnectedInt8With<Uint8Form>(params, input, weights_shape, weights, bias, output_shape, output);
  }
  return FullyConnectedInt8With<Int16Form>(params, input, weights_shape, weights, bias, output_shape, output);
}

EvalFn FullyConnectedFloat(const ref::FullyConnectedParams& params, const Shape& /*input_shape*/,
                           const float* input, const Shape& weights_shape, const float* weights,
                           const float* bias, const Shape& output_shape, float* output) {
  if (!Available()) return {};
  const int64_t out_depth = weights_shape.dim(0);
  const int64_t k = weights_shape.dim(1);
  const int64_t batches = output_shape.FlatSize() / out_depth;
  auto gemm = std::make_shared<FloatGemm>(out_depth, k, [weights, k](int64_t o, int64_t kk) { return weights[o * k + kk]; },
                                          bias);
  const ref::FloatRange range = params.float_range;
  return [gemm, batches, k, out_depth, range, input, output] {
    gemm->Run(input, batches, k, output, out_depth, range);
  };
}

}  // namespace tinyforge::interp::fast
