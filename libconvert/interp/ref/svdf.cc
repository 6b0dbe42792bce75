#include "libconvert/interp/ref/svdf.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

std::string DimsString(const Shape& s) {
  std::ostringstream out;
  out << '[';
  for (int i = 0; i < s.rank(); ++i) out << (i ? ", " : "") << s.dim(i);
  out << ']';
  return out.str();
}

[[noreturn]] void Fail(const std::string& what) { throw Error("SVDF: " + what); }

// int32 arithmetic that wraps on overflow, as TFLM's accumulators do in
// practice, without undefined behaviour.
inline int32_t Wrap32(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

// Shifts every filter's memory left by one (the whole buffer moves by one
// element; each filter's newest slot is overwritten next).
template <typename T>
void ShiftState(const SvdfSize& s, T* state) {
  const size_t n = static_cast<size_t>(s.batch) * s.num_filters * s.memory_size;
  for (size_t i = 0; i + 1 < n; ++i) state[i] = state[i + 1];
}

float ActivationValFloat(int activation, float a) {
  switch (activation) {
    case 0: return a;                                    // NONE
    case 1: return std::fmax(0.0f, a);                   // RELU
    case 2: return std::fmax(-1.0f, std::fmin(a, 1.0f));  // RELU_N1_TO_1
    case 3: return std::fmax(0.0f, std::fmin(a, 6.0f));   // RELU6
    case 4: return std::tanh(a);                         // TANH
    case 5: return std::signbit(a) ? 1.0f : 0.0f;        // SIGN_BIT
    default: return 0.0f;                                // as TFLM for unknown values
  }
}

template <typename T>
void SvdfInteger(const SvdfQuantParams& p, const int8_t* input, const int8_t* weights_feature,
                 const T* weights_time, const int32_t* bias, T* state, int32_t* scratch,
                 int8_t* output) {
  const SvdfSize& s = p.size;
  const size_t memory = static_cast<size_t>(s.memory_size);
  ShiftState(s, state);

  // Feature matmul into each filter's newest slot, in the state's
  // quantization (saturated to T before the zero point is added; TFLM stores
  // the sum with a plain conversion to T).
  const int32_t state_min = std::numeric_limits<T>::min();
  const int32_t state_max = std::numeric_limits<T>::max();
  for (int b = 0; b < s.batch; ++b) {
    const int8_t* x = input + static_cast<size_t>(b) * s.input_size;
    T* newest = state + static_cast<size_t>(b) * s.num_filters * memory + (memory - 1);
    for (int f = 0; f < s.num_filters; ++f) {
      const int8_t* w = weights_feature + static_cast<size_t>(f) * s.input_size;
      int64_t dot = 0;
      for (int c = 0; c < s.input_size; ++c) {
        dot += static_cast<int32_t>(w[c]) * (static_cast<int32_t>(x[c]) - p.input_zero_point);
      }
      int32_t v = MultiplyByQuantizedMultiplier(Wrap32(dot), p.feature_multiplier);
      v = Clamp(v, state_min, state_max);
      newest[static_cast<size_t>(f) * memory] = static_cast<T>(p.state_zero_point + v);
    }
  }

  // Time: per filter, the dot product of its memory with its time weights.
  int32_t* filter_sums = scratch;
  int32_t* unit_sums = scratch + static_cast<size_t>(s.batch) * s.num_filters;
  for (int b = 0; b < s.batch; ++b) {
    const T* st = state + static_cast<size_t>(b) * s.num_filters * memory;
    for (int f = 0; f < s.num_filters; ++f) {
      const T* w = weights_time + static_cast<size_t>(f) * memory;
      const T* m = st + static_cast<size_t>(f) * memory;
      int64_t acc = 0;
      for (size_t j = 0; j < memory; ++j) {
        acc += static_cast<int64_t>(w[j]) * (static_cast<int32_t>(m[j]) - p.state_zero_point);
      }
      filter_sums[static_cast<size_t>(b) * s.num_filters + f] = Wrap32(acc);
    }
  }

  // Bias, reduction over rank, rescale to the output.
  for (int b = 0; b < s.batch; ++b) {
    const int32_t* fs = filter_sums + static_cast<size_t>(b) * s.num_filters;
    for (int u = 0; u < s.num_units; ++u) {
      int64_t sum = bias ? bias[u] : 0;
      for (int r = 0; r < s.rank; ++r) sum = Wrap32(sum + fs[u * s.rank + r]);
      unit_sums[static_cast<size_t>(b) * s.num_units + u] = Wrap32(sum);
    }
  }
  const size_t n = static_cast<size_t>(s.batch) * s.num_units;
  for (size_t i = 0; i < n; ++i) {
    const int32_t y = MultiplyByQuantizedMultiplier(unit_sums[i], p.output_multiplier) + p.output_zero_point;
    output[i] = static_cast<int8_t>(Clamp(y, -128, 127));
  }
}

}  // namespace

SvdfSize PrepareSvdfSize(int rank, const Shape& input, const Shape& weights_feature,
                         const Shape& weights_time, const Shape* bias, const Shape& activation_state,
                         const Shape& output) {
  if (input.rank() != 2) Fail("the input must be [batch, input_size], got " + DimsString(input) + ".");
  if (weights_feature.rank() != 2) Fail("the feature weights must have rank 2, got " + DimsString(weights_feature) + ".");
  if (weights_time.rank() != 2) Fail("the time weights must have rank 2, got " + DimsString(weights_time) + ".");
  SvdfSize s;
  s.batch = input.dim(0);
  s.input_size = input.dim(1);
  s.num_filters = weights_feature.dim(0);
  s.rank = rank;
  s.memory_size = weights_time.dim(1);
  if (rank <= 0 || s.num_filters % rank != 0) {
    Fail("rank " + std::to_string(rank) + " must be positive and divide the number of filters (" +
         std::to_string(s.num_filters) + ").");
  }
  s.num_units = s.num_filters / rank;
  if (weights_feature.dim(1) != s.input_size) {
    Fail("the feature weights " + DimsString(weights_feature) + " must have input_size (" +
         std::to_string(s.input_size) + ") columns.");
  }
  if (weights_time.dim(0) != s.num_filters) {
    Fail("the time weights " + DimsString(weights_time) + " must have one row per filter (" +
         std::to_string(s.num_filters) + ").");
  }
  if (s.memory_size <= 0) Fail("the memory size (time weights' columns) must be positive.");
  if (bias && (bias->rank() != 1 || bias->dim(0) != s.num_units)) {
    Fail("the bias " + DimsString(*bias) + " must be [" + std::to_string(s.num_units) + "].");
  }
  // In 64 bits: a hostile memory size times the filters overflows int.
  const int64_t state_columns = static_cast<int64_t>(s.memory_size) * s.num_filters;
  if (activation_state.rank() != 2 || activation_state.dim(0) != s.batch ||
      activation_state.dim(1) != state_columns) {
    Fail("the activation state is " + DimsString(activation_state) + ", expected [" +
         std::to_string(s.batch) + ", " + std::to_string(state_columns) + "].");
  }
  if (output != Shape{s.batch, s.num_units}) {
    Fail("the output is " + DimsString(output) + ", expected [" + std::to_string(s.batch) + ", " +
         std::to_string(s.num_units) + "].");
  }
  return s;
}

void SvdfFloat(const SvdfSize& s, int activation, const float* input, const float* weights_feature,
               const float* weights_time, const float* bias, float* state, float* scratch,
               float* output) {
  const size_t memory = static_cast<size_t>(s.memory_size);
  ShiftState(s, state);
  for (int b = 0; b < s.batch; ++b) {
    const float* x = input + static_cast<size_t>(b) * s.input_size;
    float* newest = state + static_cast<size_t>(b) * s.num_filters * memory + (memory - 1);
    for (int f = 0; f < s.num_filters; ++f) {
      const float* w = weights_feature + static_cast<size_t>(f) * s.input_size;
      float dot = 0.0f;
      for (int c = 0; c < s.input_size; ++c) dot += w[c] * x[c];
      newest[static_cast<size_t>(f) * memory] = dot;
    }
  }
  for (int b = 0; b < s.batch; ++b) {
    const float* st = state + static_cast<size_t>(b) * s.num_filters * memory;
    for (int f = 0; f < s.num_filters; ++f) {
      const float* w = weights_time + static_cast<size_t>(f) * memory;
      const float* m = st + static_cast<size_t>(f) * memory;
      float acc = 0.0f;
      for (size_t j = 0; j < memory; ++j) acc += w[j] * m[j];
      scratch[static_cast<size_t>(b) * s.num_filters + f] = acc;
    }
  }
  for (int b = 0; b < s.batch; ++b) {
    const float* fs = scratch + static_cast<size_t>(b) * s.num_filters;
    float* out = output + static_cast<size_t>(b) * s.num_units;
    for (int u = 0; u < s.num_units; ++u) {
      float sum = bias ? bias[u] : 0.0f;
      for (int r = 0; r < s.rank; ++r) sum += fs[u * s.rank + r];
      out[u] = ActivationValFloat(activation, sum);
    }
  }
}

SvdfQuantParams PrepareSvdfQuantized(const SvdfSize& size, float input_scale, int32_t input_zero_point,
                                     float feature_scale, float time_scale, float state_scale,
                                     int32_t state_zero_point, const float* bias_scale,
                                     float output_scale, int32_t output_zero_point) {
  for (float scale : {input_scale, feature_scale, time_scale, state_scale, output_scale}) {
    if (!(scale > 0.0f) || !std::isfinite(scale)) {
      std::ostringstream out;
      out << "scales must be positive and finite, got input " << input_scale << ", feature weights "
          << feature_scale << ", time weights " << time_scale << ", state " << state_scale
          << ", output " << output_scale << ".";
      Fail(out.str());
    }
  }
  const float state_time_scale = state_scale * time_scale;
  if (bias_scale && !(std::abs(static_cast<double>(*bias_scale) - static_cast<double>(state_time_scale)) < 1e-5)) {
    std::ostringstream out;
    out << "the bias scale " << *bias_scale << " must equal state scale x time weight scale ("
        << state_time_scale << ") within 1e-5.";
    Fail(out.str());
  }
  SvdfQuantParams p;
  p.size = size;
  p.input_zero_point = input_zero_point;
  p.state_zero_point = state_zero_point;
  p.output_zero_point = output_zero_point;
  // Float arithmetic throughout, widened at the end (TFLM's PrepareSvdf).
  const float scale_1 = input_scale * feature_scale / state_scale;
  const float scale_2 = state_scale * time_scale / output_scale;
  p.feature_multiplier = QuantizeMultiplier(static_cast<double>(scale_1));
  p.output_multiplier = QuantizeMultiplier(static_cast<double>(scale_2));
  return p;
}

void SvdfInt8State(const SvdfQuantParams& params, const int8_t* input, const int8_t* weights_feature,
                   const int8_t* weights_time, const int32_t* bias, int8_t* activation_state,
                   int32_t* scratch, int8_t* output) {
  SvdfInteger(params, input, weights_feature, weights_time, bias, activation_state, scratch, output);
}

void SvdfInt16State(const SvdfQuantParams& params, const int8_t* input, const int8_t* weights_feature,
                    const int16_t* weights_time, const int32_t* bias, int16_t* activation_state,
                    int32_t* scratch, int8_t* output) {
  SvdfInteger(params, input, weights_feature, weights_time, bias, activation_state, scratch, output);
}

}  // namespace tinyforge::ref
