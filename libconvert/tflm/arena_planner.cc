// The memory plan: AllocationInfoBuilder's lifetimes (micro_allocation_info.cc)
// and GreedyMemoryPlanner's placement (memory_planner/greedy_memory_planner.cc).
#include <algorithm>
#include <cstring>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/model/verify.h"
#include "libconvert/tflm/arena.h"
#include "libconvert/tflm/arena_layout.h"
#include "libconvert/tflm/arena_plan.h"

namespace tinyforge {
namespace tflm_arena {
namespace {

constexpr int kUnmarked = -1;

struct Lifetime {
  int first = kUnmarked;
  int last = kUnmarked;
};

// AllocationInfoBuilder::MarkAllocationLifetimes, walking from subgraph 0
// into the subgraphs control-flow operators call.
class LifetimeMarker {
 public:
  LifetimeMarker(const Model& model, const std::vector<ScratchRequest>& scratch)
      : model_(model), scratch_(scratch), scratch_life_(scratch.size()),
        tensors_(model.num_subgraphs()) {
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
      for (size_t r = 0; r < scratch_.size(); ++r) {
        if (scratch_[r].subgraph == sg && scratch_[r].op == static_cast<int>(i)) {
          if (scratch_life_[r].first == kUnmarked) scratch_life_[r].first = start;
          scratch_life_[r].last = scope_;
        }
      }
    }
    for (int32_t t : graph.outputs) Create(life.at(t)), Use(life.at(t));
  }

  const Lifetime& tensor(size_t sg, size_t index) const { return tensors_[sg][index]; }
  const Lifetime& scratch(size_t r) const { return scratch_life_[r]; }

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
  const std::vector<ScratchRequest>& scratch_;
  std::vector<Lifetime> scratch_life_;
  std::vector<std::vector<Lifetime>> tensors_;
  int scope_ = 0;
};

}  // namespace

int64_t CheckedBufferBytes(const Model& model, std::optional<int64_t> bytes, const std::string& what) {
  if (!bytes || *bytes < 0 || *bytes > kMaxArenaBufferBytes) {
    throw Error(model.source() + ": " + what + " needs " +
                (bytes && *bytes >= 0 ? std::to_string(*bytes) + " bytes, " : std::string("a size that overflows, ")) +
                "more than any microcontroller arena holds (4 GiB)");
  }
  return *bytes;
}

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

std::vector<int32_t> OfflineOffsets(const Model& model) {
  size_t total_tensors = 0;
  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) total_tensors += model.subgraph(sg).tensors.size();
  // The buffer holds [version, subgraph, count, offsets...] as int32s.
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

MemoryPlan PlanNonPersistent(const Model& model, const std::vector<ScratchRequest>& scratch,
                             const std::vector<int32_t>& offline) {
  LifetimeMarker marker(model, scratch);
  marker.Mark(0);
  MemoryPlan plan;
  std::vector<PlannerBuffer> requests;
  auto add = [&](PlannedBuffer b, int64_t fixed_offset) {
    requests.push_back({b.bytes, b.first_use, b.last_use, fixed_offset});
    (b.kind == PlannedBuffer::Kind::kTensor ? plan.tensor_bytes : plan.scratch_bytes) += b.bytes;
    plan.buffers.push_back(b);
  };
  size_t flat = 0;
  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    const auto& tensors = model.subgraph(sg).tensors;
    for (size_t t = 0; t < tensors.size(); ++t, ++flat) {
      const tflite::TensorT& tensor = *tensors[t];
      const int64_t bytes = TensorBytes(model, sg, static_cast<int>(t));
      const int64_t fixed = offline.empty() ? kOnlinePlanned : offline[flat];
      // Offline-planned variables join the plan; other variables live in the tail.
      const bool planned = (!model.IsConstant(tensor) && !tensor.is_variable && bytes != 0) ||
                           (tensor.is_variable && fixed != kOnlinePlanned);
      if (!planned) continue;
      const Lifetime& life = marker.tensor(sg, t);
      add({PlannedBuffer::Kind::kTensor, sg, static_cast<int>(t), AlignUp(bytes, kTflmArenaAlignment),
           life.first, life.last, 0},
          fixed);
    }
  }
  for (size_t r = 0; r < scratch.size(); ++r) {
    const Lifetime& life = marker.scratch(r);
    add({PlannedBuffer::Kind::kScratch, scratch[r].subgraph, scratch[r].op,
         AlignUp(scratch[r].bytes, kTflmArenaAlignment), life.first, life.last, 0},
        kOnlinePlanned);
  }
  const PlannerResult placed = PlanGreedy(requests);
  for (size_t i = 0; i < plan.buffers.size(); ++i) plan.buffers[i].offset = placed.offsets[i];
  plan.total_bytes = placed.total_bytes;
  return plan;
}

}  // namespace tflm_arena

}  // namespace tinyforge
