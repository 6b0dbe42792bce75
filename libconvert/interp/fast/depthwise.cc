// Fast DEPTHWISE_CONV_2D, int8 and float, over padded copies of the input rows.
#include "libconvert/interp/fast/fast_kernels.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/avx512_kernels.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {
namespace {

// Calls rows(b, y_begin, y_end) over every output row of every batch, in
// ranges spread over `pool` (each output row is made the same way in any
// range).
template <typename Rows>
void ForEachRowRange(int batches, int out_height, ThreadPool* pool, Rows rows) {
  const int parts = pool == nullptr ? 1 : std::min(out_height, 2 * pool->threads());
  ParallelFor(pool, static_cast<int64_t>(batches) * parts, [&](int64_t t) {
    const int b = static_cast<int>(t / parts), part = static_cast<int>(t % parts);
    rows(b, part * out_height / parts, (part + 1) * out_height / parts);
  });
}

// What both depthwise kernels set up: a padded copy of the input holding
// each channel depth-multiplier times (so output channel c reads lane c),
// in blocks of `block_width` lanes, and each tap's offset into it in
// (ky, kx) order.
struct DepthwisePlan {
  int depth, multiplier, block_width, blocks, taps, out_height, out_width;
  int stride_height, reach;  // input rows between output rows; rows one output row reads
  int filter_height;
  PaddedLayout padded;
  std::vector<int64_t> tap_offsets;
  int64_t x_step;  // elements between output pixels

  DepthwisePlan(const ref::DepthwiseConvParams& p, const Shape& input, const Shape& filter, const Shape& output,
                int width)
      : depth(output.dim(3)), multiplier(p.depth_multiplier), block_width(width),
        blocks((depth + width - 1) / width), taps(filter.dim(1) * filter.dim(2)), out_height(output.dim(1)),
        out_width(output.dim(2)), stride_height(p.stride_height),
        reach(WindowSpanInt(filter.dim(1), p.dilation_height)), filter_height(filter.dim(1)),
        padded(input, blocks * width, output, filter.dim(1), filter.dim(2), p.stride_height, p.stride_width,
               p.dilation_height, p.dilation_width, p.padding.height, p.padding.width),
        x_step(static_cast<int64_t>(p.stride_width) * padded.stride) {
    const int fw = filter.dim(2);
    for (int t = 0; t < taps; ++t) {
      tap_offsets.push_back((static_cast<int64_t>(t / fw) * p.dilation_height * padded.width +
                             static_cast<int64_t>(t % fw) * p.dilation_width) *
                            padded.stride);
    }
  }

  // Output rows per band of ForEachRow, for padded values of `value_bytes`:
  // as many as keep the band's padded rows near kBandBytes, at least one.
  int Band(int64_t value_bytes) const {
    constexpr int64_t kBandBytes = 128 * 1024;
    const int64_t row_bytes = static_cast<int64_t>(padded.width) * padded.stride * value_bytes;
    return static_cast<int>(std::clamp<int64_t>(kBandBytes / (row_bytes * stride_height), 1, out_height));
  }

  // Whether the padded copy is worth making (PaddedLayout::Worthwhile) and
  // the bands fill rows in proportion to the taps. Each band fills the
  // `reach` rows its windows span; a dilation far beyond the filter makes
  // that thousands of rows, mostly ones no tap reads, filled again band
  // after band: work the reference, which visits only the taps, skips. Up
  // to 16 rows per output row and filter row (a dilation of about 16 with
  // one-row bands) stays fast: then filling costs less than the taps' MACs.
  bool Worthwhile(int64_t value_bytes) const {
    if (out_height <= 0 || !padded.Worthwhile()) return false;
    const int band = Band(value_bytes);
    const int64_t bands = (out_height + band - 1) / band;
    const int64_t filled = bands * ((band - 1) * int64_t{stride_height} + reach);
    return filled <= 16 * int64_t{out_height} * filter_height + 4 * int64_t{padded.height} + 64;
  }

  // Calls row(origin, b, y) for every output row, origin being where its
  // first pixel's window starts in the padded input, the rows split over
  // `pool`. The padded rows are made (FillRows with pad and convert) a band
  // of output rows at a time, so the copy stays in L2 instead of the whole
  // image going through memory.
  template <typename S, typename T, typename Convert, typename Row>
  void ForEachRow(const S* input, T pad, Convert convert, Row row, ThreadPool* pool) const {
    const int64_t row_size = static_cast<int64_t>(padded.width) * padded.stride;
    const int band = Band(sizeof(T));
    ForEachRowRange(padded.batches, out_height, pool, [&](int b, int y_begin, int y_end) {
      T* rows = Scratch<T>(((band - 1) * static_cast<int64_t>(stride_height) + reach) * row_size);
      for (int y0 = y_begin; y0 < y_end; y0 += band) {
        const int y1 = std::min(y_end, y0 + band);
        const int first = y0 * stride_height;
        padded.FillRows(input, b, first, (y1 - 1) * stride_height + reach, rows, pad, convert);
        for (int y = y0; y < y1; ++y) row(rows + (y * stride_height - first) * row_size, b, y);
      }
    });
  }
};

}  // namespace

EvalFn DepthwiseConvInt8(const ref::DepthwiseConvParams& params, const Shape& input_shape,
                         const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                         const int32_t* bias, const Shape& output_shape, int8_t* output, ThreadPool* pool) {
  if (!Available() || !Int16Holds(params.quant.input_offset)) return {};
  struct State {
    DepthwisePlan plan;
    std::vector<int64_t> pair_offsets;  // the taps, an odd last one repeated
    CacheAlignedVector<int16_t> filter;
    std::vector<int32_t> bias;  // every lane of the blocks, zeros past the depth
    Requantizer requantize;
  };
  const int depth = output_shape.dim(3);
  // Blocks of 32 channels on AVX-512 when there are more than 16 and they
  // pad the depth no further than blocks of 16 do (144 channels: 9 blocks of
  // 16 rather than 160 lanes of 32).
  const bool wide_fits = depth > 16 && (depth % 32 == 0 || depth % 32 > 16);
  const DepthwiseRowInt8Fn wide = wide_fits ? ChosenAvx512Kernels().depthwise_row : nullptr;
  const int width = wide != nullptr ? 32 : depth <= 8 ? 8 : 16;
  // Blocks of 8 or 16: AVX-512 when the CPU has it, 4 or 2 pixels per register.
  const DepthwiseRowNarrowInt8Fn avx512_narrow = ChosenAvx512Kernels().depthwise_row_narrow;
  const DepthwiseRowNarrowInt8Fn narrow = avx512_narrow != nullptr ? avx512_narrow : &avx2::DepthwisePaddedRowInt8;
  auto s = std::make_shared<State>(
      State{DepthwisePlan(params, input_shape, filter_shape, output_shape, width), {}, {}, {},
            Requantizer(params.quant)});
  if (!s->requantize.Valid() || !s->plan.Worthwhile(sizeof(int16_t))) return {};
  const DepthwisePlan& plan = s->plan;
  const int pairs = (plan.taps + 1) / 2;
  s->pair_offsets = plan.tap_offsets;
  if (plan.taps % 2 == 1) s->pair_offsets.push_back(plan.tap_offsets.back());
  s->filter.resize(static_cast<size_t>(plan.blocks) * pairs * 2 * plan.block_width);
  avx2::PackDepthwiseFilter(filter, plan.taps, depth, plan.block_width, plan.blocks, s->filter.data());
  s->bias.assign(static_cast<size_t>((plan.padded.stride + 15) / 16 * 16), 0);
  if (bias != nullptr) std::copy_n(bias, depth, s->bias.begin());
  const int32_t offset = params.quant.input_offset;
  // The AVX-512 kernels' bounded requantization, where the accumulators allow it.
  s->requantize.UseBounds(bias, plan.taps, [&](int c, int64_t t) { return filter[t * depth + c]; }, offset);
  return [s, offset, pairs, wide, narrow, input, output, pool] {
    const DepthwisePlan& plan = s->plan;
    const PaddedLayout& p = plan.padded;
    const auto convert = [&p, &plan, offset](const int8_t* src, int16_t* dst) {
      avx2::Int8ToInt16Pixels(src, p.in_width, p.depth, offset, plan.multiplier, p.stride, dst);
    };
    const int64_t out_row = static_cast<int64_t>(plan.out_width) * plan.depth;
    const avx2::RequantParams q = s->requantize.Params();
    plan.ForEachRow(input, int16_t{0}, convert, [&](const int16_t* row, int b, int y) {
      int8_t* out = output + (static_cast<int64_t>(b) * plan.out_height + y) * out_row;
      if (wide != nullptr) {
        wide(row, plan.x_step, plan.out_width, s->pair_offsets.data(), pairs, s->filter.data(), plan.blocks,
             s->bias.data(), q, plan.depth, out);
      } else {
        narrow(row, plan.x_step, plan.out_width, s->pair_offsets.data(), pairs, s->filter.data(), plan.block_width,
               plan.blocks, s->bias.data(), q, plan.depth, out);
      }
    }, pool);
  };
}

namespace {

// Float depthwise convs with depth multiplier 1: FMA over padded input
// rows made as the output rows reach them, bias and clamp fused.
EvalFn DepthwiseConvFloatDirect(const ref::DepthwiseConvParams& params, const Shape& input_shape,
                                const float* input, const Shape& filter_shape, const float* filter,
                                const float* bias, const Shape& output_shape, float* output, ThreadPool* pool) {
  const int channels = output_shape.dim(3), kh = filter_shape.dim(1), kw = filter_shape.dim(2);
  struct State {
    avx2::DepthwiseRowGeometry row;
    PaddedLayout padded;
    int out_height, stride_h, dilation_h, reach;
    std::vector<float> packed;  // per block of channels: the biases, then taps x the weights
    DepthwiseRowFloatFn row_kernel;
  };
  auto s = std::make_shared<State>(State{
      {channels, output_shape.dim(2), kh, kw, params.stride_width, params.dilation_width},
      PaddedLayout(input_shape, channels, output_shape, kh, kw, params.stride_height, params.stride_width,
                   params.dilation_height, params.dilation_width, params.padding.height, params.padding.width),
      output_shape.dim(1), params.stride_height, params.dilation_height, WindowSpanInt(kh, params.dilation_height), {},
      nullptr});
  if (!s->padded.Worthwhile()) return {};
  // Blocks of 16 channels on AVX-512 where they divide the channels, else
  // of 8.
  const DepthwiseRowFloatFn wide = channels % 16 == 0 ? ChosenAvx512Kernels().depthwise_row_float : nullptr;
  const int width = wide != nullptr ? 16 : 8;
  const int taps = kh * kw, blocks = (channels + width - 1) / width;
  s->row_kernel = wide != nullptr ? wide : avx2::DepthwiseRowFloat;
  s->packed.assign(static_cast<size_t>(blocks) * (taps + 1) * width, 0.0f);
  for (int c = 0; c < channels; ++c) {
    float* block = s->packed.data() + static_cast<int64_t>(c / width) * (taps + 1) * width + c % width;
    block[0] = bias != nullptr ? bias[c] : 0.0f;
    for (int t = 0; t < taps; ++t) block[(t + 1) * width] = filter[static_cast<int64_t>(t) * channels + c];
  }
  const ref::FloatRange range = params.float_range;
  return [s, range, input, output, pool] {
    const avx2::DepthwiseRowGeometry& g = s->row;
    const PaddedLayout& p = s->padded;
    const int64_t row_values = static_cast<int64_t>(p.in_width) * p.depth;
    const auto copy = [row_values](const float* src, float* dst) { std::copy_n(src, row_values, dst); };
    const int64_t out_row = static_cast<int64_t>(g.out_width) * g.channels;
    ForEachRowRange(p.batches, s->out_height, pool, [&](int b, int y_begin, int y_end) {
      PaddedRowRing<float> ring(p, s->reach);
      const float** rows = Scratch<const float*>(g.kh);
      for (int y = y_begin; y < y_end; ++y) {
        for (int ky = 0; ky < g.kh; ++ky) rows[ky] = ring.Row(input, b, y * s->stride_h + ky * s->dilation_h, 0.0f, copy);
        s->row_kernel(g, rows, s->packed.data(), output + (static_cast<int64_t>(b) * s->out_height + y) * out_row,
                      range.min, range.max);
      }
    });
  };
}

// Float depthwise convs with a depth multiplier above 1, over the padded
// copy, in the reference's summation order (its bits).
EvalFn DepthwiseConvFloatPadded(const ref::DepthwiseConvParams& params, const Shape& input_shape,
                                const float* input, const Shape& filter_shape, const float* filter,
                                const float* bias, const Shape& output_shape, float* output, ThreadPool* pool) {
  // Its padding's 0 * w terms (finite w) keep the reference's bits: a sum
  // that starts at +0 never becomes -0, so adding +-0 changes nothing.
  struct State {
    DepthwisePlan plan;
    std::vector<float> filter;  // [tap][padded.stride], zero past the depth
  };
  auto s = std::make_shared<State>(State{DepthwisePlan(params, input_shape, filter_shape, output_shape, 8), {}});
  if (!s->plan.Worthwhile(sizeof(float))) return {};
  const DepthwisePlan& plan = s->plan;
  const int64_t stride = plan.padded.stride;
  s->filter.assign(static_cast<size_t>(plan.taps * stride), 0.0f);
  for (int t = 0; t < plan.taps; ++t) {
    std::copy_n(filter + static_cast<int64_t>(t) * plan.depth, plan.depth, s->filter.begin() + t * stride);
  }
  const ref::FloatRange range = params.float_range;
  return [s, range, input, bias, output, pool] {
    const DepthwisePlan& plan = s->plan;
    const PaddedLayout& p = plan.padded;
    const auto convert = [&p, &plan](const float* src, float* dst) {
      for (int x = 0; x < p.in_width; ++x, dst += p.stride) {
        float* d = dst;
        for (int c = 0; c < p.depth; ++c, d += plan.multiplier) std::fill_n(d, plan.multiplier, *src++);
        std::fill(d, dst + p.stride, 0.0f);
      }
    };
    const int64_t out_row = static_cast<int64_t>(plan.out_width) * plan.depth;
    plan.ForEachRow(input, 0.0f, convert, [&](const float* row, int b, int y) {
      float* acc = Scratch<float, 2>(static_cast<int64_t>(plan.out_width) * p.stride);
      avx2::DepthwisePaddedRowFloat(row, plan.x_step, plan.out_width, plan.tap_offsets.data(), plan.taps,
                                    s->filter.data(), plan.blocks, acc);
      float* out = output + (static_cast<int64_t>(b) * plan.out_height + y) * out_row;
      for (int x = 0; x < plan.out_width; ++x) {
        const float* a = acc + x * p.stride;
        for (int c = 0; c < plan.depth; ++c) {
          *out++ = ref::ApplyFloatRange(a[c] + (bias != nullptr ? bias[c] : 0.0f), range);
        }
      }
    }, pool);
  };
}

}  // namespace

EvalFn DepthwiseConvFloat(const ref::DepthwiseConvParams& params, const Shape& input_shape,
                          const float* input, const Shape& filter_shape, const float* filter,
                          const float* bias, const Shape& output_shape, float* output, ThreadPool* pool) {
  if (!Available()) return {};
  // The padding adds 0 * w where the reference skips the tap: the same sum
  // unless some w is infinite or NaN; such filters keep the reference
  // kernel.
  const int64_t filter_size = filter_shape.FlatSize();
  for (int64_t i = 0; i < filter_size; ++i) {
    if (!std::isfinite(filter[i])) return {};
  }
  if (params.depth_multiplier == 1) {
    return DepthwiseConvFloatDirect(params, input_shape, input, filter_shape, filter, bias, output_shape, output, pool);
  }
  return DepthwiseConvFloatPadded(params, input_shape, input, filter_shape, filter, bias, output_shape, output, pool);
}

}  // namespace tinyforge::interp::fast
