#include "libconvert/interp/fast/fast_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/cpu.h"
#include "libconvert/interp/fast/int8_gemm.h"

namespace tinyforge::interp::fast {
namespace {

using ref::Shape;

// One growing buffer per thread and type for the padded copies of conv
// inputs: its size is the largest padded input, not the sum over layers.
template <typename T>
T* Scratch(int64_t n) {
  thread_local std::vector<T> buffer;
  if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}


// An NHWC input with a window op's zero padding made explicit: pad_h rows
// before row 0, pad_w columns before column 0, and as many after as the last
// windows reach; each pixel's channels at a stride of `stride` >= depth, the
// lanes past depth zero. Window reads then need no bounds checks.
struct PaddedLayout {
  int batches, in_height, in_width, depth, stride, pad_h, pad_w, height, width;

  PaddedLayout(const Shape& in, int channel_stride, const Shape& out, int filter_h, int filter_w, int stride_h,
               int stride_w, int dilation_h, int dilation_w, int pad_top, int pad_left)
      : batches(in.dim(0)), in_height(in.dim(1)), in_width(in.dim(2)), depth(in.dim(3)), stride(channel_stride),
        pad_h(pad_top), pad_w(pad_left),
        height(pad_top + std::max(in_height, (out.dim(1) - 1) * stride_h - pad_top + (filter_h - 1) * dilation_h + 1)),
        width(pad_left + std::max(in_width, (out.dim(2) - 1) * stride_w - pad_left + (filter_w - 1) * dilation_w + 1)) {}

  int64_t size() const { return static_cast<int64_t>(batches) * height * width * stride; }

  // Fills `padded` (size() elements): convert(src, dst) turns one input row
  // (in_width * depth values) into in_width pixels of `stride` values each;
  // the padding rows and columns hold `pad`.
  template <typename S, typename T, typename Convert>
  void Fill(const S* input, T* padded, T pad, Convert convert) const {
    const int64_t row_size = static_cast<int64_t>(width) * stride;
    for (int64_t b = 0; b < batches; ++b) {
      T* image = padded + b * height * row_size;
      std::fill(image, image + pad_h * row_size, pad);
      std::fill(image + (pad_h + in_height) * row_size, image + height * row_size, pad);
      for (int64_t y = 0; y < in_height; ++y) {
        T* row = image + (y + pad_h) * row_size;
        std::fill(row, row + pad_w * stride, pad);
        std::fill(row + (pad_w + in_width) * stride, row + row_size, pad);
        convert(input + (b * in_height + y) * in_width * depth, row + pad_w * stride);
      }
    }
  }
};

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

// Per-channel requantization data in the form avx2::RequantizeInt8 reads.
class Requantizer {
 public:
  explicit Requantizer(const ref::ConvQuantParams& q)
      : multiplier_(q.output_multiplier), offset_(q.output_offset), min_(q.activation_min), max_(q.activation_max) {
    for (int32_t shift : q.output_shift) {
      left_.push_back(shift > 0 ? shift : 0);
      right_.push_back(shift > 0 ? 0 : -shift);
    }
  }
  // The SIMD form holds for multipliers >= 0 and right shifts <= 31, which
  // QuantizeMultiplier always gives; anything else uses the reference.
  bool Valid() const {
    for (size_t c = 0; c < multiplier_.size(); ++c) {
      if (multiplier_[c] < 0 || right_[c] > 31 || left_[c] > 31) return false;
    }
    return true;
  }
  // out[r * out_stride + o] for channels [first, first + n) of `rows` rows
  // of accumulators; bias (may be null) starts at channel `first`.
  void RunRows(const int32_t* acc, int64_t acc_stride, int64_t rows, const int32_t* bias, int first, int64_t n,
               int8_t* out, int64_t out_stride) const {
    avx2::RequantizeRowsInt8(Params(first), acc, acc_stride, rows, bias, n, out, out_stride);
  }

 private:
  avx2::RequantParams Params(int first) const {
    const size_t f = static_cast<size_t>(first);
    return {multiplier_.data() + f, left_.data() + f, right_.data() + f, offset_, min_, max_};
  }

  std::vector<int32_t> multiplier_, left_, right_;
  int32_t offset_, min_, max_;
};

// Shared state of an int8 conv-like closure: a GEMM per group.
template <typename Form>
struct Int8ConvState {
  std::vector<ChunkedGemm<Form>> groups;
  Requantizer requantize;
};

bool uint8_gemm_overridden = false;
GemmUint8Fn uint8_gemm_override = nullptr;

}  // namespace

bool Available() { return Cpu().avx2_fma; }

GemmUint8Fn Uint8Form::Kernel() {
  if (uint8_gemm_overridden) return uint8_gemm_override;
  return Cpu().avx512_vnni ? &avx512::GemmUint8 : nullptr;
}

void OverrideUint8GemmForTesting(bool override, GemmUint8Fn kernel) {
  uint8_gemm_overridden = override;
  uint8_gemm_override = kernel;
}

namespace {

template <typename Form>
EvalFn ConvInt8With(const ref::ConvParams& params, const Shape& input_shape, const int8_t* input,
                    const Shape& filter_shape, const int8_t* filter, const int32_t* bias, const Shape& output_shape,
                    int8_t* output) {
  using Element = typename Form::Element;
  const ConvGeometry g(params, input_shape, filter_shape, output_shape);
  const int64_t k = g.k();
  const int32_t offset = params.quant.input_offset;
  auto state = std::make_shared<Int8ConvState<Form>>(Int8ConvState<Form>{{}, Requantizer(params.quant)});
  if (!state->requantize.Valid()) return {};
  for (int gi = 0; gi < g.groups; ++gi) {
    const int8_t* wg = filter + static_cast<int64_t>(gi) * g.per_group * k;
    const int32_t* bg = bias != nullptr ? bias + gi * g.per_group : nullptr;
    state->groups.emplace_back(g.per_group, k, [wg, k](int64_t o, int64_t kk) { return wg[o * k + kk]; }, offset, bg);
  }
  return [state, g, offset, input, output] {
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
    for (int gi = 0; gi < g.groups; ++gi) {
      const int oc0 = gi * g.per_group;
      ChunkedGemm<Form>& gemm = state->groups[static_cast<size_t>(gi)];
      gemm.Run(
          g.rows,
          [&](int64_t begin, int64_t n, Element* dst, int64_t stride) {
            if (padded != nullptr) {
              g.Im2ColPadded(padded, begin, n, gi * g.filter_in_depth, dst, stride);
            } else if (stride == g.in_depth) {
              Form::Convert(input + begin * g.in_depth, n * g.in_depth, offset, dst);
            } else {
              for (int64_t r = 0; r < n; ++r) {
                Form::Convert(input + (begin + r) * g.in_depth, g.in_depth, offset, dst + r * stride);
              }
            }
          },
          [&](int64_t begin, int64_t n, const int32_t* acc, int64_t acc_stride) {
            state->requantize.RunRows(acc, acc_stride, n, gemm.bias(), oc0, g.per_group,
                                      output + begin * g.out_depth + oc0, g.out_depth);
          });
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
  auto state = std::make_shared<Int8ConvState<Form>>(Int8ConvState<Form>{{}, Requantizer(params.quant)});
  if (!state->requantize.Valid()) return {};
  state->groups.emplace_back(out_depth, k, [weights, k](int64_t o, int64_t kk) { return weights[o * k + kk]; },
                             offset, bias);
  return [state, k, batches, offset, input, output, out_depth] {
    ChunkedGemm<Form>& gemm = state->groups[0];
    gemm.Run(
        batches,
        [&](int64_t begin, int64_t n, Element* dst, int64_t stride) {
          for (int64_t r = 0; r < n; ++r) Form::Convert(input + (begin + r) * k, k, offset, dst + r * stride);
        },
        [&](int64_t begin, int64_t n, const int32_t* acc, int64_t acc_stride) {
          state->requantize.RunRows(acc, acc_stride, n, gemm.bias(), 0, out_depth, output + begin * out_depth,
                                    out_depth);
        });
  };
}

}  // namespace

EvalFn ConvInt8(const ref::ConvParams& params, const Shape& input_shape, const int8_t* input,
                const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                const Shape& output_shape, int8_t* output) {
  if (!Available()) return {};
  if (Uint8Form::Kernel() != nullptr) {
    return ConvInt8With<Uint8Form>(params, input_shape, input, filter_shape, filter, bias, output_shape, output);
  }
  return ConvInt8With<Int16Form>(params, input_shape, input, filter_shape, filter, bias, output_shape, output);
}

EvalFn ConvFloat(const ref::ConvParams& params, const Shape& input_shape, const float* input,
                 const Shape& filter_shape, const float* filter, const float* bias,
                 const Shape& output_shape, float* output) {
  if (!Available()) return {};
  const ConvGeometry g(params, input_shape, filter_shape, output_shape);
  const int64_t k = g.k();
  const int64_t chunk = std::max<int64_t>(8, kGemmChunkBytes / ((k + g.per_group) * 4));
  struct Buffers {
    std::vector<float> a, c;
  };
  auto s = std::make_shared<Buffers>();
  s->a.resize(static_cast<size_t>(chunk * k));
  s->c.resize(static_cast<size_t>(chunk * g.per_group));
  const ref::FloatRange range = params.float_range;
  return [s, g, k, chunk, range, input, filter, bias, output] {
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
    const int per_group = g.per_group;
    for (int gi = 0; gi < g.groups; ++gi) {
      const int oc0 = gi * per_group;
      for (int64_t begin = 0; begin < g.rows; begin += chunk) {
        const int64_t n = std::min(chunk, g.rows - begin);
        const float* a = input + begin * k;
        if (padded != nullptr) {
          g.Im2ColPadded(padded, begin, n, gi * g.filter_in_depth, s->a.data(), k);
          a = s->a.data();
        }
        avx2::GemmFloat(a, n, k, filter + oc0 * k, per_group, s->c.data());
        for (int64_t r = 0; r < n; ++r) {
          float* y = output + (begin + r) * g.out_depth + oc0;
          const float* c = s->c.data() + r * per_group;
          for (int o = 0; o < per_group; ++o) {
            y[o] = ref::ApplyFloatRange(c[o] + (bias != nullptr ? bias[oc0 + o] : 0.0f), range);
          }
        }
      }
    }
  };
}

namespace {

// What both depthwise kernels set up: a padded copy of the input holding
// each channel depth-multiplier times (so output channel c reads lane c),
// in blocks of `block_width` lanes, and each tap's offset into it in
// (ky, kx) order.
struct DepthwisePlan {
  int depth, multiplier, block_width, blocks, taps, out_height, out_width;
  PaddedLayout padded;
  std::vector<int64_t> tap_offsets;
  int64_t x_step, row_step;  // elements between output pixels, output rows

  DepthwisePlan(const ref::DepthwiseConvParams& p, const Shape& input, const Shape& filter, const Shape& output,
                int width)
      : depth(output.dim(3)), multiplier(p.depth_multiplier), block_width(width),
        blocks((depth + width - 1) / width), taps(filter.dim(1) * filter.dim(2)), out_height(output.dim(1)),
        out_width(output.dim(2)),
        padded(input, blocks * width, output, filter.dim(1), filter.dim(2), p.stride_height, p.stride_width,
               p.dilation_height, p.dilation_width, p.padding.height, p.padding.width),
        x_step(static_cast<int64_t>(p.stride_width) * padded.stride),
        row_step(static_cast<int64_t>(p.stride_height) * padded.width * padded.stride) {
    const int fw = filter.dim(2);
    for (int t = 0; t < taps; ++t) {
      tap_offsets.push_back((static_cast<int64_t>(t / fw) * p.dilation_height * padded.width +
                             static_cast<int64_t>(t % fw) * p.dilation_width) *
                            padded.stride);
    }
  }

  // Calls row(origin, b, y) for every output row: origin is where its
  // first pixel's window starts in the padded image.
  template <typename T, typename Row>
  void ForEachRow(const T* image, Row row) const {
    for (int b = 0; b < padded.batches; ++b) {
      const T* batch = image + static_cast<int64_t>(b) * padded.height * padded.width * padded.stride;
      for (int y = 0; y < out_height; ++y) row(batch + y * row_step, b, y);
    }
  }
};

}  // namespace

EvalFn DepthwiseConvInt8(const ref::DepthwiseConvParams& params, const Shape& input_shape,
                         const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                         const int32_t* bias, const Shape& output_shape, int8_t* output) {
  if (!Available()) return {};
  struct State {
    DepthwisePlan plan;
    std::vector<int64_t> pair_offsets;  // the taps, an odd last one repeated
    std::vector<int16_t> filter;
    std::vector<int32_t> acc;
    Requantizer requantize;
  };
  const int depth = output_shape.dim(3);
  auto s = std::make_shared<State>(
      State{DepthwisePlan(params, input_shape, filter_shape, output_shape, depth <= 8 ? 8 : 16), {}, {}, {},
            Requantizer(params.quant)});
  if (!s->requantize.Valid()) return {};
  const DepthwisePlan& plan = s->plan;
  const int pairs = (plan.taps + 1) / 2;
  s->pair_offsets = plan.tap_offsets;
  if (plan.taps % 2 == 1) s->pair_offsets.push_back(plan.tap_offsets.back());
  s->filter.resize(static_cast<size_t>(plan.blocks) * pairs * 2 * plan.block_width);
  s->acc.resize(static_cast<size_t>(plan.out_width) * plan.padded.stride);
  avx2::PackDepthwiseFilter(filter, plan.taps, depth, plan.block_width, plan.blocks, s->filter.data());
  const int32_t offset = params.quant.input_offset;
  return [s, offset, pairs, input, bias, output] {
    const DepthwisePlan& plan = s->plan;
    const PaddedLayout& p = plan.padded;
    int16_t* image = Scratch<int16_t>(p.size());
    p.Fill(input, image, int16_t{0}, [&p, &plan, offset](const int8_t* src, int16_t* dst) {
      avx2::Int8ToInt16Pixels(src, p.in_width, p.depth, offset, plan.multiplier, p.stride, dst);
    });
    const int64_t out_row = static_cast<int64_t>(plan.out_width) * plan.depth;
    plan.ForEachRow(image, [&](const int16_t* row, int b, int y) {
      avx2::DepthwisePaddedRowInt8(row, plan.x_step, plan.out_width, s->pair_offsets.data(), pairs, s->filter.data(),
                                   plan.block_width, plan.blocks, s->acc.data());
      int8_t* out = output + (static_cast<int64_t>(b) * plan.out_height + y) * out_row;
      s->requantize.RunRows(s->acc.data(), p.stride, plan.out_width, bias, 0, plan.depth, out, plan.depth);
    });
  };
}

EvalFn DepthwiseConvFloat(const ref::DepthwiseConvParams& params, const Shape& input_shape,
                          const float* input, const Shape& filter_shape, const float* filter,
                          const float* bias, const Shape& output_shape, float* output) {
  if (!Available()) return {};
  // The padding adds 0 * w where the reference skips the tap: the same sum
  // (a sum that starts at +0 never becomes -0, so adding +-0 changes
  // nothing) unless some w is infinite or NaN; such filters keep the
  // reference kernel.
  const int64_t filter_size = filter_shape.FlatSize();
  for (int64_t i = 0; i < filter_size; ++i) {
    if (!std::isfinite(filter[i])) return {};
  }
  struct State {
    DepthwisePlan plan;
    std::vector<float> filter;  // [tap][padded.stride], zero past the depth
    std::vector<float> acc;
  };
  auto s = std::make_shared<State>(State{DepthwisePlan(params, input_shape, filter_shape, output_shape, 8), {}, {}});
  const DepthwisePlan& plan = s->plan;
  const int64_t stride = plan.padded.stride;
  s->filter.assign(static_cast<size_t>(plan.taps * stride), 0.0f);
  for (int t = 0; t < plan.taps; ++t) {
    std::copy_n(filter + static_cast<int64_t>(t) * plan.depth, plan.depth, s->filter.begin() + t * stride);
  }
  s->acc.resize(static_cast<size_t>(plan.out_width * stride));
  const ref::FloatRange range = params.float_range;
  return [s, range, input, bias, output] {
    const DepthwisePlan& plan = s->plan;
    const PaddedLayout& p = plan.padded;
    float* image = Scratch<float>(p.size());
    p.Fill(input, image, 0.0f, [&p, &plan](const float* src, float* dst) {
      for (int x = 0; x < p.in_width; ++x, dst += p.stride) {
        float* d = dst;
        for (int c = 0; c < p.depth; ++c, d += plan.multiplier) std::fill_n(d, plan.multiplier, *src++);
        std::fill(d, dst + p.stride, 0.0f);
      }
    });
    const int64_t out_row = static_cast<int64_t>(plan.out_width) * plan.depth;
    plan.ForEachRow(image, [&](const float* row, int b, int y) {
      avx2::DepthwisePaddedRowFloat(row, plan.x_step, plan.out_width, plan.tap_offsets.data(), plan.taps,
                                    s->filter.data(), plan.blocks, s->acc.data());
      float* out = output + (static_cast<int64_t>(b) * plan.out_height + y) * out_row;
      for (int x = 0; x < plan.out_width; ++x) {
        const float* a = s->acc.data() + x * p.stride;
        for (int c = 0; c < plan.depth; ++c) {
          *out++ = ref::ApplyFloatRange(a[c] + (bias != nullptr ? bias[c] : 0.0f), range);
        }
      }
    });
  };
}

EvalFn FullyConnectedInt8(const ref::FullyConnectedParams& params, const Shape& /*input_shape*/,
                          const int8_t* input, const Shape& weights_shape, const int8_t* weights,
                          const int32_t* bias, const Shape& output_shape, int8_t* output) {
  if (!Available()) return {};
  if (Uint8Form::Kernel() != nullptr) {
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
  const ref::FloatRange range = params.float_range;
  return [=] {
    avx2::GemmFloat(input, batches, k, weights, out_depth, output);
    for (int64_t b = 0; b < batches; ++b) {
      float* y = output + b * out_depth;
      for (int64_t o = 0; o < out_depth; ++o) {
        y[o] = ref::ApplyFloatRange(y[o] + (bias != nullptr ? bias[o] : 0.0f), range);
      }
    }
  };
}

namespace {

// Calls matrix(lhs_offset, rhs_offset, output_offset) for each batch entry
// of a BATCH_MATMUL, in output order.
template <typename Fn>
void ForEachBatchMatrix(const ref::BatchMatMulParams& p, Fn matrix) {
  int64_t out = 0;
  for (int64_t b0 = 0; b0 < p.batch_dims[0]; ++b0) {
    for (int64_t b1 = 0; b1 < p.batch_dims[1]; ++b1) {
      for (int64_t b2 = 0; b2 < p.batch_dims[2]; ++b2, out += p.rows * p.cols) {
        const int64_t lo = b0 * p.lhs_batch_strides[0] + b1 * p.lhs_batch_strides[1] + b2 * p.lhs_batch_strides[2];
        const int64_t ro = b0 * p.rhs_batch_strides[0] + b1 * p.rhs_batch_strides[1] + b2 * p.rhs_batch_strides[2];
        matrix(lo, ro, out);
      }
    }
  }
}

}  // namespace

EvalFn BatchMatMulInt8(const ref::BatchMatMulParams& params, const ref::QuantizedBatchMatMulParams& quant,
                       const int8_t* lhs, const int8_t* rhs, int8_t* output) {
  if (!Available()) return {};
  const ref::BatchMatMulParams p = params;
  const ref::QuantizedBatchMatMulParams q = quant;
  // Element strides of lhs along (m, k) and rhs along (k, n).
  const int64_t lhs_m = p.adj_x ? 1 : p.depth, lhs_k = p.adj_x ? p.rows : 1;
  const int64_t rhs_k = p.adj_y ? 1 : p.cols, rhs_n = p.adj_y ? p.depth : 1;
  return [=] {
    ForEachBatchMatrix(p, [&](int64_t lo, int64_t ro, int64_t oo) {
      // Both operands carry zero points, so the weights (rhs - its zero
      // point) need int16: this GEMM stays in Int16Form.
      ChunkedGemm<Int16Form> gemm(
          p.cols, p.depth, [&](int64_t n, int64_t k) { return rhs[ro + k * rhs_k + n * rhs_n] - q.rhs_zero_point; }, 0,
          nullptr);
      gemm.Run(
          p.rows,
          [&](int64_t begin, int64_t n, int16_t* dst, int64_t stride) {
            for (int64_t m = begin; m < begin + n; ++m) {
              for (int64_t k = 0; k < p.depth; ++k) {
                dst[(m - begin) * stride + k] = static_cast<int16_t>(lhs[lo + m * lhs_m + k * lhs_k] - q.lhs_zero_point);
              }
            }
          },
          [&](int64_t begin, int64_t rows, const int32_t* acc, int64_t acc_stride) {
            for (int64_t m = begin; m < begin + rows; ++m) {
              const int32_t* a = acc + (m - begin) * acc_stride;
              int8_t* y = output + oo + m * p.cols;
              for (int64_t n = 0; n < p.cols; ++n) {
                const int32_t v =
                    ref::MultiplyByQuantizedMultiplier(a[n], q.multiplier.multiplier, q.multiplier.shift) +
                    q.output_zero_point;
                y[n] = static_cast<int8_t>(std::min(std::max(v, q.output_min), q.output_max));
              }
            }
          });
    });
  };
}

EvalFn BatchMatMulFloat(const ref::BatchMatMulParams& params, const float* lhs, const float* rhs,
                        float* output) {
  if (!Available()) return {};
  const ref::BatchMatMulParams p = params;
  const int64_t lhs_m = p.adj_x ? 1 : p.depth, lhs_k = p.adj_x ? p.rows : 1;
  const int64_t rhs_k = p.adj_y ? 1 : p.cols, rhs_n = p.adj_y ? p.depth : 1;
  return [=] {
    ForEachBatchMatrix(p, [&](int64_t lo, int64_t ro, int64_t oo) {
      avx2::MatMulFloat(lhs + lo, p.rows, p.depth, lhs_m, lhs_k, rhs + ro, p.cols, rhs_k, rhs_n, output + oo);
    });
  };
}

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

EvalFn AveragePoolInt8(const ref::PoolParams& params, const Shape& input_shape, const int8_t* input,
                       const Shape& output_shape, int8_t* output) {
  if (!Available() || static_cast<int64_t>(params.filter_height) * params.filter_width > 65535) return {};
  const avx2::PoolGeometry g{input_shape.dim(0),     input_shape.dim(1),   input_shape.dim(2),
                             input_shape.dim(3),     output_shape.dim(1),  output_shape.dim(2),
                             params.filter_height,   params.filter_width,  params.stride_height,
                             params.stride_width,    params.padding.height, params.padding.width,
                             params.activation_min, params.activation_max};
  return [g, input, output] { avx2::AveragePoolInt8(g, input, output); };
}

}  // namespace tinyforge::interp::fast
