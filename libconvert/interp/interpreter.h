// The reference interpreter: runs one subgraph of a Model with the kernels of
// the one kernel table, giving TensorFlow Lite Micro's bits.
//
//   Interpreter interp(model);   // the model must outlive the interpreter
//   interp.Prepare();            // once: shapes, kernels, op data; may throw
//   copy input bytes into interp.input(0).data ...
//   interp.Invoke();             // many times; cannot fail
//   read interp.output(0) ...
//
// One interpreter runs one sample at a time; run samples in parallel with one
// interpreter per thread (see batch.h).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libconvert/base/cache_aligned.h"
#include "libconvert/base/memory_budget.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/interp/tensor.h"
#include "libconvert/interp/thread_pool.h"
#include "libconvert/model/model.h"

namespace tinyforge::interp {

// What an observer sees after each operator ran.
struct OpEvent {
  size_t op_index;
  tflite::BuiltinOperator op;
  std::vector<const RuntimeTensor*> outputs;
};
using Observer = std::function<void(const OpEvent&)>;

// How an interpreter picks kernels.
struct InterpreterOptions {
  // true: only the plain reference kernels (the oracle, TFLM's arithmetic
  // step by step). false: fast kernels where the CPU and the operator allow
  // one; integer outputs are bit-identical to the reference, float outputs
  // within 1e-5 relative.
  bool reference = false;
  // Threads one inference's operators share (the fast kernels split their
  // work; the results do not depend on the count). Dataset runs keep 1 and
  // run one sample per worker instead (batch.h).
  int threads = 1;
  // false: no kernel folds the operator before it into itself (a CONV_2D
  // reading through a PAD), so every operator reads only its own inputs and
  // InvokeOperator can run one on inputs the caller wrote.
  bool fold_producers = true;
  // true: tensors live at different times share memory (shared_memory.h),
  // so that an inference's activations stay in cache. After Invoke only the
  // subgraph's inputs and outputs, variables and tensors read before any
  // operator writes them hold their values; any other tensor holds its
  // value only during the observer's call for the operator that wrote it.
  // For dataset runs and timing, which read only outputs and observers.
  // Ignored without fold_producers (InvokeOperator's callers write inputs).
  bool share_memory = false;
};

// `options` with share_memory set: for runs that read only the inputs, the
// outputs and what observers see.
inline InterpreterOptions SharingMemory(InterpreterOptions options = {}) {
  options.share_memory = true;
  return options;
}

class Interpreter {
 public:
  explicit Interpreter(const Model& model, size_t subgraph = 0, InterpreterOptions options = {});
  Interpreter(const Model& model, InterpreterOptions options) : Interpreter(model, 0, options) {}
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Throws Error: one message listing every operator without a kernel for
  // its (op, type), the first operator whose Prepare rejects it, or a model
  // whose tensors exceed the memory budget or whose inference exceeds the
  // work budget (work.h).
  void Prepare();
  void Invoke();
  // Runs operator `op_index` alone on what its input tensors hold now (the
  // caller writes them; constants stay the model's); the observer is not
  // called. Needs fold_producers = false, else a folded operator would read
  // its producer's input instead of its own.
  void InvokeOperator(size_t op_index);
  // Variable tensors (recurrent state) back to their initial values.
  void ResetVariables();
  // Called after every operator with its outputs; pass {} to remove.
  // reads_outputs false (a profiler timing operators): operators whose
  // output no other operator reads any more (a PAD folded into a conv) are
  // skipped, not run for the observer.
  void SetObserver(Observer observer, bool reads_outputs = true) {
    observer_ = std::move(observer);
    observer_reads_outputs_ = reads_outputs;
  }
  // Called by stateful float kernels with their state inside a call (see
  // StateEvent); pass {} to remove. May be set before or after Prepare.
  void SetStateObserver(StateObserver observer) { state_observer_ = std::move(observer); }

  size_t num_inputs() const { return inputs_.size(); }
  size_t num_outputs() const { return outputs_.size(); }
  RuntimeTensor& input(size_t i) { return tensors_[static_cast<size_t>(inputs_.at(i))]; }
  const RuntimeTensor& output(size_t i) const { return tensors_[static_cast<size_t>(outputs_.at(i))]; }
  const RuntimeTensor& tensor(int index) const { return tensors_.at(static_cast<size_t>(index)); }
  // For writing an operator's inputs before InvokeOperator.
  RuntimeTensor& mutable_tensor(int index) { return tensors_.at(static_cast<size_t>(index)); }
  size_t num_tensors() const { return tensors_.size(); }
  const Model& model() const { return model_; }
  const InterpreterOptions& options() const { return options_; }
  // True when operator `op_index` runs a fast kernel (after Prepare).
  bool RunsFastKernel(size_t op_index) const { return fast_kernel_.at(op_index); }

 private:
  void InitTensors();
  void InitVariable(RuntimeTensor& t);
  void CheckBoolBytes(size_t tensor, const uint8_t* data, int64_t bytes) const;
  // "tensor 3 ('conv/weights')".
  std::string TensorName(size_t index) const;
  // Throws Error naming the model, the subgraph and tensor `tensor`.
  [[noreturn]] void Fail(size_t tensor, const std::string& what) const;

  const Model& model_;
  size_t subgraph_;
  InterpreterOptions options_;
  std::vector<int> inputs_;
  std::vector<int> outputs_;
  std::vector<RuntimeTensor> tensors_;
  std::vector<CacheAlignedVector<uint8_t>> storage_;  // per tensor; empty for constants and shared tensors
  CacheAlignedVector<uint8_t> shared_;                // the shared tensors' block (share_memory)
  MemoryReservation memory_;                   // storage_ and shared_ bytes, against the budget
  std::unique_ptr<ThreadPool> pool_;  // when options_.threads > 1
  GraphLinks links_;
  std::vector<EvalFn> evals_;
  std::vector<bool> fast_kernel_;  // per operator: Prepare chose a fast kernel
  std::vector<OpEvent> events_;  // prebuilt so observing allocates nothing
  Observer observer_;
  StateObserver state_observer_;  // kernels hold its address
  bool observer_reads_outputs_ = true;
  bool prepared_ = false;
};

}  // namespace tinyforge::interp
