#include "libconvert/model/verify.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libconvert/model/ethos_u.h"

namespace tinyforge {
namespace {

// Longest name QuotedName prints whole.
constexpr size_t kMaxQuotedName = 64;
// A constant with more elements than this is refused before its byte size is
// computed, so the size (up to 16 bytes an element) cannot overflow int64.
constexpr int64_t kMaxConstantElements = int64_t{1} << 56;

// The checks below on unions: a set type must come with a table of a type
// our schema knows (the object API leaves the value null otherwise, and
// packing it dereferences null).
template <typename Union>
bool UnionHoldsItsTable(const Union& u) {
  return u.type == 0 || u.value != nullptr;
}

// Collects the context of a check so every message names the model and the
// place in it.
class Checker {
 public:
  explicit Checker(const Model& model) : model_(model), m_(model.raw()) {}

  void Run() {
    if (m_.version != 3) {
      Fail("schema version is " + std::to_string(m_.version) + "; only version 3 files are supported");
    }
    if (m_.subgraphs.empty()) Fail("the model has no subgraphs");
    for (size_t i = 0; i < m_.operator_codes.size(); ++i) {
      if (!m_.operator_codes[i]) Fail("operator code " + std::to_string(i) + " is missing");
    }
    for (size_t b = 0; b < m_.buffers.size(); ++b) {
      if (!m_.buffers[b]) Fail("buffer " + std::to_string(b) + " is missing");
      if (m_.buffers[b]->offset > 1 || m_.buffers[b]->size > 1) {
        Fail("buffer " + std::to_string(b) +
             " stores its data outside the flatbuffer (a model over 2 GB); such models are not "
             "supported");
      }
    }
    for (size_t i = 0; i < m_.metadata.size(); ++i) {
      CheckBufferIndex(m_.metadata[i]->buffer,
                       "metadata " + std::to_string(i) + " (" + QuotedName(m_.metadata[i]->name) + ")");
    }
    for (size_t i = 0; i < m_.metadata_buffer.size(); ++i) {
      const int32_t b = m_.metadata_buffer[i];
      if (b < 0 || static_cast<size_t>(b) >= m_.buffers.size()) {
        Fail("metadata_buffer " + std::to_string(i) + " is buffer " + std::to_string(b) +
             ", but the model has " + std::to_string(m_.buffers.size()) + " buffers");
      }
    }
    for (size_t sg = 0; sg < m_.subgraphs.size(); ++sg) CheckSubgraph(sg);
    for (size_t i = 0; i < m_.signature_defs.size(); ++i) CheckSignature(i);
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(model_.source() + ": " + what);
  }

  // `field` of an object at `where` is a union of type `type` whose name in
  // our schema is `type_name` ("" or null when unknown) with no table.
  [[noreturn]] void FailUnion(const std::string& where, const char* field, int type,
                              const char* type_name) const {
    if (type_name != nullptr && *type_name != '\0') {
      Fail(where + ": " + field + " says " + type_name + " but holds no options table");
    }
    Fail(where + ": " + field + " has type " + std::to_string(type) +
         ", which this version of tinyforge's schema does not know");
  }

  void CheckBufferIndex(uint32_t b, const std::string& where) const {
    if (b >= m_.buffers.size()) {
      Fail(where + " refers to buffer " + std::to_string(b) + ", but the model has " +
           std::to_string(m_.buffers.size()) + " buffers");
    }
  }

  void CheckTensorIndex(size_t sg, int index, const std::string& where, bool allow_omitted) const {
    const size_t n = m_.subgraphs[sg]->tensors.size();
    if (index == -1 && allow_omitted) return;
    if (index < 0 || static_cast<size_t>(index) >= n) {
      Fail(where + " is tensor " + std::to_string(index) + ", but the subgraph has " +
           std::to_string(n) + " tensors");
    }
  }

  void CheckSubgraph(size_t sg) {
    const tflite::SubGraphT& g = *m_.subgraphs[sg];
    const std::string sg_name = "subgraph " + std::to_string(sg);
    for (size_t t = 0; t < g.tensors.size(); ++t) CheckTensor(sg, t);
    for (size_t i = 0; i < g.inputs.size(); ++i) {
      CheckTensorIndex(sg, g.inputs[i], sg_name + ": input " + std::to_string(i), false);
    }
    for (size_t i = 0; i < g.outputs.size(); ++i) {
      CheckTensorIndex(sg, g.outputs[i], sg_name + ": output " + std::to_string(i), false);
    }

    // Tensors with a value before the first operator runs.
    std::vector<int> producer(g.tensors.size(), -1);  // operator index, -1: none
    std::vector<bool> ready(g.tensors.size(), false);
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      ready[t] = model_.IsConstant(*g.tensors[t]) || g.tensors[t]->is_variable;
    }
    for (int i : g.inputs) ready[static_cast<size_t>(i)] = true;
    for (size_t o = 0; o < g.operators.size(); ++o) {
      const tflite::OperatorT& op = *g.operators[o];
      if (op.opcode_index >= m_.operator_codes.size()) {
        Fail(sg_name + ", operator " + std::to_string(o) + ": operator code index " +
             std::to_string(op.opcode_index) + ", but the model has " +
             std::to_string(m_.operator_codes.size()) + " operator codes");
      }
      if (op.large_custom_options_offset > 1 || op.large_custom_options_size > 1) {
        Fail(model_.OpLocation(sg, o) +
             ": custom options are stored outside the flatbuffer (a model over 2 GB); such "
             "models are not supported");
      }
      if (!UnionHoldsItsTable(op.builtin_options)) {
        const auto type = op.builtin_options.type;
        FailUnion(model_.OpLocation(sg, o), "builtin_options", type,
                  type <= tflite::BuiltinOptions_MAX ? tflite::EnumNameBuiltinOptions(type)
                                                     : nullptr);
      }
      if (!UnionHoldsItsTable(op.builtin_options_2)) {
        const auto type = op.builtin_options_2.type;
        FailUnion(model_.OpLocation(sg, o), "builtin_options_2", type,
                  type <= tflite::BuiltinOptions2_MAX ? tflite::EnumNameBuiltinOptions2(type)
                                                      : nullptr);
      }
      for (size_t i = 0; i < op.outputs.size(); ++i) {
        const std::string where = model_.OpLocation(sg, o) + ": output " + std::to_string(i);
        CheckTensorIndex(sg, op.outputs[i], where, false);
        const size_t t = static_cast<size_t>(op.outputs[i]);
        if (producer[t] >= 0) {
          Fail(where + " is tensor " + std::to_string(t) + ", which operator " +
               std::to_string(producer[t]) + " already produces");
        }
        producer[t] = static_cast<int>(o);
      }
      for (size_t i = 0; i < op.intermediates.size(); ++i) {
        CheckTensorIndex(sg, op.intermediates[i],
                         model_.OpLocation(sg, o) + ": intermediate " + std::to_string(i), false);
      }
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        CheckTensorIndex(sg, op.inputs[i], model_.OpLocation(sg, o) + ": input " + std::to_string(i), true);
      }
    }
    // Order: an operator may only read what exists before it runs.
    for (size_t o = 0; o < g.operators.size(); ++o) {
      const tflite::OperatorT& op = *g.operators[o];
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        const int t = op.inputs[i];
        if (t < 0 || ready[static_cast<size_t>(t)]) continue;
        const int p = producer[static_cast<size_t>(t)];
        // The NPU's scratch memory of a Vela-compiled model: the runtime
        // gives it arena memory, no operator writes it first.
        if (p < 0 && IsEthosUScratchOperand(model_, sg, op, i)) continue;
        const std::string what = model_.OpLocation(sg, o) + ": input " + std::to_string(i) +
                                 " is tensor " + std::to_string(t) + " (" +
                                 QuotedName(g.tensors[static_cast<size_t>(t)]->name) + ")";
        if (p < 0) {
          Fail(what + ", which no operator produces and which is neither a subgraph input, a "
                      "constant nor a variable");
        }
        Fail(what + ", which operator " + std::to_string(p) +
             " produces later: operators are not in execution order");
      }
      for (int t : op.outputs) ready[static_cast<size_t>(t)] = true;
    }
  }

  void CheckTensor(size_t sg, size_t index) const {
    const tflite::TensorT& t = *m_.subgraphs[sg]->tensors[index];
    const std::string where = "subgraph " + std::to_string(sg) + ", tensor " + std::to_string(index) +
                              " (" + QuotedName(t.name) + ")";
    for (int32_t d : t.shape) {
      if (d < 0) Fail(where + ": negative dimension in shape " + ShapeString(t.shape));
    }
    CheckBufferIndex(t.buffer, where);
    // A sparse tensor's buffer holds compressed values and index vectors, not
    // shape x element size bytes; every reader here (and TFLM, which has no
    // sparse kernels) reads constants dense, so such a file is refused whole.
    if (t.sparsity) {
      Fail(where + " is a sparse tensor (it has a sparsity table); TFLite Micro has no sparse "
                   "kernels and tinyforge reads only dense tensors: convert the model without "
                   "sparsity");
    }
    if (model_.IsConstant(t)) {
      const int64_t count = CheckedElementCount(t.shape, where);
      const int64_t expected = DenseBytes(t.type, count);
      const size_t got = m_.buffers[t.buffer]->data.size();
      if (expected >= 0 && static_cast<size_t>(expected) != got) {
        Fail(where + ": shape " + ShapeString(t.shape) + " of " + TypeName(t.type) + " needs " +
             std::to_string(expected) + " bytes, but buffer " + std::to_string(t.buffer) + " holds " +
             std::to_string(got));
      }
    }
    if (t.quantization) CheckQuantization(t, where);
  }

  // ElementCount, failing with `where` instead of overflowing, and refusing
  // counts whose byte size could overflow.
  int64_t CheckedElementCount(const std::vector<int32_t>& shape, const std::string& where) const {
    int64_t count = 1;
    for (int32_t d : shape) {
      if (d != 0 && count > kMaxConstantElements / d) {
        Fail(where + ": shape " + ShapeString(shape) + " has too many elements for constant data");
      }
      count *= d;
    }
    return count;
  }

  void CheckQuantization(const tflite::TensorT& t, const std::string& where) const {
    const tflite::QuantizationParametersT& q = *t.quantization;
    if (!UnionHoldsItsTable(q.details)) {
      FailUnion(where + ": quantization", "details", q.details.type,
                q.details.type <= tflite::QuantizationDetails_MAX
                    ? tflite::EnumNameQuantizationDetails(q.details.type)
                    : nullptr);
    }
    const size_t n = q.scale.size();
    if (!q.zero_point.empty() && q.zero_point.size() != n) {
      Fail(where + ": quantization has " + std::to_string(n) + " scales but " +
           std::to_string(q.zero_point.size()) + " zero points");
    }
    for (const float scale : q.scale) {
      // Zero is kept (some converters write it on tensors no kernel rescales).
      if (!std::isfinite(scale) || scale < 0) {
        Fail(where + ": quantization scale " + std::to_string(scale) + " is not a finite, non-negative number");
      }
    }
    CheckZeroPoints(t, where);
    if (n <= 1) return;
    const int rank = static_cast<int>(t.shape.size());
    const int dim = q.quantized_dimension;
    // Some converters store the filter's channel axis on 1-D per-channel bias
    // tensors (person_detect: quantized_dimension 3 on a [C] bias); the only
    // axis is meant, so accept it when its size matches.
    if (rank == 1 && t.shape[0] == static_cast<int32_t>(n)) return;
    if (dim < 0 || dim >= rank) {
      Fail(where + ": quantized_dimension " + std::to_string(dim) + " is outside shape " +
           ShapeString(t.shape));
    }
    if (t.shape[static_cast<size_t>(dim)] != static_cast<int32_t>(n)) {
      Fail(where + ": " + std::to_string(n) + " scales, but dimension " + std::to_string(dim) +
           " of shape " + ShapeString(t.shape) + " has size " +
           std::to_string(t.shape[static_cast<size_t>(dim)]));
    }
  }

  // A zero point is a stored value: it lies in the range of the tensor's
  // integer type (the quantization spec), and every kernel subtracts it in
  // 32 bits. One outside (found by fuzzing: INT_MIN on an int8 ABS input)
  // would overflow that arithmetic, so the file is refused here, once.
  void CheckZeroPoints(const tflite::TensorT& t, const std::string& where) const {
    const std::optional<std::pair<int64_t, int64_t>> range = ZeroPointRange(t.type);
    if (!range) return;
    for (const int64_t z : t.quantization->zero_point) {
      if (z < range->first || z > range->second) {
        Fail(where + ": zero point " + std::to_string(z) + " is outside the " + TypeName(t.type) + " range [" +
             std::to_string(range->first) + ", " + std::to_string(range->second) + "]");
      }
    }
  }

  static std::optional<std::pair<int64_t, int64_t>> ZeroPointRange(tflite::TensorType type) {
    switch (type) {
      case tflite::TensorType_INT4: return std::make_pair(-8, 7);
      case tflite::TensorType_INT8: return std::make_pair(-128, 127);
      case tflite::TensorType_UINT8: return std::make_pair(0, 255);
      case tflite::TensorType_INT16: return std::make_pair(-32768, 32767);
      case tflite::TensorType_UINT16: return std::make_pair(0, 65535);
      case tflite::TensorType_INT32:
      case tflite::TensorType_INT64:
        return std::make_pair(int64_t{std::numeric_limits<int32_t>::min()}, int64_t{std::numeric_limits<int32_t>::max()});
      default: return std::nullopt;  // float and other tensors: the zero point is not used
    }
  }

  void CheckSignature(size_t i) const {
    const tflite::SignatureDefT& s = *m_.signature_defs[i];
    const std::string where =
        "signature " + std::to_string(i) + " (" + QuotedName(s.signature_key) + ")";
    if (s.subgraph_index >= m_.subgraphs.size()) {
      Fail(where + " refers to subgraph " + std::to_string(s.subgraph_index) + ", but the model has " +
           std::to_string(m_.subgraphs.size()));
    }
    for (const auto* maps : {&s.inputs, &s.outputs}) {
      for (const auto& m : *maps) {
        CheckTensorIndex(s.subgraph_index, static_cast<int>(m->tensor_index),
                         where + ": " + QuotedName(m->name), false);
      }
    }
  }

  const Model& model_;
  const tflite::ModelT& m_;
};

}  // namespace

void VerifyModel(const Model& model) { Checker(model).Run(); }

std::string QuotedName(const std::string& name) {
  if (name.size() <= kMaxQuotedName) return "'" + EscapeControl(name) + "'";
  return "'" + EscapeControl(name.substr(0, kMaxQuotedName)) + "...' (" +
         std::to_string(name.size()) + " bytes)";
}

}  // namespace tinyforge
