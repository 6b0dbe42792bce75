#include "libconvert/interp/batch.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/memory_budget.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/verify.h"

namespace tinyforge::interp {

int WorkerCount(int requested, size_t samples) {
  int threads = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), std::max<size_t>(samples, 1)));
}

void ForEachSample(const Model& model, size_t samples, int threads,
                   const std::function<void(Interpreter&, size_t, int)>& run,
                   const InterpreterOptions& options) {
  const int workers = WorkerCount(threads, samples);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  // Chunks of consecutive samples from a shared counter rather than one
  // fixed block per worker: a core that other processes slow down takes
  // fewer chunks instead of holding up the rest.
  const size_t chunk = std::clamp<size_t>(samples / (static_cast<size_t>(workers) * 16), 1, 64);
  std::atomic<size_t> next{0};
  // One sample per worker; a lone worker (one sample, say) splits each
  // operator's work over the threads instead.
  InterpreterOptions worker_options = options;
  worker_options.threads = workers == 1 ? WorkerCount(threads, 1000000) : 1;
  auto work = [&](int w) {
    try {
      Interpreter interpreter(model, worker_options);
      interpreter.Prepare();
      bool fresh = true;
      for (size_t begin = next.fetch_add(chunk); begin < samples; begin = next.fetch_add(chunk)) {
        const size_t end = std::min(samples, begin + chunk);
        for (size_t s = begin; s < end; ++s) {
          if (!fresh) interpreter.ResetVariables();
          fresh = false;
          run(interpreter, s, w);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) pool.emplace_back(work, w);
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}

size_t CountSamples(const Model& model, const std::vector<DatasetView>& inputs) {
  const auto& g = model.subgraph(0);
  if (inputs.size() != g.inputs.size()) {
    throw Error(model.source() + ": the model has " + std::to_string(g.inputs.size()) + " input" +
                    (g.inputs.size() == 1 ? "" : "s") + ", but " + std::to_string(inputs.size()) + " input array" +
                    (inputs.size() == 1 ? " was" : "s were") + " given",
                ErrorCode::kBadInput);
  }
  const size_t samples = inputs.empty() ? 1 : inputs[0].num_samples();
  for (const DatasetView& view : inputs) {
    if (view.num_samples() != samples) {
      throw Error(view.array_name() + ": holds " + std::to_string(view.num_samples()) + " samples, but " +
                      inputs[0].array_name() + " holds " + std::to_string(samples),
                  ErrorCode::kBadInput);
    }
  }
  return samples;
}

void SetInputs(Interpreter& interpreter, const std::vector<DatasetView>& inputs, size_t s) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    // An empty array's storage may be null, which memcpy must not get even for 0 bytes.
    if (interpreter.input(k).bytes > 0) std::memcpy(interpreter.input(k).data, inputs[k].sample(s), interpreter.input(k).bytes);
  }
}

std::vector<NpyArray> RunDataset(const Model& model, const std::vector<DatasetView>& inputs,
                                 int threads, const InterpreterOptions& options) {
  const auto& g = model.subgraph(0);
  const size_t samples = CountSamples(model, inputs);
  bool batched = false;
  for (const DatasetView& view : inputs) batched = batched || view.batched();

  // The output arrays' sizes are checked and reserved against the memory
  // budget before any of them is allocated.
  std::vector<std::pair<DType, std::vector<int64_t>>> shapes;
  int64_t total = 0, largest = -1;
  std::string largest_name;
  for (int index : g.outputs) {
    const tflite::TensorT& t = model.tensor(0, index);
    const std::string name = model.source() + ": output " + QuotedName(t.name);
    const auto dtype = NpyDTypeOf(t.type);
    if (!dtype) throw Error(name + " has type " + TypeName(t.type) + ", which .npy files cannot hold");
    std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
    if (batched) shape.insert(shape.begin(), static_cast<int64_t>(samples));
    const std::optional<int64_t> count = CheckedProduct(shape);
    const int64_t bytes = count ? DenseBytes(t.type, *count) : -1;
    const std::optional<int64_t> sum = bytes >= 0 ? CheckedAdd(total, bytes) : std::nullopt;
    if (!sum) throw Error(name + " of shape " + ShapeString(t.shape) + " for " + std::to_string(samples) +
                          " samples has more elements than tinyforge can count");
    total = *sum;
    if (bytes > largest) {
      largest = bytes;
      largest_name = "output " + QuotedName(t.name) + " of shape " + ShapeString(t.shape);
    }
    shapes.emplace_back(*dtype, std::move(shape));
  }
  const MemoryReservation memory(total, model.source() + ": the output arrays for " + std::to_string(samples) +
                                            " sample" + (samples == 1 ? "" : "s") + " (the largest, " +
                                            largest_name + ")");
  std::vector<NpyArray> outputs;
  for (const auto& [dtype, shape] : shapes) outputs.push_back(NpyArray::Zeros(dtype, shape));

  // Only the outputs are read: the other tensors share memory.
  const InterpreterOptions sharing = SharingMemory(options);
  ForEachSample(model, samples, threads, [&](Interpreter& interpreter, size_t s, int) {
    SetInputs(interpreter, inputs, s);
    interpreter.Invoke();
    for (size_t k = 0; k < outputs.size(); ++k) {
      const RuntimeTensor& out = interpreter.output(k);
      if (out.bytes > 0) std::memcpy(outputs[k].data.data() + s * out.bytes, out.data, out.bytes);
    }
  }, sharing);
  return outputs;
}

}  // namespace tinyforge::interp
