#include "libconvert/interp/ref/lstm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

const char* const kGateNames[kLstmGateCount] = {"input", "forget", "cell", "output"};

std::string DimsString(const Shape& s) {
  std::ostringstream out;
  out << '[';
  for (int i = 0; i < s.rank(); ++i) out << (i ? ", " : "") << s.dim(i);
  out << ']';
  return out.str();
}

void RequireShape(const Shape& got, const Shape& want, const std::string& role) {
  if (got != want) {
    throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: " + role + " has shape " + DimsString(got) +
                ", expected " + DimsString(want) + ".");
  }
}

// Where one time step reads and writes, in elements.
struct StepSlice {
  int rows;              // batch rows computed together (batch when time-major, else 1)
  size_t input_offset;   // into the input sequence
  size_t output_offset;  // into the output sequence
  size_t state_offset;   // into hidden and cell state
};

// TFLM's step order: time-major runs all batch rows per step; batch-major runs
// each batch row's whole sequence, one row at a time.
template <typename StepFn>
void ForEachStep(const LstmSize& s, StepFn step) {
  const size_t in = static_cast<size_t>(s.input_size);
  const size_t st = static_cast<size_t>(s.state_size);
  const size_t batch = static_cast<size_t>(s.batch);
  if (s.time_major) {
    for (size_t t = 0; t < static_cast<size_t>(s.time_steps); ++t) {
      step(StepSlice{s.batch, t * batch * in, t * batch * st, 0});
    }
  } else {
    for (size_t b = 0; b < batch; ++b) {
      for (size_t t = 0; t < static_cast<size_t>(s.time_steps); ++t) {
        const size_t row = b * static_cast<size_t>(s.time_steps) + t;
        step(StepSlice{1, row * in, row * st, b * st});
      }
    }
  }
}

// --------------------------------------------------------------- float step

// out[r][o] = clamp(sum_d x[r][d] * w[o][d] + bias[o]), summed in d order in
// float, as TFLM's reference FULLY_CONNECTED (no activation: the clamp is to
// the float range).
void FcFloat(int rows, int depth, int units, const float* x, const float* w, const float* bias,
             float* out) {
  const float lo = std::numeric_limits<float>::lowest();
  const float hi = std::numeric_limits<float>::max();
  for (int r = 0; r < rows; ++r) {
    for (int o = 0; o < units; ++o) {
      float total = 0.0f;
      const float* xr = x + static_cast<size_t>(r) * depth;
      const float* wo = w + static_cast<size_t>(o) * depth;
      for (int d = 0; d < depth; ++d) total += xr[d] * wo[d];
      const float b = bias ? bias[o] : 0.0f;
      out[static_cast<size_t>(r) * units + o] = std::min(std::max(total + b, lo), hi);
    }
  }
}

// gate = act(W x + b + R h), act = sigmoid or tanh.
void GateFloat(const LstmSize& s, int rows, const float* x, const float* h,
               const LstmWeights<float, float>& w, int gate, bool tanh_gate, float* out,
               float* fc_buffer) {
  const int n = rows * s.state_size;
  FcFloat(rows, s.input_size, s.state_size, x, w.input_weights[gate], w.bias[gate], out);
  FcFloat(rows, s.state_size, s.state_size, h, w.recurrent_weights[gate], nullptr, fc_buffer);
  for (int i = 0; i < n; ++i) out[i] += fc_buffer[i];
  const Shape shape{n};
  if (tanh_gate) {
    TanhFloat(shape, out, out);
  } else {
    LogisticFloat(shape, out, out);
  }
}

void MulFloat(int n, const float* a, const float* b, float* out) {
  const float lo = std::numeric_limits<float>::lowest();
  const float hi = std::numeric_limits<float>::max();
  for (int i = 0; i < n; ++i) out[i] = std::min(std::max(a[i] * b[i], lo), hi);
}

// ------------------------------------------------------------- integer step

constexpr int32_t kInt16Min = std::numeric_limits<int16_t>::min();
constexpr int32_t kInt16Max = std::numeric_limits<int16_t>::max();

// The int32 accumulator of TFLM's 8x8 kernel wraps on overflow; the int64 one
// of the 16x8 kernel does not overflow for any valid tensor size.
inline int32_t Rescale(int64_t acc, int32_t /*bias_tag*/, QuantizedMultiplier m) {
  const int32_t acc32 = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(acc)));
  return MultiplyByQuantizedMultiplier(acc32, m);
}
inline int32_t Rescale(int64_t acc, int64_t /*bias_tag*/, QuantizedMultiplier m) {
  return MultiplyByQuantizedMultiplier(acc, m.multiplier, m.shift);
}

// TFLM's integer FULLY_CONNECTED into the int16 Q3.12 gate domain: sum of
// w * (x + x_offset) (+ bias), rescaled, output zero point 0, saturated to
// int16.
template <typename In, typename Bias>
void FcQuant(int rows, int depth, int units, const In* x, int32_t x_offset, const int8_t* w,
             const Bias* bias, QuantizedMultiplier m, int16_t* out) {
  for (int r = 0; r < rows; ++r) {
    const In* xr = x + static_cast<size_t>(r) * depth;
    for (int o = 0; o < units; ++o) {
      const int8_t* wo = w + static_cast<size_t>(o) * depth;
      int64_t acc = 0;
      for (int d = 0; d < depth; ++d) {
        acc += static_cast<int64_t>(wo[d]) * (static_cast<int32_t>(xr[d]) + x_offset);
      }
      if (bias) acc += bias[o];
      const int32_t y = Rescale(acc, Bias{0}, m);
      out[static_cast<size_t>(r) * units + o] = static_cast<int16_t>(Clamp(y, kInt16Min, kInt16Max));
    }
  }
}

template <typename In, typename Bias>
void GateQuant(const LstmQuantParams& p, int rows, const In* x, const In* h,
               const LstmWeights<int8_t, Bias>& w, int gate, bool tanh_gate, int16_t* out,
               int16_t* fc_buffer) {
  const LstmSize& s = p.size;
  const int n = rows * s.state_size;
  FcQuant(rows, s.input_size, s.state_size, x, p.input_offset, w.input_weights[gate], w.bias[gate],
          p.input_multiplier[gate], out);
  FcQuant<In, Bias>(rows, s.state_size, s.state_size, h, p.hidden_offset, w.recurrent_weights[gate],
                    nullptr, p.recurrent_multiplier[gate], fc_buffer);
  for (int i = 0; i < n; ++i) {
    out[i] = static_cast<int16_t>(
        Clamp(static_cast<int32_t>(out[i]) + static_cast<int32_t>(fc_buffer[i]), kInt16Min, kInt16Max));
  }
  // Q3.12 in, Q0.15 out: the int16 kernels' power-of-two case (factor 3).
  const SigmoidFamilyInt16Params q3_12{};
  const Shape shape{n};
  if (tanh_gate) {
    TanhInt16(q3_12, shape, out, out);
  } else {
    LogisticInt16(q3_12, shape, out, out);
  }
}

// TFLM's MulElementwise with symmetric inputs: offset + rescaled a * b, clamped.
template <typename Out>
void MulQuant(int n, const int16_t* a, const int16_t* b, QuantizedMultiplier m, int32_t offset,
              int32_t lo, int32_t hi, Out* out) {
  for (int i = 0; i < n; ++i) {
    const int32_t product = static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    out[i] = static_cast<Out>(Clamp(offset + MultiplyByQuantizedMultiplier(product, m), lo, hi));
  }
}

template <typename Act, typename Bias>
void LstmQuant(const LstmQuantParams& p, const LstmWeights<int8_t, Bias>& w, const Act* input,
               Act* hidden, int16_t* cell, Act* output, int16_t* scratch) {
  const LstmSize& s = p.size;
  const size_t buffer_size = static_cast<size_t>(s.batch) * static_cast<size_t>(s.state_size);
  int16_t* const forget = scratch;
  int16_t* const input_gate = scratch + buffer_size;
  int16_t* const cell_gate = scratch + 2 * buffer_size;
  int16_t* const fc_buffer = scratch + 3 * buffer_size;
  ForEachStep(s, [&](const StepSlice& slice) {
    const int n = slice.rows * s.state_size;
    const Act* x = input + slice.input_offset;
    Act* h = hidden + slice.state_offset;
    int16_t* c = cell + slice.state_offset;
    GateQuant(p, slice.rows, x, h, w, kLstmForgetGate, false, forget, fc_buffer);
    GateQuant(p, slice.rows, x, h, w, kLstmInputGate, false, input_gate, fc_buffer);
    GateQuant(p, slice.rows, x, h, w, kLstmCellGate, true, cell_gate, fc_buffer);
    // c = clip(f * c + i * g), each product rescaled to the cell scale and
    // the sum saturated to int16.
    MulQuant(n, forget, c, p.forget_multiplier, 0, kInt16Min, kInt16Max, c);
    int16_t* const input_times_cell = input_gate;  // i is dead after this
    MulQuant(n, input_gate, cell_gate, p.input_multiplier_cell, 0, kInt16Min, kInt16Max,
             input_times_cell);
    for (int i = 0; i < n; ++i) {
      c[i] = static_cast<int16_t>(Clamp(static_cast<int32_t>(c[i]) + input_times_cell[i], kInt16Min, kInt16Max));
    }
    if (p.clip_cell) {
      const int16_t neg_clip = static_cast<int16_t>(-p.cell_clip);
      for (int i = 0; i < n; ++i) c[i] = std::max(std::min(p.cell_clip, c[i]), neg_clip);
    }
    // h = o * tanh(c), o computed from the previous h.
    int16_t* const output_gate = input_gate;
    GateQuant(p, slice.rows, x, h, w, kLstmOutputGate, false, output_gate, fc_buffer);
    int16_t* const tanh_cell = forget;
    TanhInt16(p.cell_tanh, Shape{n}, c, tanh_cell);
    MulQuant(n, tanh_cell, output_gate, p.hidden_multiplier, p.hidden_zero_point, p.hidden_min,
             p.hidden_max, h);
    std::memcpy(output + slice.output_offset, h, static_cast<size_t>(n) * sizeof(Act));
  });
}

void RequirePositive(float scale, const std::string& role) {
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    std::ostringstream out;
    out << "UNIDIRECTIONAL_SEQUENCE_LSTM: the " << role << " scale must be positive and finite, got "
        << scale << ".";
    throw Error(out.str());
  }
}

// TFLM's GetQuantizedConvolutionMultipler without a bias: the float product
// of the two scales, then a double division.
QuantizedMultiplier GateMultiplier(float input_scale, float weight_scale, float output_scale) {
  const float product = input_scale * weight_scale;
  return QuantizeMultiplier(static_cast<double>(product) / static_cast<double>(output_scale));
}

// TFLM's CreateInterGateMulParams: a double product of the input scales over
// the output scale.
QuantizedMultiplier MulMultiplier(float scale1, float scale2, float output_scale) {
  return QuantizeMultiplier(static_cast<double>(scale1) * static_cast<double>(scale2) /
                            static_cast<double>(output_scale));
}

}  // namespace

LstmSize PrepareLstmSize(bool time_major, const LstmShapes& shapes) {
  if (shapes.input.rank() != 3) {
    throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: the input must have rank 3, got " +
                DimsString(shapes.input) + ".");
  }
  if (shapes.hidden_state.rank() != 2) {
    throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: the hidden state must be [batch, units], got " +
                DimsString(shapes.hidden_state) + ".");
  }
  LstmSize s;
  s.time_major = time_major;
  s.batch = shapes.input.dim(time_major ? 1 : 0);
  s.time_steps = shapes.input.dim(time_major ? 0 : 1);
  s.input_size = shapes.input.dim(2);
  s.state_size = shapes.hidden_state.dim(1);
  for (int g = 0; g < kLstmGateCount; ++g) {
    const std::string gate = kGateNames[g];
    RequireShape(shapes.input_weights[g], Shape{s.state_size, s.input_size}, "the input-to-" + gate + " weights");
    RequireShape(shapes.recurrent_weights[g], Shape{s.state_size, s.state_size},
                 "the recurrent-to-" + gate + " weights");
    RequireShape(shapes.bias[g], Shape{s.state_size}, "the " + gate + " gate bias");
  }
  const int64_t state_elements = static_cast<int64_t>(s.batch) * s.state_size;
  if (shapes.hidden_state.FlatSize() != state_elements || shapes.cell_state.FlatSize() != state_elements) {
    throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: the hidden state " + DimsString(shapes.hidden_state) +
                " and the cell state " + DimsString(shapes.cell_state) + " must each hold batch (" +
                std::to_string(s.batch) + ") x units (" + std::to_string(s.state_size) + ") elements.");
  }
  if (shapes.output.rank() != 3 || shapes.output.dim(0) != shapes.input.dim(0) ||
      shapes.output.dim(1) != shapes.input.dim(1) || shapes.output.dim(2) != s.state_size) {
    throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: the output has shape " + DimsString(shapes.output) +
                ", expected [" + std::to_string(shapes.input.dim(0)) + ", " +
                std::to_string(shapes.input.dim(1)) + ", " + std::to_string(s.state_size) + "].");
  }
  return s;
}

void LstmFloat(const LstmFloatParams& p, const LstmWeights<float, float>& w, const float* input,
               float* hidden, float* cell, float* output, float* scratch, const LstmStepFn& on_step) {
  const LstmSize& s = p.size;
  const size_t buffer_size = static_cast<size_t>(s.batch) * static_cast<size_t>(s.state_size);
  float* const forget = scratch;
  float* const input_gate = scratch + buffer_size;
  float* const cell_gate = scratch + 2 * buffer_size;
  float* const fc_buffer = scratch + 3 * buffer_size;
  ForEachStep(s, [&](const StepSlice& slice) {
    const int n = slice.rows * s.state_size;
    const float* x = input + slice.input_offset;
    float* h = hidden + slice.state_offset;
    float* c = cell + slice.state_offset;
    GateFloat(s, slice.rows, x, h, w, kLstmForgetGate, false, forget, fc_buffer);
    GateFloat(s, slice.rows, x, h, w, kLstmInputGate, false, input_gate, fc_buffer);
    GateFloat(s, slice.rows, x, h, w, kLstmCellGate, true, cell_gate, fc_buffer);
    MulFloat(n, forget, c, c);
    MulFloat(n, input_gate, cell_gate, input_gate);
    for (int i = 0; i < n; ++i) c[i] += input_gate[i];
    if (p.cell_clip > 0.0f) {
      // std::min / std::max in TFLM's argument order (a NaN becomes +clip).
      for (int i = 0; i < n; ++i) c[i] = std::max(std::min(p.cell_clip, c[i]), -p.cell_clip);
    }
    float* const output_gate = input_gate;
    GateFloat(s, slice.rows, x, h, w, kLstmOutputGate, false, output_gate, fc_buffer);
    float* const tanh_cell = forget;
    TanhFloat(Shape{n}, c, tanh_cell);
    MulFloat(n, tanh_cell, output_gate, h);
    std::memcpy(output + slice.output_offset, h, static_cast<size_t>(n) * sizeof(float));
    if (on_step) on_step(h, c, n);
  });
}

LstmQuantParams PrepareLstmQuantized(const LstmSize& size, const LstmQuantization& q, int hidden_bits,
                                     float cell_clip) {
  RequirePositive(q.input_scale, "input");
  RequirePositive(q.hidden_scale, "hidden state");
  RequirePositive(q.cell_scale, "cell state");
  for (int g = 0; g < kLstmGateCount; ++g) {
    RequirePositive(q.input_weight_scale[g], std::string("input-to-") + kGateNames[g] + " weight");
    RequirePositive(q.recurrent_weight_scale[g], std::string("recurrent-to-") + kGateNames[g] + " weight");
  }
  if (hidden_bits != 8 && hidden_bits != 16) {
    throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: activations must be 8 or 16 bits.", ErrorCode::kInternal);
  }
  constexpr float kGateInputScale = 1.0f / 4096.0f;     // Q3.12
  constexpr float kGateOutputScale = 1.0f / 32768.0f;   // Q0.15
  LstmQuantParams p;
  p.size = size;
  p.input_offset = -q.input_zero_point;
  p.hidden_offset = -q.hidden_zero_point;
  for (int g = 0; g < kLstmGateCount; ++g) {
    p.input_multiplier[g] = GateMultiplier(q.input_scale, q.input_weight_scale[g], kGateInputScale);
    p.recurrent_multiplier[g] = GateMultiplier(q.hidden_scale, q.recurrent_weight_scale[g], kGateInputScale);
  }
  p.forget_multiplier = MulMultiplier(kGateOutputScale, q.cell_scale, q.cell_scale);
  p.input_multiplier_cell = MulMultiplier(kGateOutputScale, kGateOutputScale, q.cell_scale);
  p.hidden_multiplier = MulMultiplier(kGateOutputScale, kGateOutputScale, q.hidden_scale);
  p.hidden_zero_point = q.hidden_zero_point;
  p.hidden_min = hidden_bits == 8 ? std::numeric_limits<int8_t>::min() : kInt16Min;
  p.hidden_max = hidden_bits == 8 ? std::numeric_limits<int8_t>::max() : kInt16Max;

  p.clip_cell = cell_clip > 0.0f;
  if (p.clip_cell) {
    // A NaN cell scale makes the clip NaN, which has no int16 value (found
    // by fuzzing); an infinite one saturates.
    const double clip = static_cast<double>(cell_clip) / static_cast<double>(q.cell_scale);
    if (std::isnan(clip)) {
      throw Error("UNIDIRECTIONAL_SEQUENCE_LSTM: cell_clip " + std::to_string(cell_clip) +
                  " over the cell state's scale " + std::to_string(q.cell_scale) + " is not a number");
    }
    p.cell_clip = static_cast<int16_t>(std::clamp(clip, -32768.0, 32767.0));
  }

  // tanh(c) reads c (scale 2^power) as Q3.12: a left shift of 15 + power - 3,
  // or, when that is negative, a factor 3 and a rounding right shift.
  // TFLM takes CheckedLog2's exponent without its power-of-two check.
  int power = 0;
  CheckedLog2(q.cell_scale, &power);
  int shift = (15 + power) - 3;
  p.cell_tanh.input_multiplier = 0;
  if (shift < 0) {
    shift = -shift;
    p.cell_tanh.input_multiplier = 3;
  }
  // Beyond these TFLM's int32 arithmetic overflows (cell scales above 4 or
  // below 2^-43).
  const int max_shift = p.cell_tanh.input_multiplier == 0 ? 14 : 31;
  if (shift > max_shift) {
    std::ostringstream out;
    out << "UNIDIRECTIONAL_SEQUENCE_LSTM: the cell state scale " << q.cell_scale
        << " is out of the range the int16 tanh supports.";
    throw Error(out.str());
  }
  p.cell_tanh.input_left_shift = shift;
  return p;
}

void LstmInt8(const LstmQuantParams& params, const LstmWeights<int8_t, int32_t>& weights,
              const int8_t* input, int8_t* hidden_state, int16_t* cell_state, int8_t* output,
              int16_t* scratch) {
  LstmQuant(params, weights, input, hidden_state, cell_state, output, scratch);
}

void LstmInt16x8(const LstmQuantParams& params, const LstmWeights<int8_t, int64_t>& weights,
                 const int16_t* input, int16_t* hidden_state, int16_t* cell_state,
                 int16_t* output, int16_t* scratch) {
  LstmQuant(params, weights, input, hidden_state, cell_state, output, scratch);
}

}  // namespace tinyforge::ref
