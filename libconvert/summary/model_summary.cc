#include "libconvert/summary/model_summary.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "libconvert/model/dtype.h"
#include "libconvert/tflm/op_types.h"
#include "libconvert/tflm/ops.h"

namespace tinyforge {
namespace {

using tflite::BuiltinOperator;

// --- small helpers -----------------------------------------------------------

// Product of dims, or nullopt when a dim is negative (unknown) or the product
// overflows: MACs of such an op are reported as 0 rather than guessed.
std::optional<int64_t> KnownElements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (const int32_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d != 0 && n > INT64_MAX / d) return std::nullopt;
    n *= d;
  }
  return n;
}

std::string HxW(int32_t h, int32_t w) { return std::to_string(h) + "x" + std::to_string(w); }

std::string FormatFloat(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", v);
  return text;
}

std::string FormatBool(bool v) { return v ? "true" : "false"; }

std::string FormatInts(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(values[i]);
  }
  return s + "]";
}

// 1234567 -> "1,234,567".
std::string Thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

// "1 operator", "31 operators".
std::string Count(int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// 7489664 -> "7.49 M"; below 1000 the plain number.
std::string Si(int64_t v) {
  static const char* const kUnits[] = {"", " k", " M", " G", " T"};
  double x = static_cast<double>(v);
  size_t unit = 0;
  while (x >= 1000.0 && unit + 1 < std::size(kUnits)) {
    x /= 1000.0;
    ++unit;
  }
  if (unit == 0) return std::to_string(v);
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g%s", x, kUnits[unit]);
  return text;
}

// 217184 -> "212.1 KiB".
std::string Binary(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB"};
  double x = static_cast<double>(bytes);
  size_t unit = 0;
  while (x >= 1024.0 && unit + 1 < std::size(kUnits)) {
    x /= 1024.0;
    ++unit;
  }
  if (unit == 0) return std::to_string(bytes) + " B";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", x, kUnits[unit]);
  return text;
}

// --- tensors -----------------------------------------------------------------

QuantSummary SummarizeQuant(const tflite::TensorT& t) {
  QuantSummary q;
  if (!t.quantization) return q;
  const tflite::QuantizationParametersT& p = *t.quantization;
  q.num_scales = p.scale.size();
  q.quantized_dimension = p.quantized_dimension;
  if (q.num_scales == 1) {
    q.scale = p.scale[0];
    q.zero_point = p.zero_point.empty() ? 0 : p.zero_point[0];
  }
  return q;
}

TensorSummary SummarizeTensor(const Model& model, size_t sg, int index) {
  TensorSummary s;
  s.index = index;
  if (index < 0) return s;  // an omitted optional operand
  const tflite::TensorT& t = model.tensor(sg, index);
  s.name = t.name;
  s.type = t.type;
  s.shape = t.shape;
  s.constant = model.IsConstant(t);
  s.quant = SummarizeQuant(t);
  return s;
}

// The shape of operand `i` of `op`, or nullptr when it is absent or omitted.
const std::vector<int32_t>* OperandShape(const Model& model, size_t sg,
                                         const std::vector<int32_t>& operands, size_t i) {
  if (i >= operands.size() || operands[i] < 0) return nullptr;
  return &model.tensor(sg, operands[i]).shape;
}

// The values of a constant INT32/INT64 operand (axes, permutations, paddings).
std::optional<std::vector<int64_t>> ConstantInts(const Model& model, size_t sg,
                                                 const tflite::OperatorT& op, size_t i) {
  if (i >= op.inputs.size() || op.inputs[i] < 0) return std::nullopt;
  const tflite::TensorT& t = model.tensor(sg, op.inputs[i]);
  if (!model.IsConstant(t)) return std::nullopt;
  std::vector<int64_t> values;
  if (t.type == tflite::TensorType_INT32) {
    for (const int32_t v : model.ConstantValues<int32_t>(t)) values.push_back(v);
  } else if (t.type == tflite::TensorType_INT64) {
    for (const int64_t v : model.ConstantValues<int64_t>(t)) values.push_back(v);
  } else {
    return std::nullopt;
  }
  return values;
}

// --- MACs --------------------------------------------------------------------

int64_t CountMacs(const Model& model, size_t sg, const tflite::OperatorT& op) {
  const auto in = [&](size_t i) { return OperandShape(model, sg, op.inputs, i); };
  const auto out = [&](size_t i) { return OperandShape(model, sg, op.outputs, i); };
  // Product of a known element count and factors; 0 when anything is unknown.
  const auto product = [](const std::vector<int32_t>* shape, std::initializer_list<int64_t> f) {
    if (shape == nullptr) return int64_t{0};
    const std::optional<int64_t> n = KnownElements(*shape);
    if (!n) return int64_t{0};
    int64_t p = *n;
    for (const int64_t x : f) {
      if (x < 0) return int64_t{0};
      p *= x;
    }
    return p;
  };

  switch (model.OpCode(op)) {
    case tflite::BuiltinOperator_CONV_2D: {
      const auto* filter = in(1);  // [out_c, kh, kw, in_c / groups]
      if (filter == nullptr || filter->size() != 4) return 0;
      return product(out(0), {(*filter)[1], (*filter)[2], (*filter)[3]});
    }
    case tflite::BuiltinOperator_DEPTHWISE_CONV_2D: {
      const auto* filter = in(1);  // [1, kh, kw, out_c]
      if (filter == nullptr || filter->size() != 4) return 0;
      return product(out(0), {(*filter)[1], (*filter)[2]});
    }
    case tflite::BuiltinOperator_FULLY_CONNECTED: {
      const auto* weights = in(1);  // [out, in]
      if (weights == nullptr || weights->empty()) return 0;
      return product(out(0), {weights->back()});
    }
    case tflite::BuiltinOperator_TRANSPOSE_CONV: {
      const auto* filter = in(1);  // [out_c, kh, kw, in_c]; input 2 is the data
      if (filter == nullptr || filter->size() != 4) return 0;
      return product(in(2), {(*filter)[0], (*filter)[1], (*filter)[2]});
    }
    case tflite::BuiltinOperator_BATCH_MATMUL: {
      const auto* lhs = in(0);
      if (lhs == nullptr || lhs->size() < 2) return 0;
      const auto* options = op.builtin_options.AsBatchMatMulOptions();
      const bool adj_x = options != nullptr && options->adj_x;
      return product(out(0), {(*lhs)[lhs->size() - (adj_x ? 2 : 1)]});
    }
    case tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM: {
      const auto* input = in(0);  // [batch, time, n_input] or time major
      if (input == nullptr || input->empty() || input->back() <= 0) return 0;
      const std::optional<int64_t> elements = KnownElements(*input);
      if (!elements) return 0;
      const int64_t steps = *elements / input->back();
      // Inputs 1-4: input-to-gate weights, 5-8: recurrent weights, 16: projection.
      int64_t weights = 0;
      for (const size_t i : {1, 2, 3, 4, 5, 6, 7, 8, 16}) {
        if (const auto* w = in(i)) weights += KnownElements(*w).value_or(0);
      }
      return steps * weights;
    }
    case tflite::BuiltinOperator_SVDF: {
      const auto* input = in(0);  // [batch, input_size]
      if (input == nullptr || input->size() != 2 || (*input)[0] < 0) return 0;
      int64_t weights = 0;
      for (const size_t i : {1, 2}) {  // weights_feature, weights_time
        if (const auto* w = in(i)) weights += KnownElements(*w).value_or(0);
      }
      return (*input)[0] * weights;
    }
    default:
      return 0;
  }
}

// --- options -----------------------------------------------------------------

std::optional<tflite::ActivationFunctionType> FusedActivation(const tflite::OperatorT& op) {
  const tflite::BuiltinOptionsUnion& u = op.builtin_options;
  if (const auto* o = u.AsConv2DOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsDepthwiseConv2DOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsConv3DOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsTransposeConvOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsFullyConnectedOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsPool2DOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsAddOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsSubOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsMulOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsDivOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsConcatenationOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsL2NormOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsSVDFOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsRNNOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsSequenceRNNOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsBidirectionalSequenceRNNOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsLSTMOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsUnidirectionalSequenceLSTMOptions()) return o->fused_activation_function;
  if (const auto* o = u.AsBidirectionalSequenceLSTMOptions()) return o->fused_activation_function;
  return std::nullopt;
}

std::string ActivationName(tflite::ActivationFunctionType a) {
  const char* name = tflite::EnumNameActivationFunctionType(a);
  return (name && *name) ? name : "ACTIVATION_" + std::to_string(static_cast<int>(a));
}

std::string PaddingName(tflite::Padding p) {
  const char* name = tflite::EnumNamePadding(p);
  return (name && *name) ? name : "PADDING_" + std::to_string(static_cast<int>(p));
}

// The key options of `op`, in a fixed order per op type. Values that live in
// constant operands (reduction axes, permutations, paddings) are read from
// them; filter sizes come from the filter's shape.
std::vector<OpOption> KeyOptions(const Model& model, size_t sg, const tflite::OperatorT& op) {
  std::vector<OpOption> o;
  const auto add = [&o](std::string key, std::string value) {
    o.push_back({std::move(key), std::move(value)});
  };
  const auto add_constant = [&](const char* key, size_t input) {
    if (const auto values = ConstantInts(model, sg, op, input)) {
      add(key, values->size() == 1 ? std::to_string((*values)[0]) : FormatInts(*values));
    }
  };
  const auto* filter = OperandShape(model, sg, op.inputs, 1);
  const bool filter4 = filter != nullptr && filter->size() == 4;
  const tflite::BuiltinOptionsUnion& u = op.builtin_options;
  const BuiltinOperator code = model.OpCode(op);

  if (const auto* c = u.AsConv2DOptions()) {
    add("padding", PaddingName(c->padding));
    add("stride", HxW(c->stride_h, c->stride_w));
    add("dilation", HxW(c->dilation_h_factor, c->dilation_w_factor));
    if (filter4) {
      add("filter", HxW((*filter)[1], (*filter)[2]));
      const auto* input = OperandShape(model, sg, op.inputs, 0);
      const int32_t filter_in = (*filter)[3];
      if (input != nullptr && input->size() == 4 && filter_in > 0 &&
          (*input)[3] % filter_in == 0 && (*input)[3] / filter_in > 1) {
        add("groups", std::to_string((*input)[3] / filter_in));
      }
    }
  } else if (const auto* c = u.AsDepthwiseConv2DOptions()) {
    add("padding", PaddingName(c->padding));
    add("stride", HxW(c->stride_h, c->stride_w));
    add("dilation", HxW(c->dilation_h_factor, c->dilation_w_factor));
    if (filter4) add("filter", HxW((*filter)[1], (*filter)[2]));
    add("depth_multiplier", std::to_string(c->depth_multiplier));
  } else if (const auto* c = u.AsTransposeConvOptions()) {
    add("padding", PaddingName(c->padding));
    add("stride", HxW(c->stride_h, c->stride_w));
    if (filter4) add("filter", HxW((*filter)[1], (*filter)[2]));
  } else if (const auto* c = u.AsConv3DOptions()) {
    add("padding", PaddingName(c->padding));
    add("stride", std::to_string(c->stride_d) + "x" + HxW(c->stride_h, c->stride_w));
    add("dilation",
        std::to_string(c->dilation_d_factor) + "x" + HxW(c->dilation_h_factor, c->dilation_w_factor));
  } else if (const auto* c = u.AsPool2DOptions()) {
    add("padding", PaddingName(c->padding));
    add("stride", HxW(c->stride_h, c->stride_w));
    add("filter", HxW(c->filter_height, c->filter_width));
  } else if (const auto* c = u.AsFullyConnectedOptions()) {
    if (c->weights_format != tflite::FullyConnectedOptionsWeightsFormat_DEFAULT) {
      add("weights_format", tflite::EnumNameFullyConnectedOptionsWeightsFormat(c->weights_format));
    }
    add("keep_num_dims", FormatBool(c->keep_num_dims));
    if (c->asymmetric_quantize_inputs) add("asymmetric_quantize_inputs", "true");
  } else if (const auto* c = u.AsSoftmaxOptions()) {
    add("beta", FormatFloat(c->beta));
  } else if (const auto* c = u.AsConcatenationOptions()) {
    add("axis", std::to_string(c->axis));
  } else if (const auto* c = u.AsReducerOptions()) {
    add_constant("axis", 1);
    add("keep_dims", FormatBool(c->keep_dims));
  } else if (const auto* c = u.AsGatherOptions()) {
    add("axis", std::to_string(c->axis));
    if (c->batch_dims != 0) add("batch_dims", std::to_string(c->batch_dims));
  } else if (const auto* c = u.AsPackOptions()) {
    add("axis", std::to_string(c->axis));
    add("values_count", std::to_string(c->values_count));
  } else if (const auto* c = u.AsUnpackOptions()) {
    add("axis", std::to_string(c->axis));
    add("num", std::to_string(c->num));
  } else if (const auto* c = u.AsSplitOptions()) {
    add_constant("axis", 0);
    add("num_splits", std::to_string(c->num_splits));
  } else if (const auto* c = u.AsSplitVOptions()) {
    add_constant("axis", 2);
    add("num_splits", std::to_string(c->num_splits));
  } else if (const auto* c = u.AsSqueezeOptions()) {
    std::vector<int64_t> dims(c->squeeze_dims.begin(), c->squeeze_dims.end());
    add("squeeze_dims", FormatInts(dims));
  } else if (const auto* c = u.AsStridedSliceOptions()) {
    const std::pair<const char*, int> masks[] = {
        {"begin_mask", c->begin_mask},       {"end_mask", c->end_mask},
        {"ellipsis_mask", c->ellipsis_mask}, {"new_axis_mask", c->new_axis_mask},
        {"shrink_axis_mask", c->shrink_axis_mask}};
    for (const auto& [key, value] : masks) {
      if (value != 0) add(key, std::to_string(value));
    }
    if (c->offset) add("offset", "true");
  } else if (const auto* c = u.AsSpaceToDepthOptions()) {
    add("block_size", std::to_string(c->block_size));
  } else if (const auto* c = u.AsDepthToSpaceOptions()) {
    add("block_size", std::to_string(c->block_size));
  } else if (const auto* c = u.AsLeakyReluOptions()) {
    add("alpha", FormatFloat(c->alpha));
  } else if (const auto* c = u.AsMirrorPadOptions()) {
    add("mode", tflite::EnumNameMirrorPadMode(c->mode));
    add_constant("paddings", 1);
  } else if (const auto* c = u.AsResizeBilinearOptions()) {
    add("align_corners", FormatBool(c->align_corners));
    add("half_pixel_centers", FormatBool(c->half_pixel_centers));
  } else if (const auto* c = u.AsResizeNearestNeighborOptions()) {
    add("align_corners", FormatBool(c->align_corners));
    add("half_pixel_centers", FormatBool(c->half_pixel_centers));
  } else if (const auto* c = u.AsArgMaxOptions()) {
    add_constant("axis", 1);
    add("output_type", TypeName(c->output_type));
  } else if (const auto* c = u.AsArgMinOptions()) {
    add_constant("axis", 1);
    add("output_type", TypeName(c->output_type));
  } else if (const auto* c = u.AsGeluOptions()) {
    add("approximate", FormatBool(c->approximate));
  } else if (const auto* c = u.AsBatchMatMulOptions()) {
    add("adj_x", FormatBool(c->adj_x));
    add("adj_y", FormatBool(c->adj_y));
  } else if (const auto* c = u.AsUnidirectionalSequenceLSTMOptions()) {
    add("time_major", FormatBool(c->time_major));
    if (c->cell_clip != 0.0f) add("cell_clip", FormatFloat(c->cell_clip));
    if (c->proj_clip != 0.0f) add("proj_clip", FormatFloat(c->proj_clip));
  } else if (const auto* c = u.AsSVDFOptions()) {
    add("rank", std::to_string(c->rank));
  } else if (const auto* c = u.AsCumsumOptions()) {
    add_constant("axis", 1);
    add("exclusive", FormatBool(c->exclusive));
    add("reverse", FormatBool(c->reverse));
  } else if (const auto* c = u.AsShapeOptions()) {
    add("out_type", TypeName(c->out_type));
  } else if (const auto* c = u.AsCastOptions()) {
    if (c->in_data_type != c->out_data_type) {
      add("from", TypeName(c->in_data_type));
      add("to", TypeName(c->out_data_type));
    }
  } else if (const auto* c = u.AsIfOptions()) {
    add("then_subgraph", std::to_string(c->then_subgraph_index));
    add("else_subgraph", std::to_string(c->else_subgraph_index));
  } else if (const auto* c = u.AsWhileOptions()) {
    add("cond_subgraph", std::to_string(c->cond_subgraph_index));
    add("body_subgraph", std::to_string(c->body_subgraph_index));
  } else if (const auto* c = u.AsCallOnceOptions()) {
    add("init_subgraph", std::to_string(c->init_subgraph_index));
  }

  // Options held in constant operands of ops whose options table has none.
  switch (code) {
    case tflite::BuiltinOperator_TRANSPOSE:
      add_constant("perm", 1);
      break;
    case tflite::BuiltinOperator_PAD:
    case tflite::BuiltinOperator_PADV2:
      add_constant("paddings", 1);
      break;
    case tflite::BuiltinOperator_EXPAND_DIMS:
      add_constant("axis", 1);
      break;
    default:
      break;
  }
  if (code == tflite::BuiltinOperator_CUSTOM && !op.custom_options.empty()) {
    add("custom_options_bytes", std::to_string(op.custom_options.size()));
  }
  return o;
}

OperatorSummary SummarizeOperator(const Model& model, size_t sg, size_t index) {
  const tflite::OperatorT& op = *model.subgraph(sg).operators[index];
  OperatorSummary s;
  s.index = index;
  s.name = model.OpName(op);
  s.code = model.OpCode(op);
  s.version = model.OpVersion(op);
  for (const int32_t t : op.inputs) s.inputs.push_back(SummarizeTensor(model, sg, t));
  for (const int32_t t : op.outputs) s.outputs.push_back(SummarizeTensor(model, sg, t));
  s.options = KeyOptions(model, sg, op);
  if (const auto act = FusedActivation(op)) s.fused_activation = ActivationName(*act);
  s.macs = CountMacs(model, sg, op);
  if (const auto method = TflmResolverMethod(model, op)) {
    s.tflm_method = std::string(*method);
    s.tflm_type_problem = TflmTypeProblem(model, sg, op);
  }
  return s;
}

}  // namespace

ModelSummary Summarize(const Model& model) {
  const tflite::ModelT& m = model.raw();
  ModelSummary s;
  s.source = model.source();
  s.description = m.description;
  s.schema_version = m.version;

  std::map<tflite::TensorType, TypeStats> types;
  std::map<std::string, OpUsage> usage;
  std::vector<bool> buffer_counted(m.buffers.size(), false);

  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    const tflite::SubGraphT& graph = model.subgraph(sg);
    SubgraphSummary g;
    g.index = sg;
    g.name = graph.name;
    g.num_tensors = graph.tensors.size();
    for (const int32_t t : graph.inputs) g.inputs.push_back(SummarizeTensor(model, sg, t));
    for (const int32_t t : graph.outputs) g.outputs.push_back(SummarizeTensor(model, sg, t));

    for (const auto& t : graph.tensors) {
      TypeStats& stats = types[t->type];
      stats.type = t->type;
      ++stats.tensors;
      if (!model.IsConstant(*t)) continue;
      ++stats.constant_tensors;
      if (buffer_counted[t->buffer]) continue;
      buffer_counted[t->buffer] = true;
      // A constant's shape is static (verification checked its byte size).
      stats.parameters += ElementCount(t->shape);
      stats.constant_bytes += static_cast<int64_t>(model.ConstantBytes(*t).size());
    }

    for (size_t i = 0; i < graph.operators.size(); ++i) {
      OperatorSummary op = SummarizeOperator(model, sg, i);
      g.macs += op.macs;
      if (op.tflm_type_problem) {
        s.tflm_type_problems.push_back(model.OpLocation(sg, i) + ": " + *op.tflm_type_problem);
      }
      OpUsage& u = usage[op.name];
      u.name = op.name;
      ++u.count;
      u.tflm_method = op.tflm_method;
      g.operators.push_back(std::move(op));
    }
    s.num_tensors += static_cast<int64_t>(g.num_tensors);
    s.num_operators += static_cast<int64_t>(g.operators.size());
    s.macs += g.macs;
    s.subgraphs.push_back(std::move(g));
  }

  for (const auto& [type, stats] : types) {
    s.parameters += stats.parameters;
    s.weight_bytes += stats.constant_bytes;
    s.tensor_types.push_back(stats);
  }
  for (const auto& [name, u] : usage) {
    if (!u.tflm_method) s.ops_without_tflm_kernel.push_back(name);
    s.op_usage.push_back(u);
  }

  for (const auto& md : m.metadata) {
    MetadataSummary ms;
    ms.name = md->name;
    if (md->buffer < m.buffers.size()) {
      ms.bytes = static_cast<int64_t>(m.buffers[md->buffer]->data.size());
    }
    s.metadata.push_back(std::move(ms));
  }
  for (const auto& def : m.signature_defs) {
    SignatureSummary sig;
    sig.key = def->signature_key;
    sig.subgraph = def->subgraph_index;
    for (const auto& t : def->inputs) sig.inputs.emplace_back(t->name, t->tensor_index);
    for (const auto& t : def->outputs) sig.outputs.emplace_back(t->name, t->tensor_index);
    s.signatures.push_back(std::move(sig));
  }
  return s;
}

// --- JSON --------------------------------------------------------------------

namespace {

using Json = nlohmann::ordered_json;

Json TensorJson(const TensorSummary& t) {
  if (t.index < 0) return nullptr;
  Json j;
  j["index"] = t.index;
  j["name"] = t.name;
  j["type"] = TypeName(t.type);
  j["shape"] = t.shape;
  j["constant"] = t.constant;
  if (t.quant.num_scales == 0) {
    j["quantization"] = nullptr;
  } else {
    Json q;
    q["num_scales"] = t.quant.num_scales;
    const bool per_tensor = t.quant.num_scales == 1;
    q["scale"] = per_tensor ? Json(static_cast<double>(t.quant.scale)) : Json(nullptr);
    q["zero_point"] = per_tensor ? Json(t.quant.zero_point) : Json(nullptr);
    q["quantized_dimension"] = t.quant.quantized_dimension;
    j["quantization"] = std::move(q);
  }
  return j;
}

Json TensorListJson(const std::vector<TensorSummary>& tensors) {
  Json list = Json::array();
  for (const TensorSummary& t : tensors) list.push_back(TensorJson(t));
  return list;
}

Json OptionalString(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

Json TensorMapJson(const std::vector<std::pair<std::string, uint32_t>>& maps) {
  Json list = Json::array();
  for (const auto& [name, tensor] : maps) {
    Json j;
    j["name"] = name;
    j["tensor"] = tensor;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

nlohmann::ordered_json ToJson(const ModelSummary& s) {
  Json j;
  j["schema"] = kInspectSchema;
  j["source"] = s.source;
  j["description"] = s.description;
  j["schema_version"] = s.schema_version;

  Json& totals = j["totals"];
  totals["subgraphs"] = s.subgraphs.size();
  totals["operators"] = s.num_operators;
  totals["tensors"] = s.num_tensors;
  totals["parameters"] = s.parameters;
  totals["weight_bytes"] = s.weight_bytes;
  totals["macs"] = s.macs;

  Json& subgraphs = j["subgraphs"] = Json::array();
  for (const SubgraphSummary& g : s.subgraphs) {
    Json gj;
    gj["index"] = g.index;
    gj["name"] = g.name;
    gj["num_tensors"] = g.num_tensors;
    gj["macs"] = g.macs;
    gj["inputs"] = TensorListJson(g.inputs);
    gj["outputs"] = TensorListJson(g.outputs);
    Json& ops = gj["operators"] = Json::array();
    for (const OperatorSummary& op : g.operators) {
      Json oj;
      oj["index"] = op.index;
      oj["op"] = op.name;
      oj["version"] = op.version;
      oj["inputs"] = TensorListJson(op.inputs);
      oj["outputs"] = TensorListJson(op.outputs);
      Json& options = oj["options"] = Json::object();
      for (const OpOption& option : op.options) options[option.key] = option.value;
      oj["fused_activation"] = OptionalString(op.fused_activation);
      oj["macs"] = op.macs;
      oj["tflm_method"] = OptionalString(op.tflm_method);
      oj["tflm_type_problem"] = OptionalString(op.tflm_type_problem);
      ops.push_back(std::move(oj));
    }
    subgraphs.push_back(std::move(gj));
  }

  Json& types = j["tensor_types"] = Json::array();
  for (const TypeStats& t : s.tensor_types) {
    Json tj;
    tj["type"] = TypeName(t.type);
    tj["tensors"] = t.tensors;
    tj["constant_tensors"] = t.constant_tensors;
    tj["parameters"] = t.parameters;
    tj["constant_bytes"] = t.constant_bytes;
    types.push_back(std::move(tj));
  }

  Json& usage = j["operator_usage"] = Json::array();
  for (const OpUsage& u : s.op_usage) {
    Json uj;
    uj["op"] = u.name;
    uj["count"] = u.count;
    uj["tflm_method"] = OptionalString(u.tflm_method);
    usage.push_back(std::move(uj));
  }
  j["tflm_missing"] = s.ops_without_tflm_kernel;
  j["tflm_type_problems"] = s.tflm_type_problems;
  j["tflm_runs"] = s.TflmRunsIt();

  Json& metadata = j["metadata"] = Json::array();
  for (const MetadataSummary& md : s.metadata) {
    Json mj;
    mj["name"] = md.name;
    mj["bytes"] = md.bytes;
    metadata.push_back(std::move(mj));
  }

  Json& signatures = j["signatures"] = Json::array();
  for (const SignatureSummary& sig : s.signatures) {
    Json sj;
    sj["key"] = sig.key;
    sj["subgraph"] = sig.subgraph;
    sj["inputs"] = TensorMapJson(sig.inputs);
    sj["outputs"] = TensorMapJson(sig.outputs);
    signatures.push_back(std::move(sj));
  }
  return j;
}

// --- text --------------------------------------------------------------------

namespace {

// Rows of cells printed as columns two spaces apart, each as wide as its
// widest cell; columns marked right-aligned are padded on the left. No
// trailing spaces.
class TextTable {
 public:
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
      : right_(std::move(right_aligned)) {
    rows_.push_back(std::move(header));
  }
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string Render(const std::string& indent) const {
    std::vector<size_t> width(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (size_t c = 0; c < row.size(); ++c) {
        const std::string pad(width[c] - row[c].size(), ' ');
        if (c) line += "  ";
        line += right_[c] ? pad + row[c] : row[c] + pad;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string QuantText(const QuantSummary& q) {
  if (q.num_scales == 0) return "";
  if (q.num_scales == 1) {
    return "scale " + FormatFloat(q.scale) + ", zero point " + std::to_string(q.zero_point);
  }
  return std::to_string(q.num_scales) + " scales (per channel, axis " +
         std::to_string(q.quantized_dimension) + ")";
}

std::string TensorsText(const std::vector<TensorSummary>& tensors, const char* title) {
  TextTable table({"tensor", "name", "type", "shape", "quantization"},
                  {true, false, false, false, false});
  for (const TensorSummary& t : tensors) {
    table.AddRow({std::to_string(t.index), t.name, TypeName(t.type), ShapeString(t.shape),
                  QuantText(t.quant)});
  }
  return std::string("  ") + title + ":\n" + table.Render("    ");
}

// Shapes of the operands, space separated; "-" marks an omitted input. When
// the constants (weights) of an LSTM-like op make the list long, they are
// summarized as a count.
std::string OperandShapes(const std::vector<TensorSummary>& operands, bool constants) {
  std::string text;
  size_t count = 0;
  for (const TensorSummary& t : operands) {
    if (t.index >= 0 && t.constant != constants) continue;
    if (t.index < 0 && !constants) continue;
    if (!text.empty()) text += " ";
    text += t.index < 0 ? "-" : ShapeString(t.shape);
    count += t.index < 0 ? 0 : 1;
  }
  if (constants && text.size() > 40) return std::to_string(count) + " tensors";
  return text;
}

std::string OptionsText(const std::vector<OpOption>& options) {
  std::string text;
  for (const OpOption& o : options) {
    if (!text.empty()) text += " ";
    text += o.key + "=" + o.value;
  }
  return text;
}

}  // namespace

std::string FormatSummary(const ModelSummary& s) {
  std::string out;
  out += "Model: " + s.source + "\n";
  out += "Description: " + (s.description.empty() ? std::string("(none)") : s.description) + "\n";
  out += "Schema version: " + std::to_string(s.schema_version) + "\n";
  out += "Subgraphs: " + std::to_string(s.subgraphs.size()) + "\n";

  for (const SubgraphSummary& g : s.subgraphs) {
    out += "\nSubgraph " + std::to_string(g.index);
    if (!g.name.empty()) out += " \"" + g.name + "\"";
    out += ": " + Count(static_cast<int64_t>(g.operators.size()), "operator") + ", " +
           Count(static_cast<int64_t>(g.num_tensors), "tensor") + ", " + Thousands(g.macs) +
           " MACs\n";
    out += TensorsText(g.inputs, "Inputs");
    out += TensorsText(g.outputs, "Outputs");
    out += "  Operators (weights are constant inputs; MACs per inference):\n";
    TextTable table({"#", "op", "ver", "inputs", "weights", "outputs", "options", "activation",
                     "MACs"},
                    {true, false, true, false, false, false, false, false, true});
    for (const OperatorSummary& op : g.operators) {
      const bool has_activation = op.fused_activation && *op.fused_activation != "NONE";
      table.AddRow({std::to_string(op.index), op.name, std::to_string(op.version),
                    OperandShapes(op.inputs, false), OperandShapes(op.inputs, true),
                    OperandShapes(op.outputs, false), OptionsText(op.options),
                    has_activation ? *op.fused_activation : "-",
                    op.macs ? Thousands(op.macs) : "-"});
    }
    out += table.Render("    ");
  }

  out += "\nTensors: " + std::to_string(s.num_tensors) + "\n";
  TextTable types({"type", "tensors", "constant", "parameters", "constant bytes"},
                  {false, true, true, true, true});
  for (const TypeStats& t : s.tensor_types) {
    types.AddRow({TypeName(t.type), std::to_string(t.tensors), std::to_string(t.constant_tensors),
                  Thousands(t.parameters), Thousands(t.constant_bytes)});
  }
  out += types.Render("  ");

  out += "\nTotals:\n";
  out += "  operators     " + std::to_string(s.num_operators) + "\n";
  out += "  parameters    " + Thousands(s.parameters) + "\n";
  out += "  weight bytes  " + Thousands(s.weight_bytes) + " (" + Binary(s.weight_bytes) + ")\n";
  out += "  MACs          " + Thousands(s.macs) + " (" + Si(s.macs) + ")\n";

  out += "\nOperators used:";
  for (const OpUsage& u : s.op_usage) out += " " + u.name + " x" + std::to_string(u.count);
  out += "\n";

  if (!s.metadata.empty()) {
    out += "Metadata:";
    for (size_t i = 0; i < s.metadata.size(); ++i) {
      out += (i ? ", " : " ") + s.metadata[i].name + " (" + std::to_string(s.metadata[i].bytes) +
             " bytes)";
    }
    out += "\n";
  }
  for (const SignatureSummary& sig : s.signatures) {
    out += "Signature \"" + sig.key + "\" (subgraph " + std::to_string(sig.subgraph) + "): ";
    const auto maps = [](const std::vector<std::pair<std::string, uint32_t>>& m) {
      std::string text;
      for (const auto& [name, tensor] : m) {
        if (!text.empty()) text += ", ";
        text += name + " = tensor " + std::to_string(tensor);
      }
      return text;
    };
    out += "inputs " + maps(sig.inputs) + "; outputs " + maps(sig.outputs) + "\n";
  }

  if (s.TflmRunsIt()) {
    out += "TFLM: every operator has a kernel that takes its types; a MicroMutableOpResolver<" +
           std::to_string(s.op_usage.size()) + "> needs:";
    for (const OpUsage& u : s.op_usage) out += " " + *u.tflm_method + "()";
    out += "\n";
  } else {
    out += "TFLM (tflite-micro " + std::string(kTflmCommit.substr(0, 12)) +
           ") cannot run the model as it is:\n";
    if (!s.ops_without_tflm_kernel.empty()) {
      out += "  no kernel for";
      for (size_t i = 0; i < s.ops_without_tflm_kernel.size(); ++i) {
        out += (i ? ", " : " ") + s.ops_without_tflm_kernel[i];
      }
      out += "\n";
    }
    for (const std::string& problem : s.tflm_type_problems) out += "  " + problem + "\n";
  }
  return out;
}

}  // namespace tinyforge
