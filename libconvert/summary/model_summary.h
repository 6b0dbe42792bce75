// What a user wants to know about a model before deploying it: its inputs and
// outputs, each operator with shapes, options and cost, what its tensors
// weigh, and which operators TensorFlow Lite Micro cannot run. `tinyforge
// inspect` prints it; Summarize computes it as plain data (no printing), so
// other tools and tests can use the numbers.
//
// Units and definitions used throughout:
// - MACs: multiply-accumulates of one inference (libconvert/model/op_macs.h).
// - Parameters: elements of the constant tensors. A buffer shared by several
//   tensors is counted once (for the first tensor that uses it, scanning
//   subgraphs and tensors in order). Shape and index constants count too.
// - Weight bytes: bytes of those same constant buffers, each counted once.
//   Metadata buffers are not weights; they are listed with their sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/model/model.h"
#include "libconvert/model/op_options.h"

namespace tinyforge {

// Quantization parameters of a tensor, reduced to what a reader needs.
struct QuantSummary {
  size_t num_scales = 0;          // 0: not quantized; 1: per tensor; >1: per channel
  float scale = 0.0f;             // when num_scales == 1
  int64_t zero_point = 0;         // when num_scales == 1
  int32_t quantized_dimension = 0;  // the channel axis when num_scales > 1
};

// A tensor as seen from outside: a subgraph input/output or an operand.
struct TensorSummary {
  int index = -1;  // in its subgraph; -1 for an omitted optional operand
  std::string name;
  tflite::TensorType type = tflite::TensorType_FLOAT32;
  std::vector<int32_t> shape;
  bool constant = false;
  QuantSummary quant;
};

struct OperatorSummary {
  size_t index = 0;  // execution order within the subgraph
  std::string name;  // Model::OpName: "CONV_2D", "CUSTOM(<code>)"
  tflite::BuiltinOperator code = tflite::BuiltinOperator_ADD;
  int version = 1;
  std::vector<TensorSummary> inputs;  // index -1 where an optional input is omitted
  std::vector<TensorSummary> outputs;
  std::vector<OpOption> options;      // key options, in a fixed order per op type
  // "NONE", "RELU", "RELU6", ... for ops whose options have a fused activation;
  // nullopt for ops that have none.
  std::optional<std::string> fused_activation;
  int64_t macs = 0;
  // MicroMutableOpResolver method ("AddConv2D"); nullopt: TFLM has no kernel.
  std::optional<std::string> tflm_method;
  // Why TFLM's kernel refuses this operator's operand types (op_types.h);
  // nullopt when it takes them (or has no kernel at all).
  std::optional<std::string> tflm_type_problem;
};

struct SubgraphSummary {
  size_t index = 0;
  std::string name;
  size_t num_tensors = 0;
  std::vector<TensorSummary> inputs;
  std::vector<TensorSummary> outputs;
  std::vector<OperatorSummary> operators;
  int64_t macs = 0;
};

// Tensors of one element type, over all subgraphs.
struct TypeStats {
  tflite::TensorType type = tflite::TensorType_FLOAT32;
  int64_t tensors = 0;
  int64_t constant_tensors = 0;  // tensors with constant data (shared buffers included)
  int64_t parameters = 0;        // elements, each buffer counted once (see above)
  int64_t constant_bytes = 0;    // bytes, each buffer counted once
};

// How often an operator occurs in the model, and TFLM's method for it.
struct OpUsage {
  std::string name;
  int64_t count = 0;
  std::optional<std::string> tflm_method;
};

struct MetadataSummary {
  std::string name;
  int64_t bytes = 0;  // size of its buffer
};

struct SignatureSummary {
  std::string key;
  uint32_t subgraph = 0;
  std::vector<std::pair<std::string, uint32_t>> inputs;  // (name, tensor index)
  std::vector<std::pair<std::string, uint32_t>> outputs;
};

struct ModelSummary {
  std::string source;  // file path or label the model was loaded from
  std::string description;
  uint32_t schema_version = 0;
  std::vector<SubgraphSummary> subgraphs;
  std::vector<TypeStats> tensor_types;  // ordered by TensorType value
  std::vector<OpUsage> op_usage;        // ordered by operator name
  // Distinct operators with no TFLM kernel, by name (from op_usage).
  std::vector<std::string> ops_without_tflm_kernel;
  // Operators whose kernel refuses their operand types, one line each:
  // "subgraph 0, operator 3 (TRANSPOSE): TFLM's TRANSPOSE kernel takes ...".
  std::vector<std::string> tflm_type_problems;
  std::vector<MetadataSummary> metadata;
  std::vector<SignatureSummary> signatures;
  int64_t num_tensors = 0;    // over all subgraphs
  int64_t num_operators = 0;  // over all subgraphs
  int64_t parameters = 0;
  int64_t weight_bytes = 0;
  int64_t macs = 0;  // over all subgraphs

  // Whether TFLM can run the model as it is: a kernel for every operator,
  // and every kernel takes its operands' types.
  bool TflmRunsIt() const { return ops_without_tflm_kernel.empty() && tflm_type_problems.empty(); }
};

// Computes the summary. The model must have passed LoadModel's verification
// (indices in range); throws Error otherwise.
ModelSummary Summarize(const Model& model);

// The JSON schema name and version; bumped when a key changes meaning or goes.
inline constexpr const char* kInspectSchema = "tinyforge.inspect/2";

// The summary as a JSON document with keys in this fixed order:
// {
//   "schema": "tinyforge.inspect/2",
//   "source": str, "description": str, "schema_version": int,
//   "totals": {"subgraphs", "operators", "tensors", "parameters",
//              "weight_bytes", "macs"}: ints,
//   "subgraphs": [{
//     "index": int, "name": str, "num_tensors": int, "macs": int,
//     "inputs": [TENSOR], "outputs": [TENSOR],
//     "operators": [{
//       "index": int, "op": str, "version": int,
//       "inputs": [TENSOR or null (omitted optional input)], "outputs": [TENSOR],
//       "options": {key: str, ...}  (OpOption, in order),
//       "fused_activation": str or null, "macs": int,
//       "tflm_method": str or null, "tflm_type_problem": str or null}]}],
//   "tensor_types": [{"type": "INT8", "tensors", "constant_tensors",
//                     "parameters", "constant_bytes"}],
//   "operator_usage": [{"op": str, "count": int, "tflm_method": str or null}],
//   "tflm_missing": [str],
//   "tflm_type_problems": [str], "tflm_runs": bool,
//   "metadata": [{"name": str, "bytes": int}],
//   "signatures": [{"key": str, "subgraph": int,
//                   "inputs": [{"name": str, "tensor": int}], "outputs": [...]}]
// }
// TENSOR = {"index": int, "name": str, "type": "INT8", "shape": [int],
//           "constant": bool, "quantization": null or QUANT}
// QUANT  = {"num_scales": int, "scale": number or null, "zero_point": int or
//           null, "quantized_dimension": int}  (scale and zero_point are
//           null when per channel, num_scales > 1)
// Types are TensorType names (dtype.h TypeName). `tinyforge inspect` adds
// "tflm_arena" (libconvert/tflm/arena.h ArenaEstimate::ToJson: "target",
// "required_bytes", "used_bytes", the breakdown and the plan).
nlohmann::ordered_json ToJson(const ModelSummary& summary);

// Human-readable text: header, inputs/outputs, an aligned table of operators
// per subgraph, then tensors by type, totals, metadata, signatures and TFLM
// support. Ends with a newline.
std::string FormatSummary(const ModelSummary& summary);

}  // namespace tinyforge
