#include "emit/describe_model.h"

#include <set>

#include "libconvert/tflm/arena.h"
#include "libconvert/model/dtype.h"
#include "libconvert/summary/model_summary.h"

namespace tinyforge::emit {
namespace {

IoTensor DescribeTensor(const tflite::TensorT& tensor) {
  IoTensor io;
  io.name = tensor.name;
  io.dtype = TypeName(tensor.type);
  io.shape.assign(tensor.shape.begin(), tensor.shape.end());
  const tflite::QuantizationParametersT* q = tensor.quantization.get();
  if (q != nullptr && q->scale.size() == 1 && q->zero_point.size() <= 1) {
    io.scale = q->scale[0];
    io.zero_point = q->zero_point.empty() ? 0 : q->zero_point[0];
  }
  return io;
}

}  // namespace

ModelDescription DescribeModel(const Model& model, TflmTarget target) {
  ModelDescription description;
  if (model.num_subgraphs() > 0) {
    const tflite::SubGraphT& main = model.subgraph(0);
    for (int index : main.inputs) description.inputs.push_back(DescribeTensor(model.tensor(0, index)));
    for (int index : main.outputs) description.outputs.push_back(DescribeTensor(model.tensor(0, index)));
  }
  // Custom ops go by their custom code, as a resolver registers them.
  std::set<std::string> ops;
  for (std::size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    for (const auto& op : model.subgraph(sg).operators) {
      if (model.OpCode(*op) == tflite::BuiltinOperator_CUSTOM) {
        ops.insert(model.raw().operator_codes.at(op->opcode_index)->custom_code);
      } else {
        ops.insert(model.OpName(*op));
      }
    }
  }
  description.op_names.assign(ops.begin(), ops.end());
  description.parameter_count = Summarize(model).parameters;
  // The arena a firmware must reserve on `target` (libconvert/tflm/arena.h).
  ArenaFigure arena;
  arena.required_bytes = EstimateTflmArena(model, target).required_bytes;
  arena.target = std::string(TflmTargetName(target));
  arena.target_description = std::string(TflmTargetDescription(target));
  description.arena = arena;
  return description;
}

}  // namespace tinyforge::emit
