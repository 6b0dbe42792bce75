#include "libconvert/model/ethos_u.h"

#include <string>

namespace tinyforge {

bool IsEthosUOperator(const Model& model, const tflite::OperatorT& op) {
  return model.OpCode(op) == tflite::BuiltinOperator_CUSTOM &&
         model.raw().operator_codes.at(op.opcode_index)->custom_code == kEthosUCustomCode;
}

bool IsEthosUScratchOperand(const Model& model, size_t sg, const tflite::OperatorT& op, size_t position) {
  if (position != kEthosUScratch && position != kEthosUScratchFast) return false;
  if (position >= op.inputs.size() || op.inputs[position] < 0 || !IsEthosUOperator(model, op)) return false;
  const tflite::TensorT& t = model.tensor(sg, op.inputs[position]);
  return t.type == tflite::TensorType_UINT8 && !model.IsConstant(t) && !t.is_variable;
}

void RefuseEthosUOperators(const Model& model) {
  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    const auto& ops = model.subgraph(sg).operators;
    for (size_t o = 0; o < ops.size(); ++o) {
      if (!IsEthosUOperator(model, *ops[o])) continue;
      throw Error(model.source() + ": " + model.OpLocation(sg, o) +
                  " is an ethos-u custom operator: runs only on an Ethos-U NPU; tinyforge has no kernel for it "
                  "(inspect, rewrite and emit take the model)");
    }
  }
}

}  // namespace tinyforge
