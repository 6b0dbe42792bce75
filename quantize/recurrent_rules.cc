#include "quantize/recurrent_rules.h"

#include <map>

#include "quantize/constant_tensors.h"

namespace tinyforge::quantize {
namespace {

bool IsConstantOperand(OperandQuant quant) {
  return quant == OperandQuant::kWeights8 || quant == OperandQuant::kTimeWeights || quant == OperandQuant::kBias;
}

bool Present(const tflite::OperatorT& op, int position) {
  return static_cast<size_t>(position) < op.inputs.size() && op.inputs[static_cast<size_t>(position)] >= 0;
}

// The intermediate tensors the converter attaches to an integer LSTM, in
// order: four float gate intermediates (TFLite reads them only with layer
// normalisation) and the hidden-state intermediate that shares the hidden
// state's parameters. All have shape [0] and no data; TFLM reads none.
std::vector<int> AddLstmIntermediates(Model& model, tflite::TensorType hidden_type, const QuantParams& hidden) {
  static const std::array<const char*, 5> kNames = {
      "input_to_input_intermediate", "input_to_forget_intermediate", "input_to_cell_intermediate",
      "input_to_output_intermediate", "effective_hidden_scale_intermediate"};
  std::vector<int> indices;
  for (size_t i = 0; i < kNames.size(); ++i) {
    auto t = std::make_unique<tflite::TensorT>();
    t->shape = {0};
    t->has_rank = true;
    t->name = kNames[i];
    t->type = tflite::TensorType_FLOAT32;
    if (i + 1 == kNames.size()) {
      t->type = hidden_type;
      t->quantization = MakeQuantization({hidden.scale}, {hidden.zero_point}, 0);
    }
    indices.push_back(model.AddTensor(0, std::move(t)));
  }
  return indices;
}

// A zero int32 bias of one value per output unit (the output's last dim),
// for an op whose integer kernel needs a bias the float op does not have.
int AddZeroBias(Model& model, const tflite::OperatorT& op, float scale) {
  const tflite::TensorT& out = model.tensor(0, op.outputs.at(0));
  auto t = std::make_unique<tflite::TensorT>();
  t->shape = {out.shape.empty() ? 1 : out.shape.back()};
  t->name = out.name + "_bias_int32";
  t->type = tflite::TensorType_INT32;
  t->buffer = model.AddBuffer(std::vector<uint8_t>(static_cast<size_t>(t->shape[0]) * sizeof(int32_t), 0));
  t->quantization = MakeQuantization({scale}, {0}, 0);
  return model.AddTensor(0, std::move(t));
}

}  // namespace

std::vector<OperandRule> RecurrentOperandRules(tflite::BuiltinOperator op) {
  std::vector<OperandRule> rules;
  switch (op) {
    case tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM:
      rules.push_back({0, OperandQuant::kActivation});
      for (int w = 1; w <= 8; ++w) rules.push_back({w, OperandQuant::kWeights8});
      // Gate bias k (12..15) goes with the input-to-gate weights k - 11.
      for (int b = 12; b <= 15; ++b) rules.push_back({b, OperandQuant::kBias, {0, b - 11}});
      rules.push_back({18, OperandQuant::kSharedState});
      rules.push_back({19, OperandQuant::kCellState});
      break;
    case tflite::BuiltinOperator_SVDF:
      rules.push_back({0, OperandQuant::kActivation});
      rules.push_back({1, OperandQuant::kWeights8});
      rules.push_back({2, OperandQuant::kTimeWeights});
      rules.push_back({3, OperandQuant::kBias, {2, 4}, /*add_if_missing=*/true});
      rules.push_back({4, OperandQuant::kState16});
      break;
    default:
      break;
  }
  return rules;
}

std::string WhyRecurrentNotQuantizable(tflite::BuiltinOperator code, const tflite::OperatorT& op,
                                       const std::function<bool(int)>& float_constant) {
  for (const OperandRule& r : RecurrentOperandRules(code)) {
    if (IsConstantOperand(r.quant) && Present(op, r.input) && !float_constant(r.input)) {
      return "its input " + std::to_string(r.input) + " (weights or bias) is not a float constant";
    }
  }
  return "";
}

std::optional<QuantParams> StateParams(OperandQuant quant, float min, float max) {
  if (quant == OperandQuant::kCellState) return PowerOfTwoParams(min, max);
  if (quant == OperandQuant::kState16) return SymmetricParams(min, max, 32767);
  return std::nullopt;
}

void RewriteRecurrentOperands(tflite::BuiltinOperator code, tflite::OperatorT& op, RecurrentContext& ctx) {
  const std::vector<OperandRule> rules = RecurrentOperandRules(code);
  // Activations, states and weights first: their scales feed the biases.
  std::map<int, float> scales;  // input position -> its integer scale
  tflite::TensorType hidden_type = tflite::TensorType_INT8;
  QuantParams hidden;  // the LSTM's hidden state (kSharedState)
  for (const OperandRule& r : rules) {
    if (!Present(op, r.input)) continue;
    int& index = op.inputs[static_cast<size_t>(r.input)];
    switch (r.quant) {
      case OperandQuant::kActivation:
      case OperandQuant::kSharedState:
      case OperandQuant::kCellState:
      case OperandQuant::kState16: {
        tflite::TensorType type = tflite::TensorType_INT8;
        QuantParams p;
        index = ctx.IntegerOperand(index, type, p);
        scales[r.input] = p.scale;
        if (r.quant == OperandQuant::kSharedState) {
          hidden_type = type;
          hidden = p;
        }
        break;
      }
      case OperandQuant::kWeights8: {
        std::vector<float> weight_scales;
        index = AddWeights(ctx.model(), index, /*axis=*/-1, weight_scales);
        scales[r.input] = weight_scales[0];
        break;
      }
      case OperandQuant::kTimeWeights:
        // 10 bits, as the converter does: room for the sum over the memory.
        index = AddWeights16(ctx.model(), index, 512, scales[r.input]);
        break;
      case OperandQuant::kBias:
        break;
    }
  }
  for (const OperandRule& r : rules) {
    if (r.quant != OperandQuant::kBias) continue;
    const float a = scales.at(r.scale_of[0]), b = scales.at(r.scale_of[1]);
    const size_t position = static_cast<size_t>(r.input);
    if (Present(op, r.input)) {
      op.inputs[position] = ctx.Bias(op.inputs[position], a, b);
    } else if (r.add_if_missing) {
      if (op.inputs.size() <= position) op.inputs.resize(position + 1, -1);
      op.inputs[position] = AddZeroBias(ctx.model(), op, a * b);
    }
  }
  if (code == tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM) {
    op.intermediates = AddLstmIntermediates(ctx.model(), hidden_type, hidden);
  }
}

}  // namespace tinyforge::quantize
