#include "libconvert/compare/evaluate.h"

#include "libconvert/base/error.h"
#include "libconvert/interp/batch.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/verify.h"

namespace tinyforge {

void CheckLabelsFitOutput(const Model& model, size_t output, const std::vector<int64_t>& labels) {
  const auto& g = model.subgraph(0);
  if (labels.empty() || output >= g.outputs.size()) return;
  const tflite::TensorT& scores = model.tensor(0, g.outputs[output]);
  const int64_t classes = ElementCount(scores.shape);
  for (size_t s = 0; s < labels.size(); ++s) {
    if (labels[s] >= classes) {
      throw Error(model.source() + ": label " + std::to_string(s) + " is " + std::to_string(labels[s]) + ", but output " +
                      std::to_string(output) + " (" + QuotedName(scores.name) + ") scores " + std::to_string(classes) +
                      " classes (labels 0 to " + std::to_string(classes - 1) + ")",
                  ErrorCode::kBadInput);
    }
  }
}

void CheckOutputHasRealValues(const Model& model, size_t output) {
  const tflite::TensorT& t = model.tensor(0, model.subgraph(0).outputs.at(output));
  if (HasRealValues(t.type)) return;
  throw Error(model.source() + ": output " + std::to_string(output) + " (" + QuotedName(t.name) + ") is " +
                  TypeName(t.type) + ": only FLOAT32, INT8, UINT8, INT16 and INT32 outputs can be compared or ranked",
              ErrorCode::kBadInput);
}

ClassifierResult EvaluateClassifier(const Model& model, const std::vector<DatasetView>& inputs,
                                    const std::vector<int64_t>& labels, int threads, size_t output,
                                    const std::function<void()>& on_sample) {
  const size_t samples = interp::CountSamples(model, inputs);
  const auto& g = model.subgraph(0);
  if (output >= g.outputs.size()) {
    throw Error(model.source() + ": output " + std::to_string(output) + " does not exist (the model has " +
                    std::to_string(g.outputs.size()) + ")",
                ErrorCode::kBadInput);
  }
  if (!labels.empty() && labels.size() != samples) {
    throw Error("the labels hold " + std::to_string(labels.size()) + " entries, but the data holds " +
                    std::to_string(samples) + " samples",
                ErrorCode::kBadInput);
  }

  CheckLabelsFitOutput(model, output, labels);
  CheckOutputHasRealValues(model, output);

  ClassifierResult result;
  result.predictions.resize(samples);
  std::vector<std::vector<float>> scratch(static_cast<size_t>(interp::WorkerCount(threads, samples)));
  interp::ForEachSample(model, samples, threads, [&](interp::Interpreter& interpreter, size_t s, int w) {
    interp::SetInputs(interpreter, inputs, s);
    interpreter.Invoke();
    std::vector<float>& values = scratch[static_cast<size_t>(w)];
    RealValues(interpreter.output(output), values);
    result.predictions[s] = static_cast<int64_t>(ArgMax(values.data(), values.size()));
    if (on_sample) on_sample();
  }, interp::SharingMemory());
  for (size_t s = 0; s < labels.size(); ++s) result.confusion.Add(labels[s], result.predictions[s]);
  return result;
}

}  // namespace tinyforge
