// The allocation walk: every allocation MicroInterpreter's constructor and
// AllocateTensors() make, in TFLM's order (micro_allocator.cc,
// micro_interpreter.cc, micro_interpreter_graph.cc, micro_context.cc), with
// the lower bound each check puts on the arena size (see arena.h).
#include <algorithm>

#include "libconvert/base/error.h"
#include "libconvert/tflm/arena.h"
#include "libconvert/tflm/arena_layout.h"
#include "libconvert/tflm/arena_plan.h"

namespace tinyforge {
namespace {

using tflm_arena::AlignUp;
using tflm_arena::IntArrayBytes;
using tflm_arena::QuantizationChannels;
using tflm_arena::RuntimeLayout;
using tflm_arena::StructSize;

// SingleArenaBufferAllocator seen from a 16-aligned arena of unknown size A,
// a multiple of 16: the tail in bytes used at the end, head and temp as
// offsets from the start. Each check raises the lower bound on A.
class ArenaReplay {
 public:
  explicit ArenaReplay(const RuntimeLayout& layout) : layout_(layout) {}

  // The operator whose Prepare runs (-1: none), for the bound's description.
  void SetOperator(int sg, int op, std::string name) {
    sg_ = sg;
    op_ = op;
    op_name_ = std::move(name);
  }

  // AllocatePersistentBuffer: fails only when the tail would cross the head.
  void Persistent(int64_t bytes, int64_t align, int64_t* category, bool written = true) {
    const int64_t next = AlignUp(tail_ + bytes, align);
    if (category != nullptr) *category += next - tail_;
    tail_ = next;
    Require(tail_ + head_, ArenaBound::Kind::kTail);
    // During a Prepare with live temporaries, the new tail must not reach
    // them, but for their last bytes no kernel reads again.
    if (temp_ > head_ && written) Require(tail_ + temp_ - unread_top_, ArenaBound::Kind::kOverlap);
  }
  void Persistent(const StructSize& s, int64_t count, int64_t* category) {
    Persistent(s.bytes * count, s.align, category);
  }

  // AllocateTemp: just above the head and earlier temporaries.
  void Temp(int64_t bytes, int64_t align) {
    temp_ = AlignUp(temp_, align) + bytes;
    temp_peak_ = std::max(temp_peak_, temp_);
    Require(temp_ + tail_, ArenaBound::Kind::kTemp);
  }

  // AllocateTempInput/OutputTensor: a TfLiteTensor, and its quantization
  // with one zero point per channel when it has any.
  void TempTensor(const tflite::TensorT& t) {
    Temp(layout_.tflite_tensor.bytes, layout_.tflite_tensor.align);
    unread_top_ = layout_.tensor_unread_tail;
    if (const int64_t channels = QuantizationChannels(t)) {
      Temp(layout_.affine_quantization.bytes, layout_.affine_quantization.align);
      Temp(IntArrayBytes(channels), 4);
      unread_top_ = IntArrayBytes(channels) + layout_.quantization_unread_tail;
    }
  }

  // ResetTempAllocations: every temporary released at once.
  void ResetTemp() { temp_ = head_; }

  // ResizeBuffer of the one head buffer (starts at the 16-aligned arena start).
  void ResizeHead(int64_t bytes) {
    head_ = bytes;
    temp_ = head_;
    Require(head_ + tail_, ArenaBound::Kind::kHead);
  }

  // CommitStaticMemoryPlan hands the planner all memory between the aligned
  // temp end and the aligned tail (GetAvailableMemory(16)), and the planner
  // refuses more buffers than fit at 40 bytes each. With no buffer to add,
  // even a "negative" remainder passes.
  void Planner(int64_t planned_buffers) {
    if (planned_buffers == 0) return;
    const int64_t need = AlignUp(temp_, kTflmArenaAlignment) +
                         tflm_arena::kPlannerBytesPerBuffer * planned_buffers +
                         AlignUp(tail_, kTflmArenaAlignment);
    Require(need, ArenaBound::Kind::kPlanner, planned_buffers);
  }

  int64_t head() const { return head_; }
  int64_t tail() const { return tail_; }
  int64_t temp_peak() const { return temp_peak_; }
  const ArenaBound& bound() const { return bound_; }

 private:
  void Require(int64_t bytes, ArenaBound::Kind kind, int64_t planned_buffers = 0) {
    if (bytes <= bound_.bytes) return;
    bound_.kind = kind;
    bound_.bytes = bytes;
    bound_.subgraph = sg_;
    bound_.op = op_;
    bound_.op_name = op_name_;
    bound_.planned_buffers = planned_buffers;
  }

  const RuntimeLayout& layout_;
  int64_t tail_ = 0;
  int64_t head_ = 0;
  int64_t temp_ = 0;
  int64_t temp_peak_ = 0;
  int64_t unread_top_ = 0;
  int sg_ = -1;
  int op_ = -1;
  std::string op_name_;
  ArenaBound bound_;
};

// The operand a temp step names, or nullptr when the kernel skips it (index
// past the operator's operands, or an omitted optional operand).
const tflite::TensorT* StepOperand(const Model& model, size_t sg, const tflite::OperatorT& op,
                                   const PrepareStep& step) {
  const std::vector<int32_t>& list =
      step.kind == PrepareStep::Kind::kTempInput ? op.inputs : op.outputs;
  if (step.value < 0 || static_cast<size_t>(step.value) >= list.size()) return nullptr;
  const int32_t index = list[static_cast<size_t>(step.value)];
  return index < 0 ? nullptr : &model.tensor(sg, index);
}

// The persistent TfLiteTensor the interpreter keeps for a subgraph-0 input or
// output, with its quantization (MicroAllocator::AllocatePersistentTfLiteTensor).
void IoTensor(const tflite::TensorT& t, const RuntimeLayout& layout, ArenaReplay& arena,
              PersistentBreakdown& p) {
  arena.Persistent(layout.tflite_tensor, 1, &p.io_tensors);
  if (const int64_t channels = QuantizationChannels(t)) {
    arena.Persistent(layout.affine_quantization, 1, &p.quantization);
    arena.Persistent(IntArrayBytes(channels), 4, &p.quantization);
  }
}

}  // namespace

ArenaEstimate EstimateTflmArena(const Model& model, TflmTarget target) {
  if (model.num_subgraphs() == 0) throw Error(model.source() + ": the model has no subgraph");
  const RuntimeLayout& layout = tflm_arena::LayoutFor(target);
  ArenaEstimate est;
  est.target = target;
  PersistentBreakdown& p = est.persistent;
  ArenaReplay arena(layout);
  const size_t num_subgraphs = model.num_subgraphs();
  const int64_t request_bytes = layout.scratch_buffer_request.bytes;

  // MicroInterpreter construction: MicroAllocator::Create.
  arena.Persistent(layout.single_arena_buffer_allocator, 1, &p.runtime);
  arena.Persistent(layout.greedy_memory_planner, 1, &p.runtime);
  arena.Persistent(layout.micro_allocator, 1, &p.runtime);
  // AllocateTensors: StartModelAllocation.
  arena.Persistent(layout.builtin_data_allocator, 1, &p.runtime);
  arena.ResizeHead(request_bytes * tflm_arena::kMaxScratchBuffersPerOp);
  arena.Persistent(layout.subgraph_allocations, static_cast<int64_t>(num_subgraphs), &p.runtime);
  size_t total_tensors = 0;
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    const size_t count = model.subgraph(sg).tensors.size();
    arena.Persistent(layout.eval_tensor, static_cast<int64_t>(count), &p.eval_tensors);
    total_tensors += count;
  }
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    const int64_t count = static_cast<int64_t>(model.subgraph(sg).operators.size());
    arena.Persistent(layout.node_and_registration, count, &p.nodes);
  }

  // The kernels: Parse (builtin params) for every op, then Init, then Prepare.
  std::vector<std::vector<KernelArenaUse>> kernels(num_subgraphs);
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    for (const auto& op : model.subgraph(sg).operators) {
      kernels[sg].push_back(TflmKernelArenaUse(model, sg, *op, target));
      const KernelArenaUse& use = kernels[sg].back();
      if (!use.modelled) est.approximations.push_back(use.note);
      if (use.params_bytes > 0) arena.Persistent(use.params_bytes, use.params_align, &p.builtin_params);
    }
  }
  for (const auto& ops : kernels) {
    for (const KernelArenaUse& use : ops) {
      if (use.init_bytes > 0) arena.Persistent(use.init_bytes, kTflmArenaAlignment, &p.op_data);
    }
  }
  std::vector<tflm_arena::ScratchRequest> scratch;
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    for (size_t i = 0; i < kernels[sg].size(); ++i) {
      const tflite::OperatorT& op = *model.subgraph(sg).operators[i];
      arena.SetOperator(static_cast<int>(sg), static_cast<int>(i), model.OpName(op));
      const std::string where = model.OpLocation(sg, i);
      for (const PrepareStep& step : kernels[sg][i].prepare) {
        switch (step.kind) {
          case PrepareStep::Kind::kTempInput:
          case PrepareStep::Kind::kTempOutput:
            if (const tflite::TensorT* t = StepOperand(model, sg, op, step)) arena.TempTensor(*t);
            break;
          case PrepareStep::Kind::kPersistent:
          case PrepareStep::Kind::kPersistentUnwritten:
            arena.Persistent(tflm_arena::CheckedBufferBytes(model, step.value, where + ": its kernel data"),
                             kTflmArenaAlignment, &p.op_data,
                             step.kind == PrepareStep::Kind::kPersistent);
            break;
          case PrepareStep::Kind::kScratch:
            scratch.push_back({sg, static_cast<int>(i),
                               tflm_arena::CheckedBufferBytes(model, step.value, where + ": its scratch buffer")});
            break;
        }
      }
      // FinishPrepareNodeAllocations, after every operator: temporaries
      // released, and the head keeps room for 12 more scratch requests.
      arena.ResetTemp();
      arena.ResizeHead(request_bytes * (static_cast<int64_t>(scratch.size()) +
                                        tflm_arena::kMaxScratchBuffersPerOp));
    }
  }
  arena.SetOperator(-1, -1, "");

  // FinishModelAllocation: a handle per scratch request.
  if (!scratch.empty()) {
    arena.Persistent(layout.scratch_buffer_handle, static_cast<int64_t>(scratch.size()),
                     &p.scratch_handles);
  }
  // CommitStaticMemoryPlan: the plan offsets per subgraph and an
  // AllocationInfo per tensor and scratch buffer, as temporaries; variables
  // in the tail (unless offline planned); then the planner.
  arena.Temp(layout.size_type.bytes * static_cast<int64_t>(num_subgraphs), layout.size_type.align);
  arena.Temp(layout.allocation_info.bytes * static_cast<int64_t>(total_tensors + scratch.size()),
             layout.allocation_info.align);
  const std::vector<int32_t> offline = tflm_arena::OfflineOffsets(model);
  {
    size_t flat = 0;
    for (size_t sg = 0; sg < num_subgraphs; ++sg) {
      const auto& tensors = model.subgraph(sg).tensors;
      for (size_t t = 0; t < tensors.size(); ++t, ++flat) {
        if (tensors[t]->is_variable && (offline.empty() || offline[flat] == kOnlinePlanned)) {
          arena.Persistent(tflm_arena::TensorBytes(model, sg, static_cast<int>(t)),
                           kTflmArenaAlignment, &p.variables, /*written=*/false);
        }
      }
    }
  }
  tflm_arena::MemoryPlan plan = tflm_arena::PlanNonPersistent(model, scratch, offline);
  arena.Planner(static_cast<int64_t>(plan.buffers.size()));
  // The temporaries and the request area are released, and the head is
  // reserved to exactly the plan (ReserveNonPersistentOverlayMemory).
  arena.ResetTemp();
  arena.ResizeHead(0);
  arena.ResizeHead(plan.total_bytes);

  // Back in AllocateTensors: the interpreter's input and output tensors (subgraph 0).
  const tflite::SubGraphT& main = model.subgraph(0);
  for (const std::vector<int32_t>* list : {&main.inputs, &main.outputs}) {
    arena.Persistent(layout.pointer.bytes * static_cast<int64_t>(list->size()), kTflmArenaAlignment,
                     &p.io_tensors);
    for (int32_t t : *list) IoTensor(model.tensor(0, t), layout, arena, p);
  }

  est.nonpersistent_bytes = arena.head();
  est.persistent_bytes = arena.tail();
  est.used_bytes = est.nonpersistent_bytes + est.persistent_bytes;
  est.bound = arena.bound();
  if (est.bound.bytes == est.used_bytes) est.bound.kind = ArenaBound::Kind::kUsed;
  est.required_bytes = AlignUp(est.bound.bytes, kTflmArenaAlignment);
  est.temp_peak_bytes = arena.temp_peak();
  est.tensor_bytes = plan.tensor_bytes;
  est.scratch_bytes = plan.scratch_bytes;
  est.buffers = std::move(plan.buffers);
  return est;
}

}  // namespace tinyforge
