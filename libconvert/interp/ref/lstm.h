// UNIDIRECTIONAL_SEQUENCE_LSTM reference math, bit-exact with TensorFlow Lite
// Micro's kernel (lstm_eval): the standard Keras LSTM, one time step at a time,
//
//   i = sigmoid(W_i x + b_i + R_i h)      f = sigmoid(W_f x + b_f + R_f h)
//   g = tanh(W_g x + b_g + R_g h)         o = sigmoid(W_o x + b_o + R_o h)
//   c = clip(f * c + i * g)               h = o * tanh(c)      output[t] = h
//
// TFLM supports exactly this cell: all four gates (no CIFG), no peephole, no
// projection, no layer normalisation, tanh as the cell gate's activation.
//
// Layouts: input [batch, time, input_size] (time-major: [time, batch,
// input_size]); output the same with state_size as the last dim; input
// weights [state_size, input_size]; recurrent weights [state_size,
// state_size]; biases [state_size]; hidden and cell state [batch,
// state_size], carried across calls (the op's variable tensors).
//
// Integer variants (int8 or int16 activations, int8 weights, int16 cell
// state): each gate's two matrix products are rescaled to int16 in Q3.12
// (scale 2^-12) and added with saturation; sigmoid and tanh map Q3.12 to
// Q0.15 (scale 2^-15) with the int16 LOGISTIC/TANH kernels; the cell state
// keeps its own (power-of-two) scale; h is requantized to the hidden state's
// scale and zero point. TFLM does not read the op's intermediate tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "libconvert/interp/ref/activations.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// Gate order of every per-gate array below; the same order as the op's inputs
// (input-to-gate weights are inputs 1..4, recurrent 5..8, biases 12..15).
enum LstmGate { kLstmInputGate = 0, kLstmForgetGate = 1, kLstmCellGate = 2, kLstmOutputGate = 3 };
constexpr int kLstmGateCount = 4;

struct LstmSize {
  bool time_major = false;
  int batch = 0;
  int time_steps = 0;
  int input_size = 0;  // features per time step
  int state_size = 0;  // cell units == hidden units == output features
};

// The shapes of the tensors one LSTM op reads and writes.
struct LstmShapes {
  Shape input;
  Shape input_weights[kLstmGateCount];
  Shape recurrent_weights[kLstmGateCount];
  Shape bias[kLstmGateCount];
  Shape hidden_state;
  Shape cell_state;
  Shape output;
};

// Checks the shapes as TFLM's Prepare does (input and output rank 3, hidden
// state [batch, state_size], weights and biases as in the layout above,
// state element counts batch * state_size) and returns the sizes. Throws
// Error naming the first mismatch.
LstmSize PrepareLstmSize(bool time_major, const LstmShapes& shapes);

// Elements of scratch memory the eval functions need (four state-sized
// buffers), in elements of the cell state type.
inline size_t LstmScratchSize(const LstmSize& size) {
  return 4 * static_cast<size_t>(size.batch) * static_cast<size_t>(size.state_size);
}

// The constant operands: per gate, input weights, recurrent weights, bias
// (all required).
template <typename Weight, typename Bias>
struct LstmWeights {
  const Weight* input_weights[kLstmGateCount] = {};
  const Weight* recurrent_weights[kLstmGateCount] = {};
  const Bias* bias[kLstmGateCount] = {};
};

// ------------------------------------------------------------------- float

struct LstmFloatParams {
  LstmSize size;
  float cell_clip = 0.0f;  // |c| is clipped to this when > 0 (real units)
};

// Called after every time step with the hidden and cell state values that
// step wrote (count values each).
using LstmStepFn = std::function<void(const float* hidden, const float* cell, int count)>;

// Runs all time steps: reads input, updates hidden_state and cell_state in
// place (they carry over to the next call), writes output. scratch holds
// LstmScratchSize(size) floats. on_step, when set, sees every step's state.
void LstmFloat(const LstmFloatParams& params, const LstmWeights<float, float>& weights,
               const float* input, float* hidden_state, float* cell_state, float* output,
               float* scratch, const LstmStepFn& on_step = {});

// ----------------------------------------------------------------- integer

// The quantization an integer LSTM is prepared from (scale: real units per
// quantum; zero point: the quantum representing 0.0).
struct LstmQuantization {
  float input_scale = 0.0f;
  int32_t input_zero_point = 0;
  float hidden_scale = 0.0f;  // hidden state == output quantization
  int32_t hidden_zero_point = 0;
  float cell_scale = 0.0f;  // int16 cell state, symmetric; a power of two in practice
  float input_weight_scale[kLstmGateCount] = {};      // per tensor, zero point 0
  float recurrent_weight_scale[kLstmGateCount] = {};  // per tensor, zero point 0
};

// Everything an integer LSTM eval reads.
struct LstmQuantParams {
  LstmSize size;
  int32_t input_offset = 0;   // -input zero point, added to every input quantum
  int32_t hidden_offset = 0;  // -hidden zero point, added to every h quantum fed back
  // Per gate: input_scale * input_weight_scale / 2^-12 and hidden_scale *
  // recurrent_weight_scale / 2^-12 (products rounded to float first, as
  // TFLM's GetQuantizedConvolutionMultipler does).
  QuantizedMultiplier input_multiplier[kLstmGateCount];
  QuantizedMultiplier recurrent_multiplier[kLstmGateCount];
  QuantizedMultiplier forget_multiplier;  // 2^-15 * cell_scale / cell_scale: f * c -> c
  QuantizedMultiplier input_multiplier_cell;  // 2^-15 * 2^-15 / cell_scale: i * g -> c
  QuantizedMultiplier hidden_multiplier;  // 2^-15 * 2^-15 / hidden_scale: o * tanh(c) -> h
  int32_t hidden_zero_point = 0;          // added to the requantized h
  int32_t hidden_min = 0;                 // clamp of h: the hidden type's range
  int32_t hidden_max = 0;
  bool clip_cell = false;   // cell_clip > 0
  int16_t cell_clip = 0;    // cell_clip / cell_scale, truncated, saturated to int16
  SigmoidFamilyInt16Params cell_tanh;  // tanh(c): c's scale 2^p onto Q3.12
};

// Computes the multipliers and ranges as TFLM's Prepare does. hidden_bits is
// 8 or 16 (the activation type). cell_clip is the op's option (real units;
// <= 0: no clipping). The cell scale's log2 is rounded, as TFLM does, without
// checking that it is a power of two. Throws Error for non-positive scales.
LstmQuantParams PrepareLstmQuantized(const LstmSize& size, const LstmQuantization& quant,
                                     int hidden_bits, float cell_clip);

// int8 activations, int8 weights, int32 biases, int16 cell state. scratch
// holds LstmScratchSize(size) int16 values.
void LstmInt8(const LstmQuantParams& params, const LstmWeights<int8_t, int32_t>& weights,
              const int8_t* input, int8_t* hidden_state, int16_t* cell_state, int8_t* output,
              int16_t* scratch);

// int16 activations, int8 weights, int64 biases, int16 cell state.
void LstmInt16x8(const LstmQuantParams& params, const LstmWeights<int8_t, int64_t>& weights,
                 const int16_t* input, int16_t* hidden_state, int16_t* cell_state,
                 int16_t* output, int16_t* scratch);

}  // namespace tinyforge::ref
