// How full-integer quantization treats the operands of the recurrent
// operators, UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF, whose inputs each need
// their own treatment (several weight tensors, biases whose scales come from
// other operands, state tensors with fixed formats). The layouts are the ones
// TensorFlow's converter writes and TFLM's integer kernels read:
//
// LSTM (int8 activations; 16x8 the same with int16 activations and int64
// biases): input 0 and output int8 from their calibrated ranges; weights
// 1-8 int8 symmetric per tensor (TFLM's LSTM reads one scale per tensor);
// gate biases 12-15 int32 at input scale x input-to-gate weight scale (the
// kernel adds them to the input product before rescaling); hidden state 18
// int8 sharing the output's parameters (the kernel writes hidden-state
// integers into the output); cell state 19 int16 with a power-of-two scale
// covering the cell range calibrated over every time step; five
// intermediate tensors as the converter writes them (TFLM does not read
// them; TFLite does).
//
// SVDF (int8 only): input and output int8; feature weights 1 int8 symmetric
// per tensor; time weights 2 int16 at max|w| / 512 (10 bits, leaving room
// for the memory reduction); bias 3 int32 at time-weight scale x state
// scale, added when the float op has none (TFLM's integer SVDF needs one);
// activation state 4 int16 symmetric over its calibrated range.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "quantize/quant_params.h"

namespace tinyforge::quantize {

enum class OperandQuant {
  kActivation,   // the op's data input: its calibrated (or shared) parameters
  kWeights8,     // constant, int8 symmetric per tensor, max|w| / 127
  kTimeWeights,  // constant, int16 symmetric, max|w| / 512
  kBias,         // constant, int32 (int64 in 16x8) at scale(scale_of[0]) x scale(scale_of[1])
  kSharedState,  // variable, in the op's integer activation type, sharing the output's parameters
  kCellState,    // variable, int16, power-of-two scale over the calibrated range
  kState16,      // variable, int16 symmetric over the calibrated range
};

struct OperandRule {
  int input;                          // the operand's position among the op's inputs
  OperandQuant quant;
  std::array<int, 2> scale_of{-1, -1};  // kBias: the inputs whose scales multiply
  bool add_if_missing = false;        // kBias: give the op a zero bias when it has none
};

// The operand rules of a recurrent operator (empty for any other op).
std::vector<OperandRule> RecurrentOperandRules(tflite::BuiltinOperator op);

// Why op (a recurrent operator) cannot be quantized: "" when it can.
// float_constant(position) tells whether input `position` is a float
// constant.
std::string WhyRecurrentNotQuantizable(tflite::BuiltinOperator code, const tflite::OperatorT& op,
                                       const std::function<bool(int)>& float_constant);

// The parameters of a state with a format of its own (kCellState,
// kState16) from its calibrated range; nullopt for every other operand.
std::optional<QuantParams> StateParams(OperandQuant quant, float min, float max);

// What rewriting a recurrent op's operands needs from the quantizer.
class RecurrentContext {
 public:
  virtual ~RecurrentContext() = default;
  virtual Model& model() = 0;
  // The integer version of activation or state tensor `index` (what the
  // op reads after the rewrite), and its parameters.
  virtual int IntegerOperand(int index, tflite::TensorType& type, QuantParams& params) = 0;
  // The integer bias of float constant `index` at input_scale x
  // weight_scale (int32, or int64 in 16x8 mode).
  virtual int Bias(int index, float input_scale, float weight_scale) = 0;
};

// Points every input of `op` (a quantized recurrent operator) at its
// integer version, adds the biases and intermediates its integer kernel
// needs.
void RewriteRecurrentOperands(tflite::BuiltinOperator code, tflite::OperatorT& op, RecurrentContext& ctx);

}  // namespace tinyforge::quantize
