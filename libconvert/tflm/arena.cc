#include "libconvert/tflm/arena.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <sstream>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/model/verify.h"

namespace tinyforge {
namespace {

int64_t AlignUp(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// x86-64 sizes of the TFLM structures the allocator places in the tail
// (TF_LITE_STATIC_MEMORY build); see the header for where each comes from.
constexpr int64_t kSingleArenaBufferAllocatorBytes = 72;
constexpr int64_t kGreedyMemoryPlannerBytes = 72;
constexpr int64_t kMicroAllocatorBytes = 72;
constexpr int64_t kBuiltinDataAllocatorBytes = 16;  // vtable pointer + allocator pointer
constexpr int64_t kSubgraphAllocationsBytes = 16;   // eval tensors + nodes pointers
constexpr int64_t kEvalTensorBytes = 24;            // TfLiteEvalTensor
constexpr int64_t kNodeAndRegistrationBytes = 64;   // TfLiteNode (56) + registration pointer
constexpr int64_t kScratchBufferHandleBytes = 8;    // ScratchBufferHandle: a data pointer
constexpr int64_t kTfLiteTensorBytes = 64;          // TfLiteTensor under TF_LITE_STATIC_MEMORY
constexpr int64_t kAffineQuantizationBytes = 24;    // TfLiteAffineQuantization
constexpr int64_t kPointerBytes = 8;
constexpr int64_t kPointerAlign = 8;
constexpr int64_t kIntArrayAlign = 4;

// The tail of the arena: allocations grow down from a 16-aligned end, each
// placed at align_down(tail - size, alignment).
class Tail {
 public:
  // Adds an allocation and charges it, with the padding it caused, to `*category`.
  void Allocate(int64_t bytes, int64_t alignment, int64_t* category) {
    const int64_t next = AlignUp(used_ + bytes, alignment);
    *category += next - used_;
    used_ = next;
  }
  int64_t used() const { return used_; }

 private:
  int64_t used_ = 0;
};

// The most one arena buffer may take: more than a 32-bit microcontroller can
// address is certainly a hostile or broken shape, and with every buffer
// under it (and a flatbuffer's < 2^31 tensors) no arena sum can overflow.
constexpr int64_t kMaxArenaBufferBytes = int64_t{1} << 32;

// `bytes` when 0 <= bytes <= kMaxArenaBufferBytes, else an Error naming
// `what` (a located tensor or operator).
int64_t CheckedBufferBytes(const Model& model, std::optional<int64_t> bytes, const std::string& what) {
  if (!bytes || *bytes < 0 || *bytes > kMaxArenaBufferBytes) {
    throw Error(model.source() + ": " + what + " needs " +
                (bytes && *bytes >= 0 ? std::to_string(*bytes) + " bytes, " : std::string("a size that overflows, ")) +
                "more than any microcontroller arena holds (4 GiB)");
  }
  return *bytes;
}

// Bytes TFLM sizes a tensor's buffer at (TfLiteEvalTensorByteLength).
int64_t TensorBytes(const Model& model, size_t sg, int index) {
  const tflite::TensorT& t = model.tensor(sg, index);
  const std::string where = "subgraph " + std::to_string(sg) + ", tensor " + std::to_string(index) + " (" +
                            QuotedName(t.name) + ")";
  const int64_t element = TflmTypeSize(t.type);
  if (element == 0) {
    throw Error(model.source() + ": " + where + ": TFLM cannot size a tensor of type " +
                std::to_string(static_cast<int>(t.type)));
  }
  const std::optional<int64_t> count = CheckedProduct(t.shape);
  return CheckedBufferBytes(model, count ? CheckedMul(*count, element) : std::nullopt,
                            where + " of shape " + ShapeString(t.shape));
}

// The "OfflineMemoryAllocation" metadata: [version, subgraph, count, offsets...]
// with one offset per tensor of all subgraphs together; empty when absent.
std::vector<int32_t> OfflineOffsets(const Model& model, size_t total_tensors) {
  const tflite::ModelT& raw = model.raw();
  for (const auto& metadata : raw.metadata) {
    if (!metadata || metadata->name != "OfflineMemoryAllocation") continue;
    if (metadata->buffer >= raw.buffers.size()) break;
    const std::vector<uint8_t>& data = raw.buffers[metadata->buffer]->data;
    if (data.size() < 12) break;
    uint32_t count = 0;
    std::memcpy(&count, data.data() + 8, 4);
    if (count != total_tensors || data.size() < 12 + 4 * static_cast<size_t>(count)) {
      throw Error(model.source() + ": OfflineMemoryAllocation metadata gives " +
                  std::to_string(count) + " offsets for " + std::to_string(total_tensors) +
                  " tensors");
    }
    std::vector<int32_t> offsets(count);
    std::memcpy(offsets.data(), data.data() + 12, 4 * static_cast<size_t>(count));
    return offsets;
  }
  return {};
}

constexpr int kUnmarked = -1;

struct Lifetime {
  int first = kUnmarked;
  int last = kUnmarked;
};

struct ScratchRequest {
  size_t subgraph = 0;
  int op = 0;
  int64_t bytes = 0;
  Lifetime life;
};

// TFLM's AllocationInfoBuilder::MarkAllocationLifetimes, walking from
// subgraph 0 into the subgraphs control-flow operators call.
class LifetimeMarker {
 public:
  LifetimeMarker(const Model& model, std::vector<ScratchRequest>& scratch)
      : model_(model), scratch_(scratch), tensors_(model.num_subgraphs()) {
    for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
      tensors_[sg].resize(model.subgraph(sg).tensors.size());
    }
  }

  void Mark(size_t sg, int depth = 0) {
    if (depth > 64) throw Error(model_.source() + ": control flow nests deeper than 64 subgraphs");
    const tflite::SubGraphT& graph = model_.subgraph(sg);
    std::vector<Lifetime>& life = tensors_[sg];
    for (int32_t t : graph.inputs) Create(life.at(t)), Use(life.at(t));
    for (size_t i = 0; i < graph.operators.size(); ++i) {
      const tflite::OperatorT& op = *graph.operators[i];
      ++scope_;
      for (int32_t t : op.outputs) Create(life.at(t));
      const int start = scope_;
      for (int called : CalledSubgraphs(op)) {
        if (called < 0 || static_cast<size_t>(called) >= model_.num_subgraphs()) {
          throw Error(model_.OpLocation(sg, i) + ": calls subgraph " + std::to_string(called) +
                      ", which the model does not have");
        }
        ++scope_;
        Mark(static_cast<size_t>(called), depth + 1);
      }
      for (int32_t t : op.inputs) {
        if (t >= 0) Use(life.at(t));
      }
      for (int32_t t : op.outputs) Use(life.at(t));
      for (ScratchRequest& request : scratch_) {
        if (request.subgraph == sg && request.op == static_cast<int>(i)) {
          if (request.life.first == kUnmarked) request.life.first = start;
          request.life.last = scope_;
        }
      }
    }
    for (int32_t t : graph.outputs) Create(life.at(t)), Use(life.at(t));
  }

  const Lifetime& tensor(size_t sg, int index) const { return tensors_[sg][index]; }

 private:
  void Create(Lifetime& l) const {
    if (l.first == kUnmarked) l.first = scope_;
  }
  void Use(Lifetime& l) const { l.last = scope_; }

  std::vector<int> CalledSubgraphs(const tflite::OperatorT& op) const {
    switch (model_.OpCode(op)) {
      case tflite::BuiltinOperator_IF:
        if (const auto* o = op.builtin_options.AsIfOptions()) {
          return {o->then_subgraph_index, o->else_subgraph_index};
        }
        break;
      case tflite::BuiltinOperator_WHILE:
        if (const auto* o = op.builtin_options.AsWhileOptions()) {
          return {o->cond_subgraph_index, o->body_subgraph_index};
        }
        break;
      case tflite::BuiltinOperator_CALL_ONCE:
        if (const auto* o = op.builtin_options.AsCallOnceOptions()) return {o->init_subgraph_index};
        break;
      default:
        break;
    }
    return {};
  }

  const Model& model_;
  std::vector<ScratchRequest>& scratch_;
  std::vector<std::vector<Lifetime>> tensors_;
  int scope_ = 0;
};

// The persistent TfLiteTensor the interpreter keeps for a subgraph-0 input or
// output, with its quantization (MicroAllocator::AllocatePersistentTfLiteTensor).
void AllocateIoTensor(const tflite::TensorT& t, Tail& tail, PersistentBreakdown& p) {
  tail.Allocate(kTfLiteTensorBytes, kPointerAlign, &p.io_tensors);
  const auto& q = t.quantization;
  if (q && !q->scale.empty() && !q->zero_point.empty()) {
    tail.Allocate(kAffineQuantizationBytes, kPointerAlign, &p.quantization);
    tail.Allocate(4 + 4 * static_cast<int64_t>(q->scale.size()), kIntArrayAlign, &p.quantization);
  }
}

}  // namespace

PlannerResult PlanGreedy(const std::vector<PlannerBuffer>& buffers) {
  PlannerResult result;
  const size_t n = buffers.size();
  result.offsets.assign(n, 0);
  if (n == 0) return result;

  // Placement order: offline buffers as added, then online ones by size,
  // largest first, ties to the later-added buffer.
  std::vector<size_t> order;
  std::vector<size_t> online;
  for (size_t i = 0; i < n; ++i) {
    (buffers[i].offline_offset == kOnlinePlanned ? online : order).push_back(i);
  }
  std::reverse(online.begin(), online.end());
  std::stable_sort(online.begin(), online.end(),
                   [&](size_t a, size_t b) { return buffers[a].size > buffers[b].size; });
  order.insert(order.end(), online.begin(), online.end());

  // Placed buffers in offset order; a new one goes after those at the same offset.
  std::vector<size_t> placed;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t id = order[k];
    const PlannerBuffer& want = buffers[id];
    int64_t offset = 0;
    if (want.offline_offset != kOnlinePlanned) {
      offset = want.offline_offset;
    } else if (k > 0) {
      for (size_t other : placed) {
        const PlannerBuffer& b = buffers[other];
        if (b.first_use > want.last_use || want.first_use > b.last_use) continue;
        if (result.offsets[other] - offset >= want.size) break;  // the gap before it fits
        offset = std::max(offset, result.offsets[other] + b.size);
      }
    }
    result.offsets[id] = offset;
    const auto at = std::upper_bound(placed.begin(), placed.end(), offset,
                                     [&](int64_t value, size_t p) { return value < result.offsets[p]; });
    placed.insert(at, id);
  }
  for (size_t i = 0; i < n; ++i) {
    result.total_bytes = std::max(result.total_bytes, result.offsets[i] + buffers[i].size);
  }
  return result;
}

int64_t PersistentBreakdown::Total() const {
  return runtime + eval_tensors + nodes + builtin_params + op_data + scratch_handles + variables +
         io_tensors + quantization;
}

ArenaEstimate EstimateTflmArena(const Model& model) {
  if (model.num_subgraphs() == 0) throw Error(model.source() + ": the model has no subgraph");
  ArenaEstimate est;
  PersistentBreakdown& p = est.persistent;
  Tail tail;
  const size_t num_subgraphs = model.num_subgraphs();

  // MicroInterpreter construction: MicroAllocator::Create.
  tail.Allocate(kSingleArenaBufferAllocatorBytes, kPointerAlign, &p.runtime);
  tail.Allocate(kGreedyMemoryPlannerBytes, kPointerAlign, &p.runtime);
  tail.Allocate(kMicroAllocatorBytes, kPointerAlign, &p.runtime);
  // AllocateTensors: StartModelAllocation.
  tail.Allocate(kBuiltinDataAllocatorBytes, kPointerAlign, &p.runtime);
  tail.Allocate(kSubgraphAllocationsBytes * static_cast<int64_t>(num_subgraphs), kPointerAlign,
                &p.runtime);
  size_t total_tensors = 0;
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    const int64_t count = static_cast<int64_t>(model.subgraph(sg).tensors.size());
    tail.Allocate(kEvalTensorBytes * count, kPointerAlign, &p.eval_tensors);
    total_tensors += model.subgraph(sg).tensors.size();
  }
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    const int64_t count = static_cast<int64_t>(model.subgraph(sg).operators.size());
    tail.Allocate(kNodeAndRegistrationBytes * count, kPointerAlign, &p.nodes);
  }

  // The kernels: Parse (builtin params) for every op, then Init, then Prepare.
  std::vector<std::vector<KernelArenaUse>> kernels(num_subgraphs);
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    for (const auto& op : model.subgraph(sg).operators) {
      kernels[sg].push_back(TflmKernelArenaUse(model, sg, *op));
      const KernelArenaUse& use = kernels[sg].back();
      if (!use.modelled) est.approximations.push_back(use.note);
      if (use.params_bytes > 0) tail.Allocate(use.params_bytes, use.params_align, &p.builtin_params);
    }
  }
  for (const auto& ops : kernels) {
    for (const KernelArenaUse& use : ops) {
      if (use.init_bytes > 0) tail.Allocate(use.init_bytes, kTflmArenaAlignment, &p.op_data);
    }
  }
  std::vector<ScratchRequest> scratch;
  for (size_t sg = 0; sg < num_subgraphs; ++sg) {
    for (size_t i = 0; i < kernels[sg].size(); ++i) {
      const KernelArenaUse& use = kernels[sg][i];
      const std::string op = model.OpLocation(sg, i);
      for (int64_t bytes : use.prepare_bytes) {
        tail.Allocate(CheckedBufferBytes(model, bytes, op + ": its kernel data"), kTflmArenaAlignment, &p.op_data);
      }
      for (int64_t bytes : use.scratch_bytes) {
        scratch.push_back({sg, static_cast<int>(i), CheckedBufferBytes(model, bytes, op + ": its scratch buffer"), {}});
      }
    }
  }

  // FinishModelAllocation: scratch handles, variables, then the plan.
  if (!scratch.empty()) {
    tail.Allocate(kScratchBufferHandleBytes * static_cast<int64_t>(scratch.size()), kPointerAlign,
                  &p.scratch_handles);
  }
  const std::vector<int32_t> offline = OfflineOffsets(model, total_tensors);
  auto offline_offset = [&](size_t flat_index) -> int64_t {
    return offline.empty() ? kOnlinePlanned : offline[flat_index];
  };
  {
    size_t flat = 0;
    for (size_t sg = 0; sg < num_subgraphs; ++sg) {
      const auto& tensors = model.subgraph(sg).tensors;
      for (size_t t = 0; t < tensors.size(); ++t, ++flat) {
        if (tensors[t]->is_variable && offline_offset(flat) == kOnlinePlanned) {
          tail.Allocate(TensorBytes(model, sg, static_cast<int>(t)), kTflmArenaAlignment,
                        &p.variables);
        }
      }
    }
  }

  LifetimeMarker marker(model, scratch);
  marker.Mark(0);
  std::vector<PlannerBuffer> plan;
  {
    size_t flat = 0;
    for (size_t sg = 0; sg < num_subgraphs; ++sg) {
      const auto& tensors = model.subgraph(sg).tensors;
      for (size_t t = 0; t < tensors.size(); ++t, ++flat) {
        const tflite::TensorT& tensor = *tensors[t];
        const int64_t bytes = TensorBytes(model, sg, static_cast<int>(t));
        const int64_t fixed = offline_offset(flat);
        const bool planned = (!model.IsConstant(tensor) && !tensor.is_variable && bytes != 0) ||
                             (tensor.is_variable && fixed != kOnlinePlanned);
        if (!planned) continue;
        const Lifetime& life = marker.tensor(sg, static_cast<int>(t));
        PlannedBuffer b;
        b.kind = PlannedBuffer::Kind::kTensor;
        b.subgraph = sg;
        b.index = static_cast<int>(t);
        b.bytes = AlignUp(bytes, kTflmArenaAlignment);
        b.first_use = life.first;
        b.last_use = life.last;
        est.buffers.push_back(b);
        plan.push_back({b.bytes, b.first_use, b.last_use, fixed});
        est.tensor_bytes += b.bytes;
      }
    }
  }
  for (const ScratchRequest& request : scratch) {
    PlannedBuffer b;
    b.kind = PlannedBuffer::Kind::kScratch;
    b.subgraph = request.subgraph;
    b.index = request.op;
    b.bytes = AlignUp(request.bytes, kTflmArenaAlignment);
    b.first_use = request.life.first;
    b.last_use = request.life.last;
    est.buffers.push_back(b);
    plan.push_back({b.bytes, b.first_use, b.last_use, kOnlinePlanned});
    est.scratch_bytes += b.bytes;
  }
  const PlannerResult placed = PlanGreedy(plan);
  for (size_t i = 0; i < est.buffers.size(); ++i) est.buffers[i].offset = placed.offsets[i];
  // The head is reserved to exactly the plan's size (ReserveNonPersistentOverlayMemory).
  est.nonpersistent_bytes = placed.total_bytes;

  // After the plan: the interpreter's input and output tensors (subgraph 0).
  const tflite::SubGraphT& main = model.subgraph(0);
  tail.Allocate(kPointerBytes * static_cast<int64_t>(main.inputs.size()), kTflmArenaAlignment,
                &p.io_tensors);
  for (int32_t t : main.inputs) AllocateIoTensor(model.tensor(0, t), tail, p);
  tail.Allocate(kPointerBytes * static_cast<int64_t>(main.outputs.size()), kTflmArenaAlignment,
                &p.io_tensors);
  for (int32_t t : main.outputs) AllocateIoTensor(model.tensor(0, t), tail, p);

  est.persistent_bytes = tail.used();
  est.total_bytes = est.nonpersistent_bytes + est.persistent_bytes;
  return est;
}

nlohmann::json ArenaEstimate::ToJson() const {
  const PersistentBreakdown& p = persistent;
  nlohmann::json buffer_list = nlohmann::json::array();
  for (const PlannedBuffer& b : buffers) {
    buffer_list.push_back({{"kind", b.kind == PlannedBuffer::Kind::kTensor ? "tensor" : "scratch"},
                           {"subgraph", b.subgraph},
                           {b.kind == PlannedBuffer::Kind::kTensor ? "tensor" : "operator", b.index},
                           {"bytes", b.bytes},
                           {"first_use", b.first_use},
                           {"last_use", b.last_use},
                           {"offset", b.offset}});
  }
  return {
      {"total_bytes", total_bytes},
      {"nonpersistent_bytes", nonpersistent_bytes},
      {"persistent_bytes", persistent_bytes},
      {"planned_tensor_bytes", tensor_bytes},
      {"planned_scratch_bytes", scratch_bytes},
      {"persistent",
       {{"runtime", p.runtime},
        {"eval_tensors", p.eval_tensors},
        {"nodes", p.nodes},
        {"builtin_params", p.builtin_params},
        {"op_data", p.op_data},
        {"scratch_handles", p.scratch_handles},
        {"variables", p.variables},
        {"io_tensors", p.io_tensors},
        {"quantization", p.quantization}}},
      {"exact", approximations.empty()},
      {"approximations", approximations},
      {"buffers", buffer_list},
  };
}

std::string ArenaEstimate::ToText() const {
  const PersistentBreakdown& p = persistent;
  std::ostringstream out;
  out << "TFLM tensor arena: " << total_bytes << " bytes"
      << (approximations.empty() ? "" : " (approximate, see below)") << "\n";
  out << "  planned (tensors + scratch): " << nonpersistent_bytes << " bytes; " << tensor_bytes
      << " B of tensors and " << scratch_bytes << " B of scratch before sharing\n";
  out << "  persistent: " << persistent_bytes << " bytes = runtime " << p.runtime
      << " + eval tensors " << p.eval_tensors << " + nodes " << p.nodes << " + op params "
      << p.builtin_params << " + op data " << p.op_data << " + scratch handles "
      << p.scratch_handles << " + variables " << p.variables << " + io tensors " << p.io_tensors
      << " + quantization " << p.quantization << "\n";
  for (const std::string& note : approximations) out << "  approximate: " << note << "\n";
  return out.str();
}

}  // namespace tinyforge
