#include "prune/bias_correction.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "libconvert/base/error.h"
#include "libconvert/interp/batch.h"
#include "libconvert/interp/ref/padding.h"
#include "libconvert/compare/metrics.h"

namespace tinyforge::prune {
namespace {

// Where a layer's filter taps fall on its input: everything needed to
// accumulate the mean input each tap sees.
struct LayerGeometry {
  size_t op_index = 0;
  tflite::BuiltinOperator op = tflite::BuiltinOperator_CONV_2D;
  int input = -1;   // input tensor
  int weight = -1;  // weight tensor
  int bias = -1;    // bias tensor
  // CONV_2D / DEPTHWISE_CONV_2D: NHWC input, kernel kh x kw.
  int32_t batch = 1, in_h = 1, in_w = 1, in_c = 1;
  int32_t kh = 1, kw = 1, out_h = 1, out_w = 1;
  int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int32_t pad_h = 0, pad_w = 0;
  int32_t out_c = 1;
  int32_t multiplier = 1;  // depthwise
  // Size of the tap-mean table: kh * kw * in_c (conv), or in_c (FC rows).
  size_t taps() const { return static_cast<size_t>(kh) * kw * in_c; }
  // Positions summed per sample for each tap.
  double positions() const { return static_cast<double>(batch) * out_h * out_w; }
};

// Empty when the layer can be described (and, with `need_bias`, has a bias
// to correct), else why not.
std::string Describe(const Model& model, const WeightRef& ref, LayerGeometry* geo, bool need_bias = true) {
  if (ref.subgraph != 0) return "not in subgraph 0 (the one the interpreter runs)";
  const auto& op = *model.subgraph(0).operators[ref.op_index];
  geo->op_index = ref.op_index;
  geo->op = ref.op;
  if (ref.op != tflite::BuiltinOperator_CONV_2D && ref.op != tflite::BuiltinOperator_DEPTHWISE_CONV_2D &&
      ref.op != tflite::BuiltinOperator_FULLY_CONNECTED) {
    return "bias correction handles CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED";
  }
  const bool has_bias = op.inputs.size() >= 3 && op.inputs[2] >= 0 && model.IsConstant(model.tensor(0, op.inputs[2]));
  if (need_bias && !has_bias) return "no constant bias to correct";
  geo->input = op.inputs[0];
  geo->weight = op.inputs[1];
  geo->bias = has_bias ? op.inputs[2] : -1;
  const auto& in = model.tensor(0, geo->input).shape;
  const auto& w = model.tensor(0, geo->weight).shape;
  const tflite::TensorType wtype = model.tensor(0, geo->weight).type;
  const tflite::TensorType want = wtype == tflite::TensorType_INT8 ? tflite::TensorType_INT32 : tflite::TensorType_FLOAT32;
  if (need_bias && model.tensor(0, geo->bias).type != want) {
    return "bias type " + TypeName(model.tensor(0, geo->bias).type) + " (expected " + TypeName(want) + ")";
  }
  if (wtype == tflite::TensorType_INT8) {
    const auto& q = model.tensor(0, geo->input).quantization;
    if (!q || q->scale.empty()) return "INT8 weights with an unquantized input";
  }
  if (ref.op == tflite::BuiltinOperator_FULLY_CONNECTED) {
    if (w.size() != 2) return "weights are not 2-D";
    geo->in_c = w[1];
    geo->out_c = w[0];
    const int64_t n = ElementCount(in);
    if (geo->in_c <= 0 || n % geo->in_c != 0) return "input size is not a multiple of the weights' columns";
    geo->batch = static_cast<int32_t>(n / geo->in_c);
    return {};
  }
  if (in.size() != 4 || w.size() != 4) return "input or filter is not 4-D";
  const auto& out = model.tensor(0, op.outputs.at(0)).shape;
  if (out.size() != 4) return "output is not 4-D";
  geo->batch = in[0];
  geo->in_h = in[1];
  geo->in_w = in[2];
  geo->in_c = in[3];
  geo->kh = w[1];
  geo->kw = w[2];
  ref::Padding padding = ref::Padding::kSame;
  if (ref.op == tflite::BuiltinOperator_CONV_2D) {
    const auto* o = op.builtin_options.AsConv2DOptions();
    if (o == nullptr) return "missing Conv2DOptions";
    if (w[3] != in[3]) return "grouped convolution";
    geo->out_c = w[0];
    geo->stride_h = o->stride_h;
    geo->stride_w = o->stride_w;
    geo->dilation_h = o->dilation_h_factor;
    geo->dilation_w = o->dilation_w_factor;
    padding = o->padding == tflite::Padding_VALID ? ref::Padding::kValid : ref::Padding::kSame;
  } else {
    const auto* o = op.builtin_options.AsDepthwiseConv2DOptions();
    if (o == nullptr) return "missing DepthwiseConv2DOptions";
    geo->out_c = w[3];
    if (geo->in_c <= 0 || geo->out_c % geo->in_c != 0) return "output channels are not a multiple of input channels";
    geo->multiplier = geo->out_c / geo->in_c;
    geo->stride_h = o->stride_h;
    geo->stride_w = o->stride_w;
    geo->dilation_h = o->dilation_h_factor;
    geo->dilation_w = o->dilation_w_factor;
    padding = o->padding == tflite::Padding_VALID ? ref::Padding::kValid : ref::Padding::kSame;
  }
  const ref::WindowGeometry g = ref::ComputePaddingHeightWidth(geo->stride_h, geo->stride_w, geo->dilation_h,
                                                               geo->dilation_w, geo->in_h, geo->in_w, geo->kh,
                                                               geo->kw, padding);
  geo->out_h = g.out_height;
  geo->out_w = g.out_width;
  geo->pad_h = g.padding.height;
  geo->pad_w = g.padding.width;
  return {};
}

// Adds to sums[tap] the input values tap `tap` sees over every output
// position of one sample (NHWC real values).
void AccumulateTaps(const LayerGeometry& g, const std::vector<float>& x, double* sums) {
  if (g.op == tflite::BuiltinOperator_FULLY_CONNECTED) {
    for (int32_t r = 0; r < g.batch; ++r) {
      const float* row = x.data() + static_cast<size_t>(r) * g.in_c;
      for (int32_t i = 0; i < g.in_c; ++i) sums[i] += row[i];
    }
    return;
  }
  for (int32_t b = 0; b < g.batch; ++b) {
    for (int32_t ky = 0; ky < g.kh; ++ky) {
      for (int32_t kx = 0; kx < g.kw; ++kx) {
        double* tap = sums + (static_cast<size_t>(ky) * g.kw + kx) * g.in_c;
        for (int32_t oy = 0; oy < g.out_h; ++oy) {
          const int32_t iy = oy * g.stride_h - g.pad_h + ky * g.dilation_h;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int32_t ox = 0; ox < g.out_w; ++ox) {
            const int32_t ix = ox * g.stride_w - g.pad_w + kx * g.dilation_w;
            if (ix < 0 || ix >= g.in_w) continue;
            const float* px = x.data() + ((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c;
            for (int32_t i = 0; i < g.in_c; ++i) tap[i] += px[i];
          }
        }
      }
    }
  }
}

// Mean input per tap of each layer over the calibration samples, measured
// in one pass of `model`. Samples are summed in sample order whatever the
// thread count: each chunk keeps one row of sums per sample.
std::vector<std::vector<double>> MeasureTapMeans(const Model& model, const std::vector<LayerGeometry>& layers,
                                                 const std::vector<DatasetView>& calibration, int threads) {
  std::map<size_t, size_t> by_op;  // operator index -> layer
  size_t width = 0;
  std::vector<size_t> offset;
  for (size_t l = 0; l < layers.size(); ++l) {
    by_op[layers[l].op_index] = l;
    offset.push_back(width);
    width += layers[l].taps();
  }
  const size_t samples = calibration.at(0).num_samples();
  std::vector<double> total(width, 0.0);
  constexpr size_t kChunk = 128;
  std::vector<double> rows;
  for (size_t begin = 0; begin < samples; begin += kChunk) {
    const size_t count = std::min(kChunk, samples - begin);
    rows.assign(count * width, 0.0);
    std::vector<std::vector<float>> scratch(static_cast<size_t>(interp::WorkerCount(threads, count)));
    interp::ForEachSample(model, count, threads, [&](interp::Interpreter& in, size_t s, int w) {
      for (size_t k = 0; k < calibration.size(); ++k) {
        std::memcpy(in.input(k).data, calibration[k].sample(begin + s), in.input(k).bytes);
      }
      double* row = rows.data() + s * width;
      std::vector<float>& x = scratch[static_cast<size_t>(w)];
      in.SetObserver([&](const interp::OpEvent& e) {
        const auto it = by_op.find(e.op_index);
        if (it == by_op.end()) return;
        const LayerGeometry& g = layers[it->second];
        RealValues(in.tensor(g.input), x);
        AccumulateTaps(g, x, row + offset[it->second]);
      });
      in.Invoke();
      in.SetObserver({});
    });
    for (size_t s = 0; s < count; ++s) {
      for (size_t i = 0; i < width; ++i) total[i] += rows[s * width + i];
    }
  }
  std::vector<std::vector<double>> means(layers.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    const double n = layers[l].positions() * static_cast<double>(samples);
    means[l].assign(total.begin() + static_cast<std::ptrdiff_t>(offset[l]),
                    total.begin() + static_cast<std::ptrdiff_t>(offset[l] + layers[l].taps()));
    for (double& m : means[l]) m /= n;
  }
  return means;
}

// Mean pre-activation output per channel without the bias: sum W * M.
std::vector<double> MeanProducts(const LayerGeometry& g, const std::vector<float>& w, const std::vector<double>& m) {
  std::vector<double> out(static_cast<size_t>(g.out_c), 0.0);
  if (g.op == tflite::BuiltinOperator_DEPTHWISE_CONV_2D) {
    // Filter [1, kh, kw, out]; output c reads input channel c / multiplier.
    for (int32_t t = 0; t < g.kh * g.kw; ++t) {
      for (int32_t c = 0; c < g.out_c; ++c) {
        out[static_cast<size_t>(c)] += static_cast<double>(w[static_cast<size_t>(t) * g.out_c + c]) *
                                       m[static_cast<size_t>(t) * g.in_c + c / g.multiplier];
      }
    }
    return out;
  }
  // CONV_2D [out, kh, kw, in] and FULLY_CONNECTED [out, in]: row c against M.
  const size_t taps = g.taps();
  for (int32_t c = 0; c < g.out_c; ++c) {
    double sum = 0;
    const float* row = w.data() + static_cast<size_t>(c) * taps;
    for (size_t i = 0; i < taps; ++i) sum += static_cast<double>(row[i]) * m[i];
    out[static_cast<size_t>(c)] = sum;
  }
  return out;
}

// Adds `delta` (real units, per output channel) to the bias of layer `g`.
void ShiftBias(Model& model, const LayerGeometry& g, const std::vector<double>& delta) {
  const tflite::TensorT& bias = model.tensor(0, g.bias);
  if (bias.type == tflite::TensorType_FLOAT32) {
    Span<float> b = model.MutableConstantValues<float>(0, g.bias);
    for (size_t c = 0; c < b.size() && c < delta.size(); ++c) b[c] = static_cast<float>(b[c] + delta[c]);
    return;
  }
  // int32 bias of an int8 layer: scale[c] = input scale * weight scale[c].
  const auto& wq = *model.tensor(0, g.weight).quantization;
  const float in_scale = model.tensor(0, g.input).quantization->scale[0];
  Span<int32_t> b = model.MutableConstantValues<int32_t>(0, g.bias);
  for (size_t c = 0; c < b.size() && c < delta.size(); ++c) {
    const double w_scale = wq.scale.size() > 1 ? wq.scale.at(c) : wq.scale.at(0);
    const double q = std::round(delta[c] / (static_cast<double>(in_scale) * w_scale)) + b[c];
    b[c] = static_cast<int32_t>(std::clamp<double>(q, std::numeric_limits<int32_t>::min(),
                                                   std::numeric_limits<int32_t>::max()));
  }
}

}  // namespace

std::vector<std::vector<double>> MeanWeightInputs(const Model& model, const std::vector<WeightRef>& layers,
                                                  const std::vector<DatasetView>& calibration, int threads) {
  std::vector<LayerGeometry> geos;
  std::vector<size_t> which;
  for (size_t l = 0; l < layers.size(); ++l) {
    LayerGeometry g;
    if (Describe(model, layers[l], &g, /*need_bias=*/false).empty() &&
        g.op != tflite::BuiltinOperator_DEPTHWISE_CONV_2D) {
      geos.push_back(g);
      which.push_back(l);
    }
  }
  std::vector<std::vector<double>> out(layers.size());
  if (geos.empty() || calibration.empty()) return out;
  std::vector<std::vector<double>> means = MeasureTapMeans(model, geos, calibration, threads);
  for (size_t k = 0; k < geos.size(); ++k) out[which[k]] = std::move(means[k]);
  return out;
}

std::vector<double> CorrectBiases(const Model& original, Model& pruned, const std::vector<WeightRef>& layers,
                                  const std::vector<DatasetView>& calibration, int threads,
                                  std::vector<SkippedLayer>& skipped) {
  const auto& inputs = original.subgraph(0).inputs;
  if (calibration.size() != inputs.size()) {
    throw Error("--calib: the model has " + std::to_string(inputs.size()) + " inputs, but " +
                std::to_string(calibration.size()) + " calibration arrays were given");
  }
  for (const DatasetView& v : calibration) {
    if (v.num_samples() == 0) throw Error(v.array_name() + ": no calibration samples");
    v.CheckFinite();
  }
  std::vector<double> shifts(layers.size(), 0.0);
  std::vector<LayerGeometry> geos;
  std::vector<size_t> which;  // index into `layers` of each geometry
  for (size_t l = 0; l < layers.size(); ++l) {
    LayerGeometry g;
    const std::string why = Describe(original, layers[l], &g);
    if (!why.empty()) {
      const auto& op = *original.subgraph(layers[l].subgraph).operators[layers[l].op_index];
      skipped.push_back({layers[l].subgraph, layers[l].op_index, original.OpName(op),
                         original.tensor(layers[l].subgraph, layers[l].tensor).name, "bias-correct", why});
      continue;
    }
    geos.push_back(g);
    which.push_back(l);
  }
  if (geos.empty()) return shifts;
  const std::vector<std::vector<double>> m0 = MeasureTapMeans(original, geos, calibration, threads);
  for (size_t k = 0; k < geos.size(); ++k) {
    const LayerGeometry& g = geos[k];
    const std::vector<double> m1 = MeasureTapMeans(pruned, {g}, calibration, threads)[0];
    const std::vector<double> before = MeanProducts(g, RealWeights(original, original.tensor(0, g.weight)), m0[k]);
    const std::vector<double> after = MeanProducts(g, RealWeights(pruned, pruned.tensor(0, g.weight)), m1);
    std::vector<double> delta(before.size());
    double largest = 0;
    for (size_t c = 0; c < delta.size(); ++c) {
      delta[c] = before[c] - after[c];
      largest = std::max(largest, std::fabs(delta[c]));
    }
    ShiftBias(pruned, g, delta);
    shifts[which[k]] = largest;
  }
  return shifts;
}

}  // namespace tinyforge::prune
