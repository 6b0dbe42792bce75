#include "libconvert/model/op_options.h"

#include <utility>

#include "libconvert/base/text_format.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/ethos_u.h"

namespace tinyforge {
namespace {

using tflite::BuiltinOperator;

std::string HxW(int32_t h, int32_t w) { return std::to_string(h) + "x" + std::to_string(w); }

std::string FormatBool(bool v) { return v ? "true" : "false"; }

std::string FormatInts(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(values[i]);
  }
  return s + "]";
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

std::string PaddingName(tflite::Padding p) {
  const char* name = tflite::EnumNamePadding(p);
  return (name && *name) ? name : "PADDING_" + std::to_string(static_cast<int>(p));
}

}  // namespace

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
  if (IsEthosUOperator(model, op)) {
    // What a reader of a Vela-compiled model wants: where it runs, and the
    // sizes of the NPU's command stream and of the scratch memory it takes
    // from the arena (ethos_u.h).
    add("runs_on", "Ethos-U NPU");
    const auto operand_bytes = [&](size_t position) -> std::string {
      if (position >= op.inputs.size() || op.inputs[position] < 0) return "-";
      const tflite::TensorT& t = model.tensor(sg, op.inputs[position]);
      if (model.IsConstant(t)) return std::to_string(model.ConstantBytes(t).size()) + " B";
      const int64_t count = ElementCount(t.shape);
      return std::to_string(DenseBytes(t.type, count)) + " B";
    };
    add("command_stream", operand_bytes(kEthosUCommandStream));
    add("scratch", operand_bytes(kEthosUScratch));
    add("scratch_fast", operand_bytes(kEthosUScratchFast));
    return o;
  }
  if (code == tflite::BuiltinOperator_CUSTOM && !op.custom_options.empty()) {
    add("custom_options_bytes", std::to_string(op.custom_options.size()));
  }
  return o;
}

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

}  // namespace tinyforge
