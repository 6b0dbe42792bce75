// What a kernel is: Prepare validates an operator, computes everything Eval
// needs once (multipliers, shifts, clamp ranges, padding) and returns Eval as
// a closure over that data. Eval reads it as const and cannot fail.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/tensor.h"
#include "libconvert/interp/thread_pool.h"
#include "libconvert/model/model.h"

namespace tinyforge::interp {

using EvalFn = std::function<void()>;

// What a stateful float kernel reports from inside its computation: the
// values one of its state tensors holds at that point. The float LSTM reports
// its hidden and cell state after every time step, SVDF its activation state
// after each call; calibration takes the state ranges from these.
struct StateEvent {
  size_t op_index;
  int tensor;  // the state tensor's index in the subgraph
  const float* values;
  size_t count;
};
using StateObserver = std::function<void(const StateEvent&)>;

// A kernel's handle on the interpreter's StateObserver for one state tensor;
// reports nothing while no observer is set (the common case costs one test).
class StateReporter {
 public:
  StateReporter() = default;
  StateReporter(const StateObserver* observer, size_t op_index, int tensor)
      : observer_(observer), op_index_(op_index), tensor_(tensor) {}
  bool active() const { return observer_ != nullptr && static_cast<bool>(*observer_); }
  void operator()(const float* values, size_t count) const {
    if (active()) (*observer_)(StateEvent{op_index_, tensor_, values, count});
  }

 private:
  const StateObserver* observer_ = nullptr;
  size_t op_index_ = 0;
  int tensor_ = -1;
};

// Who writes and who reads each tensor of a subgraph, and which operators
// run only for an observer: what the interpreter lets a Prepare see of the
// graph around its operator (kernels that fold a producer into themselves
// use it).
struct GraphLinks {
  std::vector<RuntimeTensor>* tensors = nullptr;
  std::vector<int> producer;  // per tensor: the operator writing it, or -1
  std::vector<int> readers;   // per tensor: operators reading it, plus one if it is a subgraph output
  std::vector<bool> only_when_observed;  // per operator
  // false: no operator reads through its producer (SoleProducer is -1), so
  // each one reads only its own inputs (Interpreter::InvokeOperator).
  bool fold_producers = true;
};

class PrepareContext {
 public:
  // reference: when true, kernels must use the plain reference arithmetic
  // (the oracle); when false they may pick a fast path that gives the same
  // integer bits (float within 1e-5 relative) where the CPU and the
  // operator's parameters allow one. links: the graph around the operator
  // (may be null: then no operator is foldable). state_observer: the
  // interpreter's StateObserver slot (it may be set or changed after Prepare),
  // or nullptr.
  PrepareContext(const Model& model, size_t subgraph, size_t op_index,
                 std::vector<RuntimeTensor*> inputs, std::vector<RuntimeTensor*> outputs,
                 bool reference = false, GraphLinks* links = nullptr, ThreadPool* pool = nullptr,
                 const StateObserver* state_observer = nullptr);

  const Model& model() const { return model_; }
  const tflite::OperatorT& op() const;
  // True when a kernel may choose a fast path (see the constructor).
  bool allow_fast() const { return !reference_; }
  // The threads a fast kernel may split its work over (null: this one).
  ThreadPool* thread_pool() const { return pool_; }
  // Called by a kernel that returns a fast kernel's Eval, so the interpreter
  // can say which operators run fast kernels (interp/fast/fast_table.h lists
  // which may).
  void NoteFastKernel() { used_fast_ = true; }
  bool used_fast_kernel() const { return used_fast_; }
  size_t num_inputs() const { return inputs_.size(); }
  size_t num_outputs() const { return outputs_.size(); }
  // Input i; an error when it is omitted (-1) or missing.
  RuntimeTensor& input(size_t i) const;
  // Input i, or nullptr when it is omitted or beyond the operator's inputs.
  RuntimeTensor* optional_input(size_t i) const;
  RuntimeTensor& output(size_t i) const;
  // Reports the values of state tensor `t` (one of this operator's inputs).
  StateReporter state_reporter(const RuntimeTensor& t) const {
    return StateReporter(state_observer_, op_index_, t.index);
  }

  // The builtin options of type T, or T's defaults when the file has none
  // (TFLite reads absent options as all-default).
  template <typename T>
  const T& options() const {
    static const T kDefaults{};
    const auto& options = op().builtin_options;
    if (options.type != tflite::BuiltinOptionsUnionTraits<T>::enum_value || !options.value) {
      return kDefaults;
    }
    return *reinterpret_cast<const T*>(options.value);
  }

  // "subgraph 0, operator 5 (CONV_2D)".
  std::string location() const;
  [[noreturn]] void Fail(const std::string& what) const;
  void Require(bool condition, const std::string& what) const {
    if (!condition) Fail(what);
  }
  // Checks the input/output counts (an input may be omitted only if optional).
  void RequireCounts(size_t min_inputs, size_t max_inputs, size_t outputs) const;
  // Checks a tensor's type.
  void RequireType(const RuntimeTensor& t, tflite::TensorType type, const std::string& role) const;
  // The values of a constant INT32 or INT64 tensor (axes, paddings, perm);
  // an error naming `role` when it is not constant.
  std::vector<int64_t> ConstantInts(const RuntimeTensor& t, const std::string& role) const;

  // The operator (its index) that writes input i when this operator is the
  // only reader of that tensor, it is no subgraph output and the writer
  // comes before this operator, so that this operator may read the
  // producer's own input in its place; -1 otherwise.
  int SoleProducer(size_t i) const;
  // Operator `op` of this subgraph, and runtime tensor `index`.
  const tflite::OperatorT& subgraph_op(size_t op) const;
  const RuntimeTensor& tensor(int index) const;
  // This operator no longer reads what operator `op` (a SoleProducer of one
  // of its inputs) writes: `op` then runs only when an observer is set.
  void RunOnlyWhenObserved(int op) const;

  // Runs a pure-math prepare step; an Error it throws gets this operator's
  // location in front of its message.
  template <typename F>
  auto Located(F&& step) const -> decltype(step()) {
    try {
      return step();
    } catch (const Error& e) {
      Fail(e.what());
    }
  }

 private:
  const Model& model_;
  size_t subgraph_;
  size_t op_index_;
  std::vector<RuntimeTensor*> inputs_;
  std::vector<RuntimeTensor*> outputs_;
  bool reference_;
  GraphLinks* links_;
  ThreadPool* pool_;
  const StateObserver* state_observer_;
  bool used_fast_ = false;
};

using PrepareFn = EvalFn (*)(PrepareContext&);

// One row of the kernel table: the operator and the type of its data input
// (KernelKeyInput) select the Prepare function.
struct KernelRegistration {
  tflite::BuiltinOperator op;
  tflite::TensorType type;
  PrepareFn prepare;
};

// The one kernel table (kernel_table.cc).
const std::vector<KernelRegistration>& KernelTable();
// nullptr when the table has no row for (op, type).
PrepareFn FindKernel(tflite::BuiltinOperator op, tflite::TensorType type);

// Whether a `reader` kernel may read through `producer` when it is the sole
// reader of the producer's output (PrepareContext::SoleProducer); the
// producer then runs only for an observer. A CONV_2D or DEPTHWISE_CONV_2D
// folds a PAD or PADV2 of H and W into its own padding (kernels/conv.cc,
// where it also checks the paddings and the pad value); the memory plan
// (shared_memory.h) keeps such a producer's output out of the way.
bool MayFoldProducer(tflite::BuiltinOperator reader, tflite::BuiltinOperator producer);

// The input whose type keys `op`'s kernel: its data input. 0 for most
// operators; SPLIT (the axis comes first), SELECT_V2 (the condition comes
// first) and TRANSPOSE_CONV (the output shape comes first) read their data
// from a later input.
size_t KernelKeyInput(tflite::BuiltinOperator op);
// The tensor whose type keys operator `op` of `model`: its data input
// (KernelKeyInput); for an operator without that input, its first present
// input, else its first output; -1 when it has none of them.
int KernelKeyTensor(const Model& model, const tflite::OperatorT& op);

}  // namespace tinyforge::interp
