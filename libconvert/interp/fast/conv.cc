// Fast CONV_2D and FULLY_CONNECTED: im2col (or the input rows themselves)
// through the exact int8 GEMM of int8_gemm.h and the vector
// requantization; float through the packed FMA GEMM of float_gemm.h.
#include "libconvert/interp/fast/fast_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/float_gemm.h"
#include "libconvert/interp/fast/int8_gemm.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {
namespace {

// memcpy of n bytes for the short runs of im2col (a 3x3 window over 3
// channels is three runs of 9 bytes): fixed-size, overlapping moves, where
// a call to memcpy with a variable size cost more than the GEMM did.
inline void CopyRun(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  const auto two = [&](auto size) {
    std::memcpy(d, s, size);
    std::memcpy(d + n - size, s + n - size, size);
  };
  if (n > 64) {
    std::memcpy(d, s, n);
  } else if (n >= 32) {
    two(std::integral_constant<size_t, 32>());
  } else if (n >= 16) {
    two(std::integral_constant<size_t, 16>());
  } else if (n >= 8) {
    two(std::integral_constant<size_t, 8>());
  } else if (n >= 4) {
    two(std::integral_constant<size_t, 4>());
  } else {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  }
}

// The largest block CopyRunBlock copies, and the elements the im2col rows
// and the padded copy they are cut from have past their ends so that a
// block can reach past a run's end (at least that many bytes, whatever the
// element type).
constexpr size_t kRunBlockBytes = 64;
constexpr int64_t kRunSlack = kRunBlockBytes;

// memcpy of a run of n <= 64 bytes as one 16-, 32- or 64-byte block: the
// bytes past n are read from the source's slack or its next values, and
// written over the destination's next values (which im2col writes after
// this run) or its slack. A first conv's three runs of 9 values took more
// time as exact copies than its GEMM did.
inline void CopyRunBlock(void* dst, const void* src, size_t n) {
  if (n <= 16) {
    std::memcpy(dst, src, 16);
  } else if (n <= 32) {
    std::memcpy(dst, src, 32);
  } else {
    std::memcpy(dst, src, 64);
  }
}

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
  // im2col row. (A folded PAD can add rows and columns after the data, so
  // the output must also be the input's size.)
  bool pointwise() const {
    return filter_height == 1 && filter_width == 1 && stride_h == 1 && stride_w == 1 && pad_h == 0 &&
           pad_w == 0 && filter_in_depth == in_depth && out_height == in_height && out_width == in_width;
  }

  // Whether each filter row of a window is one run of memory in the padded
  // image: filter_width * in_depth values, filter rows `RunPitch()` apart.
  bool runs() const { return dilation_w == 1 && filter_in_depth == in_depth; }
  int64_t RunPitch() const { return static_cast<int64_t>(dilation_h) * padded.width * in_depth; }

  // fn(r, origin) for the output pixels begin + r, r < n (over all
  // batches): where the pixel's window starts in the padded image, group
  // channels from channel_begin.
  // (The geometry is copied to locals: fn's stores of int8 values may
  // alias this object's fields, which the compiler would otherwise reload
  // after each one.)
  template <typename T, typename Fn>
  void ForEachWindow(const T* image, int64_t begin, int64_t n, int channel_begin, Fn fn) const {
    const int64_t hp = padded.height, wp = padded.width, c = in_depth, sh = stride_h, sw = stride_w;
    const int height = out_height, width = out_width;
    const int64_t pixels = static_cast<int64_t>(height) * width;
    int64_t b = begin / pixels;
    int oy = static_cast<int>(begin % pixels / width), ox = static_cast<int>(begin % width);
    for (int64_t r = 0; r < n; ++r) {
      fn(r, image + ((b * hp + oy * sh) * wp + ox * sw) * c + channel_begin);
      if (++ox == width) {
        ox = 0;
        if (++oy == height) oy = 0, ++b;
      }
    }
  }

  // The k values of output pixels [begin, begin + n) (over all batches),
  // group channels [channel_begin, +filter_in_depth), copied from the padded
  // image into rows dst + r * dst_stride. Both buffers have kRunSlack
  // elements past their ends; what lands past a row's k values is garbage,
  // where the GEMM's packed weights are zero.
  template <typename T>
  void Im2ColPadded(const T* image, int64_t begin, int64_t n, int channel_begin, T* dst, int64_t dst_stride) const {
    // Locals, as in ForEachWindow.
    const int64_t c = in_depth, fc = filter_in_depth, pitch = RunPitch(), column_step = int64_t{dilation_w} * c;
    const int fh = filter_height, fw = filter_width;
    const int64_t run = int64_t{fw} * c;
    const size_t run_bytes = static_cast<size_t>(run) * sizeof(T);
    const bool runs = this->runs();
    // Rows are written in order, so a block's spill past its run lands on
    // values written after it.
    const bool blocks = runs && run_bytes <= kRunBlockBytes;
    ForEachWindow(image, begin, n, channel_begin, [&](int64_t r, const T* origin) {
      T* d = dst + r * dst_stride;
      for (int ky = 0; ky < fh; ++ky) {
        const T* row = origin + ky * pitch;
        if (blocks) {
          CopyRunBlock(d + ky * run, row, run_bytes);
          continue;
        }
        if (runs) {
          CopyRun(d + ky * run, row, run_bytes);
          continue;
        }
        for (int kx = 0; kx < fw; ++kx) {
          CopyRun(d + (int64_t{ky} * fw + kx) * fc, row + kx * column_step, static_cast<size_t>(fc) * sizeof(T));
        }
      }
    });
  }
};

// Rows of activations per pass through an int8 or float GEMM: they stay in
// L2 while every block of output channels reads them. (Rows of no values,
// which a hostile FC with k = 0 has, count as one byte.)
int64_t ChunkRows(int64_t row_bytes) {
  return std::max<int64_t>(12, 2 * kGemmChunkBytes / std::max<int64_t>(row_bytes, 1) / 12 * 12);
}

// The steps in rows a split into tasks keeps to: whole tiles of the kernel.
// int8: 8-row tiles.
constexpr int64_t kInt8RowStep = 24;

// A float GEMM's chunks (ChunkRows's) and steps: for the AVX2 kernel its
// 6- and 12-row tiles (chunks in multiples of 12 are also what keeps its
// results the same on any thread count, see GemmTasks); for the AVX-512
// kernel, where it runs (weights streamed, or windows read in place), its
// 7-row tiles, whose leftover rows would stream the weights once more in
// narrower tiles.
struct FloatSplit {
  int64_t max_chunk, step;
};
FloatSplit FloatSplitOf(const FloatGemm& gemm, bool windows) {
  const int64_t rows = ChunkRows(gemm.k() * 4);
  if (!gemm.streams_weights() && !windows) return {rows, 24};
  constexpr int64_t kStep = 28;
  return {(rows + kStep - 1) / kStep * kStep, kStep};
}

// A conv-like op's GEMMs as tasks: each group's rows in chunks, times parts
// of its output-channel blocks. Every output element is computed the same
// way whichever task computes it (the AVX-512 float kernel sums every row
// alike; for the AVX2 one, chunks are multiples of 12 rows, so its leftover
// single rows are the matrix's last ones for any chunk), so the split, which
// depends on the thread count, does not change the results.
struct GemmTasks {
  int64_t groups, rows, chunk, chunks, blocks, parts;

  // max_chunk: ChunkRows's, the most rows that stay in L2; step: the
  // kernel's (kInt8RowStep, FloatSplit).
  GemmTasks(int64_t groups_, int64_t rows_, int64_t max_chunk, int64_t blocks_, const ThreadPool* pool, int64_t step)
      : groups(groups_), rows(rows_), chunk(max_chunk), chunks((rows_ + max_chunk - 1) / max_chunk), blocks(blocks_),
        parts(1) {
    if (pool == nullptr || groups * chunks == 0) return;  // one thread, or nothing to split
    // Enough tasks to keep every thread busy to the end: about four each.
    // Rows first, in smaller chunks of whole steps (one step at least): a
    // task with part of the blocks runs narrower tiles (MobileNetV2's 1x1
    // convs with 24 or 32 outputs scaled 1.5x on two threads split that way).
    const int64_t wanted = 4 * int64_t{pool->threads()};
    if (groups * chunks < wanted) {
      const int64_t per_group = (wanted + groups - 1) / groups;
      const int64_t even = ((rows + per_group - 1) / per_group + step - 1) / step * step;
      chunk = std::clamp(even, std::min(step, max_chunk), max_chunk);
      chunks = (rows + chunk - 1) / chunk;
    }
    // Then the blocks, keeping two or more per part where there are.
    parts = std::clamp<int64_t>((wanted + groups * chunks - 1) / (groups * chunks), 1, std::max<int64_t>(1, blocks / 2));
  }

  // Calls task(group, first row, rows, first block, end block) for each task.
  template <typename Task>
  void Run(ThreadPool* pool, Task task) const {
    ParallelFor(pool, groups * chunks * parts, [&](int64_t t) {
      const int64_t part = t % parts, c = t / parts % chunks, group = t / parts / chunks;
      const int64_t begin = c * chunk;
      task(static_cast<int>(group), begin, std::min(chunk, rows - begin), part * blocks / parts,
           (part + 1) * blocks / parts);
    });
  }
};

// The padded copy of a conv's input, its rows made in parallel bands.
template <typename S, typename T, typename Convert>
const T* FillPadded(const PaddedLayout& padded, const S* input, T pad, Convert convert, ThreadPool* pool) {
  T* buffer = Scratch<T>(padded.size() + kRunSlack);
  constexpr int kBand = 8;  // rows per task
  const int64_t bands = (padded.height + kBand - 1) / kBand;
  const int64_t image = static_cast<int64_t>(padded.height) * padded.width * padded.stride;
  ParallelFor(pool, padded.batches * bands, [&](int64_t t) {
    const int b = static_cast<int>(t / bands), r0 = static_cast<int>(t % bands) * kBand;
    const int r1 = std::min(padded.height, r0 + kBand);
    padded.FillRows(input, b, r0, r1, buffer + b * image + static_cast<int64_t>(r0) * padded.width * padded.stride,
                    pad, convert);
  });
  return buffer;
}

template <typename Form>
EvalFn ConvInt8With(const ref::ConvParams& params, const Shape& input_shape, const int8_t* input,
                    const Shape& filter_shape, const int8_t* filter, const int32_t* bias, const Shape& output_shape,
                    int8_t* output, ThreadPool* pool) {
  using Element = typename Form::Element;
  const ConvGeometry g(params, input_shape, filter_shape, output_shape);
  if (!g.pointwise() && !g.padded.Worthwhile()) return {};
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
  const GemmTasks tasks(g.groups, g.rows, ChunkRows(a_stride * static_cast<int64_t>(sizeof(Element))),
                        gemms->front().blocks(), pool, kInt8RowStep);
  return [gemms, g, offset, a_stride, tasks, input, output, pool] {
    // Pointwise convs convert their input rows in place of an im2col; the
    // rest copy windows out of a padded copy of the input.
    const Element* padded = nullptr;
    if (!g.pointwise()) {
      padded = FillPadded(g.padded, input, Form::PadValue(offset), [&g, offset](const int8_t* src, Element* dst) {
        Form::Convert(src, static_cast<int64_t>(g.in_width) * g.in_depth, offset, dst);
      }, pool);
    }
    tasks.Run(pool, [&](int gi, int64_t begin, int64_t n, int64_t b0, int64_t b1) {
      Element* rows = Scratch<Element, 1>(tasks.chunk * a_stride + kRunSlack);
      if (padded != nullptr) {
        g.Im2ColPadded(padded, begin, n, gi * g.filter_in_depth, rows, a_stride);
      } else if (a_stride == g.in_depth) {
        Form::Convert(input + begin * g.in_depth, n * g.in_depth, offset, rows);
      } else {
        for (int64_t r = 0; r < n; ++r) {
          Form::Convert(input + (begin + r) * g.in_depth, g.in_depth, offset, rows + r * a_stride);
        }
      }
      (*gemms)[static_cast<size_t>(gi)].Run(rows, n, output + begin * g.out_depth + gi * g.per_group, g.out_depth, b0, b1);
    });
  };
}

template <typename Form>
EvalFn FullyConnectedInt8With(const ref::FullyConnectedParams& params, const int8_t* input,
                              const Shape& weights_shape, const int8_t* weights, const int32_t* bias,
                              const Shape& output_shape, int8_t* output, ThreadPool* pool) {
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
  const GemmTasks tasks(1, batches, ChunkRows(gemm->a_stride() * static_cast<int64_t>(sizeof(Element))), gemm->blocks(),
                        pool, kInt8RowStep);
  return [gemm, k, tasks, offset, input, output, out_depth, pool] {
    const int64_t a_stride = gemm->a_stride();
    tasks.Run(pool, [&](int, int64_t begin, int64_t n, int64_t b0, int64_t b1) {
      Element* rows = Scratch<Element, 1>(tasks.chunk * a_stride);
      for (int64_t r = 0; r < n; ++r) Form::Convert(input + (begin + r) * k, k, offset, rows + r * a_stride);
      gemm->Run(rows, n, output + begin * out_depth, out_depth, b0, b1);
    });
  };
}

}  // namespace

EvalFn ConvInt8(const ref::ConvParams& params, const Shape& input_shape, const int8_t* input,
                const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                const Shape& output_shape, int8_t* output, ThreadPool* pool) {
  if (!Available()) return {};
  if (Uint8Form::Usable(params.quant.input_offset)) {
    return ConvInt8With<Uint8Form>(params, input_shape, input, filter_shape, filter, bias, output_shape, output, pool);
  }
  if (!Int16Holds(params.quant.input_offset)) return {};
  return ConvInt8With<Int16Form>(params, input_shape, input, filter_shape, filter, bias, output_shape, output, pool);
}

EvalFn ConvFloat(const ref::ConvParams& params, const Shape& input_shape, const float* input,
                 const Shape& filter_shape, const float* filter, const float* bias,
                 const Shape& output_shape, float* output, ThreadPool* pool) {
  if (!Available()) return {};
  const ConvGeometry g(params, input_shape, filter_shape, output_shape);
  if (!g.pointwise() && !g.padded.Worthwhile()) return {};
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
  // Windows whose filter rows are runs of the padded image are read there
  // in place (IGEMM) where the kernels can; the im2col copy of MobileNetV2
  // float's first conv cost about a third of its time.
  const bool in_place = !g.pointwise() && g.runs() && gemms->front().has_windows();
  const FloatSplit split = FloatSplitOf(gemms->front(), in_place);
  const GemmTasks tasks(g.groups, g.rows, split.max_chunk, gemms->front().blocks(), pool, split.step);
  const ref::FloatRange range = params.float_range;
  return [gemms, g, k, tasks, range, in_place, input, output, pool] {
    // Pointwise convs multiply the input rows as they are; the rest read
    // windows of a padded copy of the input, in place or copied out.
    const float* padded = nullptr;
    if (!g.pointwise()) {
      padded = FillPadded(g.padded, input, 0.0f, [&g](const float* src, float* dst) {
        std::copy_n(src, static_cast<int64_t>(g.in_width) * g.in_depth, dst);
      }, pool);
    }
    tasks.Run(pool, [&](int gi, int64_t begin, int64_t n, int64_t b0, int64_t b1) {
      float* out = output + begin * g.out_depth + gi * g.per_group;
      if (in_place) {
        const float** windows = Scratch<const float*>(n);
        g.ForEachWindow(padded, begin, n, gi * g.filter_in_depth,
                        [windows](int64_t r, const float* origin) { windows[r] = origin; });
        (*gemms)[static_cast<size_t>(gi)].RunWindows(windows, n, g.filter_height,
                                                     static_cast<int64_t>(g.filter_width) * g.in_depth, g.RunPitch(),
                                                     out, g.out_depth, range, b0, b1);
        return;
      }
      const float* a = input + begin * g.in_depth;
      if (padded != nullptr) {
        float* rows = Scratch<float, 1>(tasks.chunk * k + kRunSlack);
        g.Im2ColPadded(padded, begin, n, gi * g.filter_in_depth, rows, k);
        a = rows;
      }
      (*gemms)[static_cast<size_t>(gi)].Run(a, n, padded != nullptr ? k : g.in_depth, out, g.out_depth, range, b0, b1);
    });
  };
}

EvalFn FullyConnectedInt8(const ref::FullyConnectedParams& params, const Shape& /*input_shape*/,
                          const int8_t* input, const Shape& weights_shape, const int8_t* weights,
                          const int32_t* bias, const Shape& output_shape, int8_t* output, ThreadPool* pool) {
  if (!Available()) return {};
  if (Uint8Form::Usable(params.quant.input_offset)) {
    return FullyConnectedInt8With<Uint8Form>(params, input, weights_shape, weights, bias, output_shape, output, pool);
  }
  if (!Int16Holds(params.quant.input_offset)) return {};
  return FullyConnectedInt8With<Int16Form>(params, input, weights_shape, weights, bias, output_shape, output, pool);
}

EvalFn FullyConnectedFloat(const ref::FullyConnectedParams& params, const Shape& /*input_shape*/,
                           const float* input, const Shape& weights_shape, const float* weights,
                           const float* bias, const Shape& output_shape, float* output, ThreadPool* pool) {
  if (!Available()) return {};
  const int64_t out_depth = weights_shape.dim(0);
  const int64_t k = weights_shape.dim(1);
  const int64_t batches = output_shape.FlatSize() / out_depth;
  auto gemm = std::make_shared<FloatGemm>(out_depth, k, [weights, k](int64_t o, int64_t kk) { return weights[o * k + kk]; },
                                          bias);
  const FloatSplit split = FloatSplitOf(*gemm, false);
  const GemmTasks tasks(1, batches, split.max_chunk, gemm->blocks(), pool, split.step);
  const ref::FloatRange range = params.float_range;
  return [gemm, tasks, k, out_depth, range, input, output, pool] {
    tasks.Run(pool, [&](int, int64_t begin, int64_t n, int64_t b0, int64_t b1) {
      gemm->Run(input + begin * k, n, k, output + begin * out_depth, out_depth, range, b0, b1);
    });
  };
}

}  // namespace tinyforge::interp::fast
