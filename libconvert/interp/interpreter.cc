#include "libconvert/interp/interpreter.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

#include "libconvert/base/checked_math.h"
#include "libconvert/interp/shared_memory.h"
#include "libconvert/interp/work.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/ethos_u.h"
#include "libconvert/model/verify.h"

namespace tinyforge::interp {

namespace {

// A kernel's own checks name the file and the operator (PrepareContext::Fail,
// Located); an Error from deeper down that a kernel did not wrap (pure
// arithmetic such as QuantizeMultiplier) gets the same prefix here, so no
// Prepare error reaches the user without the file it is about (found by the
// command-line campaign, tests/fuzz/cli_campaign.sh).
EvalFn PrepareLocated(PrepareFn prepare, PrepareContext& ctx, const Model& model, size_t subgraph, size_t op_index) {
  try {
    return prepare(ctx);
  } catch (const Error& e) {
    const std::string file = model.source() + ": ";
    if (std::string_view(e.what()).substr(0, file.size()) == file) throw;
    throw Error(file + model.OpLocation(subgraph, op_index) + ": " + e.what(), e.code());
  }
}

}  // namespace

Interpreter::Interpreter(const Model& model, size_t subgraph, InterpreterOptions options)
    : model_(model), subgraph_(subgraph), options_(options) {
  if (subgraph >= model.num_subgraphs()) {
    throw Error(model.source() + ": the model has no subgraph " + std::to_string(subgraph));
  }
  const auto& g = model.subgraph(subgraph);
  inputs_ = g.inputs;
  outputs_ = g.outputs;
}

// Sizes every tensor (checked: a shape may claim more elements than int64
// holds), reserves the storage of the non-constant ones against the memory
// budget, and only then allocates it.
void Interpreter::InitTensors() {
  const auto& g = model_.subgraph(subgraph_);
  tensors_.assign(g.tensors.size(), RuntimeTensor{});
  storage_.assign(g.tensors.size(), {});
  // A subgraph input is the caller's to write, even where the file gives
  // it data: it gets its own bytes, never the model's (written there, the
  // caller's values would change the Model every interpreter and worker
  // shares, after fast kernels packed the old ones at Prepare).
  std::vector<bool> is_input(g.tensors.size(), false);
  for (int i : inputs_) {
    if (i >= 0 && static_cast<size_t>(i) < is_input.size()) is_input[static_cast<size_t>(i)] = true;
  }
  int64_t total = 0;
  size_t largest = 0;
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    const tflite::TensorT& meta = *g.tensors[i];
    RuntimeTensor& t = tensors_[i];
    t.index = static_cast<int>(i);
    t.meta = &meta;
    t.type = meta.type;
    t.shape = ref::Shape(meta.shape);
    t.variable = meta.is_variable;
    if (meta.quantization && !meta.quantization->scale.empty()) {
      t.scale = meta.quantization->scale[0];
      t.zero_point = meta.quantization->zero_point.empty()
                         ? 0
                         : static_cast<int32_t>(meta.quantization->zero_point[0]);
    }
    const std::optional<int64_t> count = CheckedProduct(meta.shape);
    if (!count || (ElementSize(meta.type) > 0 && DenseBytes(meta.type, *count) < 0)) {
      Fail(i, "shape " + ShapeString(meta.shape) + " has more elements than tinyforge can count");
    }
    const int64_t bytes = std::max<int64_t>(DenseBytes(meta.type, *count), 0);
    if (model_.IsConstant(meta) && !meta.is_variable && !is_input[i]) {
      // Constant data stays in the model; kernels only read it.
      t.constant = true;
      const Span<const uint8_t> data = model_.ConstantBytes(meta);
      if (data.size() < static_cast<uint64_t>(bytes)) {
        Fail(i, "shape " + ShapeString(meta.shape) + " of " + TypeName(meta.type) + " needs " +
                    std::to_string(bytes) + " bytes, but its buffer holds " + std::to_string(data.size()));
      }
      if (meta.type == tflite::TensorType_BOOL) CheckBoolBytes(i, data.data(), bytes);
      t.data = const_cast<uint8_t*>(data.data());
      t.bytes = data.size();
      continue;
    }
    t.bytes = static_cast<size_t>(bytes);
    const std::optional<int64_t> sum = CheckedAdd(total, bytes);
    if (!sum) Fail(i, "the subgraph's tensors need more bytes than tinyforge can count");
    total = *sum;
    if (t.bytes > tensors_[largest].bytes || tensors_[largest].constant) largest = i;
  }
  // Shared tensors take their block's bytes instead of their own.
  SharedMemoryPlan plan;
  if (options_.share_memory && options_.fold_producers) {
    std::vector<int64_t> bytes(tensors_.size(), -1);
    for (size_t i = 0; i < tensors_.size(); ++i) {
      if (!tensors_[i].constant && !tensors_[i].variable) bytes[i] = static_cast<int64_t>(tensors_[i].bytes);
    }
    std::vector<tflite::BuiltinOperator> codes;
    for (const auto& op : g.operators) codes.push_back(model_.OpCode(*op));
    plan = PlanSharedMemory(g, codes, bytes);
    int64_t own = total;  // the tensors that keep their own bytes
    for (int i : plan.tensors) own -= static_cast<int64_t>(tensors_[static_cast<size_t>(i)].bytes);
    // Both parts fit int64 alone; together they may not (hostile shapes):
    // then nothing shares and the budget refuses the total as before.
    const std::optional<int64_t> with_plan = CheckedAdd(own, plan.total_bytes);
    if (with_plan) {
      total = *with_plan;
    } else {
      plan = SharedMemoryPlan();
    }
  }
  memory_ = MemoryReservation();
  if (total > 0) {
    memory_ = MemoryReservation(
        total, model_.source() + ": subgraph " + std::to_string(subgraph_) + "'s tensors (the largest, " +
                   TensorName(largest) + " of shape " + ShapeString(g.tensors[largest]->shape) + ", " +
                   std::to_string(tensors_[largest].bytes) + " bytes)");
  }
  shared_.assign(static_cast<size_t>(plan.total_bytes), 0);
  std::vector<int64_t> shared_offset(tensors_.size(), -1);
  for (size_t k = 0; k < plan.tensors.size(); ++k) {
    shared_offset[static_cast<size_t>(plan.tensors[k])] = plan.offsets[k];
  }
  for (size_t i = 0; i < tensors_.size(); ++i) {
    RuntimeTensor& t = tensors_[i];
    if (t.constant) continue;
    if (shared_offset[i] >= 0) {
      t.data = shared_.data() + shared_offset[i];
      continue;
    }
    storage_[i].assign(t.bytes, 0);
    // A tensor with a zero dimension holds no bytes, but its data pointer is
    // still passed to memcpy and memset (of 0 bytes), which must not get
    // null (found by fuzzing): it points at a byte no one reads.
    alignas(16) static uint8_t no_bytes[16];
    t.data = t.bytes == 0 ? no_bytes : storage_[i].data();
    if (t.variable) InitVariable(t);
  }
}

// Kernels read BOOL elements as C++ bool, whose only values are 0 and 1: a
// file's constant holding another byte would be undefined behaviour there
// (found by fuzzing: SELECT_V2 on a condition byte of 255). Data files are
// checked the same way when read (npy_header.cc); kernels only write 0 or 1.
void Interpreter::CheckBoolBytes(size_t tensor, const uint8_t* data, int64_t bytes) const {
  const uint8_t* bad = std::find_if(data, data + bytes, [](uint8_t b) { return b > 1; });
  if (bad != data + bytes) {
    Fail(tensor, "BOOL element " + std::to_string(bad - data) + " holds the byte " + std::to_string(*bad) +
                     "; a BOOL is 0 or 1");
  }
}

std::string Interpreter::TensorName(size_t index) const {
  const auto& tensors = model_.subgraph(subgraph_).tensors;
  return "tensor " + std::to_string(index) +
         (index < tensors.size() ? " (" + QuotedName(tensors[index]->name) + ")" : std::string());
}

void Interpreter::Fail(size_t tensor, const std::string& what) const {
  throw Error(model_.source() + ": subgraph " + std::to_string(subgraph_) + ", " + TensorName(tensor) + ": " + what);
}

// As TFLM resets a variable (recurrent state): an int8 tensor is filled with
// its zero point byte, every other type with zero bytes. Buffer data a
// variable may carry is not used, by TFLM either.
void Interpreter::InitVariable(RuntimeTensor& t) {
  const int value = t.type == tflite::TensorType_INT8 ? t.zero_point : 0;
  std::memset(t.data, value, t.bytes);
}

void Interpreter::ResetVariables() {
  for (RuntimeTensor& t : tensors_) {
    if (t.variable) InitVariable(t);
  }
}

void Interpreter::Prepare() {
  RefuseEthosUOperators(model_);
  InitTensors();
  const auto& g = model_.subgraph(subgraph_);
  const size_t n = g.operators.size();

  // Find every kernel first, so one error lists everything that is missing.
  std::vector<PrepareFn> prepares(n, nullptr);
  std::vector<std::string> missing;
  for (size_t o = 0; o < n; ++o) {
    const tflite::OperatorT& op = *g.operators[o];
    const tflite::BuiltinOperator code = model_.OpCode(op);
    const int key = KernelKeyTensor(model_, op);
    const tflite::TensorType type =
        key >= 0 ? tensors_[static_cast<size_t>(key)].type : tflite::TensorType_FLOAT32;
    prepares[o] = FindKernel(code, type);
    if (!prepares[o]) {
      missing.push_back("operator " + std::to_string(o) + " " + model_.OpName(op) + " with " +
                        TypeName(type) + " input");
    }
  }
  if (!missing.empty()) {
    std::string message = model_.source() + ": subgraph " + std::to_string(subgraph_) + ": no kernel for " +
                          std::to_string(missing.size()) + " operator" + (missing.size() > 1 ? "s" : "") + ": ";
    for (size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
    throw Error(message);
  }

  links_ = GraphLinks{&tensors_, std::vector<int>(tensors_.size(), -1), std::vector<int>(tensors_.size(), 0),
                      std::vector<bool>(n, false), options_.fold_producers};
  for (size_t o = 0; o < n; ++o) {
    for (int i : g.operators[o]->inputs) {
      if (i >= 0) ++links_.readers[static_cast<size_t>(i)];
    }
    for (int i : g.operators[o]->outputs) links_.producer[static_cast<size_t>(i)] = static_cast<int>(o);
  }
  for (int i : outputs_) ++links_.readers[static_cast<size_t>(i)];

  if (options_.threads > 1 && !pool_) pool_ = std::make_unique<ThreadPool>(options_.threads);
  evals_.clear();
  fast_kernel_.clear();
  events_.clear();
  std::vector<bool> runs(n, true);
  for (size_t o = 0; o < n; ++o) {
    const tflite::OperatorT& op = *g.operators[o];
    std::vector<RuntimeTensor*> ins, outs;
    for (int i : op.inputs) ins.push_back(i >= 0 ? &tensors_[static_cast<size_t>(i)] : nullptr);
    for (int i : op.outputs) {
      RuntimeTensor* t = &tensors_[static_cast<size_t>(i)];
      if (t->constant) {
        throw Error(model_.source() + ": " + model_.OpLocation(subgraph_, o) + ": output " +
                    TensorName(static_cast<size_t>(i)) + " has constant data");
      }
      outs.push_back(t);
    }
    PrepareContext ctx(model_, subgraph_, o, ins, outs, options_.reference, &links_, pool_.get(), &state_observer_);
    evals_.push_back(PrepareLocated(prepares[o], ctx, model_, subgraph_, o));
    // An operator whose every output is empty has nothing to compute, but
    // its loops may still run over an outer dimension of billions (the
    // model fuzzer's MAX_POOL_2D over [880783545, 0, 6, 4] ran for minutes).
    // State it would update (a variable input) must be empty too.
    const auto empty = [](const RuntimeTensor* t) { return t->count() == 0; };
    const auto state = [&empty](const RuntimeTensor* t) { return t != nullptr && t->variable && !empty(t); };
    if (!outs.empty() && std::all_of(outs.begin(), outs.end(), empty) && std::none_of(ins.begin(), ins.end(), state)) {
      evals_.back() = [] {};
      runs[o] = false;
    }
    fast_kernel_.push_back(ctx.used_fast_kernel());
    events_.push_back(OpEvent{o, model_.OpCode(op), {outs.begin(), outs.end()}});
  }
  // After every operator's own checks, so a model over the budget is still
  // refused for what is wrong with it first.
  CheckWorkBudget(model_, subgraph_, runs);
  prepared_ = true;
}

void Interpreter::Invoke() {
  if (!prepared_) throw Error("Interpreter::Invoke called before Prepare", ErrorCode::kInternal);
  const bool run_all = observer_ && observer_reads_outputs_;
  for (size_t o = 0; o < evals_.size(); ++o) {
    if (!run_all && links_.only_when_observed[o]) continue;
    evals_[o]();
    if (observer_) observer_(events_[o]);
  }
}

void Interpreter::InvokeOperator(size_t op_index) {
  if (!prepared_) throw Error("Interpreter::InvokeOperator called before Prepare", ErrorCode::kInternal);
  if (options_.fold_producers) {
    throw Error("Interpreter::InvokeOperator needs InterpreterOptions::fold_producers = false", ErrorCode::kInternal);
  }
  evals_.at(op_index)();
}

}  // namespace tinyforge::interp
