#include "emit/load_test_vectors.h"

#include "libconvert/base/error.h"
#include "libconvert/data/npy.h"
#include "libconvert/interp/batch.h"

namespace tinyforge::emit {
namespace {

std::string TestTensorLabel(const std::string& role, size_t k, const tflite::TensorT& t) {
  return role + " " + std::to_string(k) + " '" + t.name + "'";
}

std::vector<int64_t> Shape64(const tflite::TensorT& t) { return {t.shape.begin(), t.shape.end()}; }

}  // namespace

std::unique_ptr<LoadedTestVectors> LoadTestVectors(const Model& model, const TestDataRequest& request) {
  auto loaded = std::make_unique<LoadedTestVectors>();
  const tflite::SubGraphT& graph = model.subgraph(0);
  loaded->inputs = ReadModelInputs(model, request.input_paths, request.quantize_inputs, request.data);
  std::vector<DatasetView> views = ViewModelInputs(model, loaded->inputs);
  if (request.max_samples > 0) {
    for (DatasetView& v : views) v = v.Limit(request.max_samples);
  }
  for (size_t k = 0; k < views.size(); ++k) {
    loaded->vectors.inputs.push_back(
        {TestTensorLabel("input", k, model.tensor(0, graph.inputs[k])), Shape64(model.tensor(0, graph.inputs[k])), views[k]});
  }

  std::vector<std::string> expected_names = request.expected_paths;
  if (request.expected_paths.empty()) {
    // The reference kernels: TFLM's arithmetic step by step (integer outputs
    // are its bits, float ones its order of operations).
    loaded->expected = interp::RunDataset(model, views, request.threads, interp::InterpreterOptions{true});
    expected_names.assign(loaded->expected.size(), model.source() + " (outputs computed by tinyforge)");
    loaded->vectors.origin = "Inputs from " + request.input_paths.front() +
                             (request.input_paths.size() > 1 ? " and others" : "") +
                             ", expected outputs computed by tinyforge's reference interpreter";
  } else {
    if (request.expected_paths.size() != graph.outputs.size()) {
      throw Error(model.source() + ": has " + std::to_string(graph.outputs.size()) + " output" +
                  (graph.outputs.size() == 1 ? "" : "s") + " but --expected names " +
                  std::to_string(request.expected_paths.size()) + " file" +
                  (request.expected_paths.size() == 1 ? "" : "s") + " (one .npy per output, in order)");
    }
    for (const std::string& path : request.expected_paths) loaded->expected.push_back(ReadNpy(path));
    loaded->vectors.origin = "Inputs from " + request.input_paths.front() + ", expected outputs from " +
                             request.expected_paths.front() + (request.expected_paths.size() > 1 ? " and others" : "");
  }
  for (size_t k = 0; k < loaded->expected.size(); ++k) {
    const tflite::TensorT& t = model.tensor(0, graph.outputs[k]);
    const std::optional<DType> dtype = NpyDTypeOf(t.type);
    if (!dtype) throw Error(model.source() + ": output " + std::to_string(k) + " has a type .npy cannot hold");
    DatasetView view(loaded->expected[k], expected_names[k], t.shape, *dtype,
                     "model output " + std::to_string(k) + " '" + t.name + "'");
    if (request.max_samples > 0) view = view.Limit(request.max_samples);
    loaded->vectors.expected.push_back({TestTensorLabel("output", k, t), Shape64(t), view});
  }
  CheckTestVectors(loaded->vectors);
  return loaded;
}

}  // namespace tinyforge::emit
