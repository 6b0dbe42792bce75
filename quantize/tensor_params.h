// The second step of quantization: the parameters of each float tensor's
// integer version. Tensors an operator requires to share parameters (its
// kSameAsInputs rule) form one group; a group takes the fixed parameters of
// an operator producing one of its members (SOFTMAX, LOGISTIC, ...) or else
// covers the union of its members' ranges: calibrated for activations, the
// values for constants. int8 activations are asymmetric, int16 symmetric;
// the state tensors of quantized recurrent operators that have formats of
// their own (an LSTM's cell state, SVDF's state) get them here too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libconvert/model/model.h"
#include "quantize/calibrator.h"
#include "quantize/op_rules.h"
#include "quantize/quant_params.h"

namespace tinyforge::quantize {

// A non-constant float tensor of subgraph 0 (index -1: none).
bool IsFloatActivation(const Model& model, int index);

class TensorParams {
 public:
  // `rules` and `producer` are per operator and per tensor of subgraph 0 of
  // `model`; all arguments must outlive this object. Tensors `model` gains
  // later (the rewrite's new versions) have no parameters here.
  TensorParams(const Model& model, const CalibrationTable& table, const std::vector<std::optional<OpRule>>& rules,
               const std::vector<int>& producer, bool int16);

  // The parameters of `index`'s integer version in the activation type,
  // computed once per group. Throws Error (kBadInput) when the table has no
  // range for a member, or when two fixed-parameter producers disagree.
  QuantParams Params(int index);

  // The type and parameters of `index`'s integer version: int16 with a
  // format of its own for recurrent states that have one, else the
  // activation type with Params(index).
  std::pair<tflite::TensorType, QuantParams> IntegerVersion(int index);

  // Whether `index` is the state of a quantized recurrent operator, which
  // becomes integer in place with it.
  bool IsIntegerState(int index) const { return integer_state_[static_cast<size_t>(index)]; }

 private:
  void GroupSharedParameters();
  void ChooseStateParams();
  std::pair<float, float> Range(int index) const;
  const tflite::TensorT& tensor(int index) const { return model_.tensor(0, index); }

  const Model& model_;
  const CalibrationTable& table_;
  const std::vector<std::optional<OpRule>>& rules_;
  const std::vector<int>& producer_;
  bool int16_;
  std::vector<int> group_;                   // per original tensor: its group's root
  std::map<int, QuantParams> params_;        // per group root
  std::vector<bool> integer_state_;          // per original tensor
  std::map<int, QuantParams> state_params_;  // int16 states with formats of their own
};

}  // namespace tinyforge::quantize
