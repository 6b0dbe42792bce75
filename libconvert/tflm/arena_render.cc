// The arena estimate as JSON (inspect --json) and as text (inspect).
#include <sstream>

#include "libconvert/tflm/arena.h"

namespace tinyforge {
namespace {

std::string BoundKindName(ArenaBound::Kind kind) {
  switch (kind) {
    case ArenaBound::Kind::kUsed:
      return "used";
    case ArenaBound::Kind::kTail:
      return "tail";
    case ArenaBound::Kind::kTemp:
      return "temp";
    case ArenaBound::Kind::kHead:
      return "head";
    case ArenaBound::Kind::kPlanner:
      return "planner";
    case ArenaBound::Kind::kOverlap:
      return "overlap";
  }
  return "used";
}

}  // namespace

int64_t PersistentBreakdown::Total() const {
  return runtime + eval_tensors + nodes + builtin_params + op_data + scratch_handles + variables +
         io_tensors + quantization;
}

std::string ArenaBound::Describe() const {
  const std::string where = op < 0 ? std::string()
                                   : op_name + " (subgraph " + std::to_string(subgraph) +
                                         ", operator " + std::to_string(op) + ")";
  switch (kind) {
    case Kind::kUsed:
      return "the memory in use once AllocateTensors is done";
    case Kind::kTail:
      return where.empty() ? "a persistent allocation" : "a persistent allocation of " + where;
    case Kind::kTemp:
      return where.empty() ? "the memory planner's per-tensor records (AllocationInfo)"
                           : "the temporary tensors of " + where + " during its Prepare";
    case Kind::kHead:
      return where.empty() ? "the memory plan" : "the scratch-buffer requests after " + where;
    case Kind::kPlanner:
      return "the memory planner's working memory (" + std::to_string(planned_buffers) +
             " buffers x 40 B)";
    case Kind::kOverlap:
      return where + " allocating in Prepare while its temporary tensors are live";
  }
  return "";
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
      {"target", std::string(TflmTargetName(target))},
      {"required_bytes", required_bytes},
      {"required_by", {{"check", BoundKindName(bound.kind)}, {"what", bound.Describe()}}},
      {"used_bytes", used_bytes},
      {"nonpersistent_bytes", nonpersistent_bytes},
      {"persistent_bytes", persistent_bytes},
      {"temp_peak_bytes", temp_peak_bytes},
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
  out << "TFLM tensor arena on " << TflmTargetDescription(target) << ", --target "
      << TflmTargetName(target) << (approximations.empty() ? "" : " (approximate, see below)") << ":\n";
  out << "  required: " << required_bytes
      << " bytes, the smallest 16-byte aligned arena AllocateTensors and Invoke succeed with;"
      << " set by " << bound.Describe() << "\n";
  out << "  used:     " << used_bytes
      << " bytes, what arena_used_bytes() reports after AllocateTensors (temporary memory left out)\n";
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
