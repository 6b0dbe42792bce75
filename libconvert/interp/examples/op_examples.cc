#include "libconvert/interp/examples/op_examples.h"

#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp {

const std::vector<OpExample>& OpExamples() {
  static const std::vector<OpExample> examples = [] {
    std::vector<OpExample> all;
    examples::AddFamilies(all);
    return all;
  }();
  return examples;
}

std::vector<const OpExample*> OpExamplesFor(tflite::BuiltinOperator op, tflite::TensorType type) {
  std::vector<const OpExample*> found;
  for (const OpExample& e : OpExamples()) {
    if (e.op == op && e.type == type) found.push_back(&e);
  }
  return found;
}

}  // namespace tinyforge::interp
