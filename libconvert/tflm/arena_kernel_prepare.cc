// What each TFLM reference kernel's Prepare does with the arena, in order
// (tensorflow/lite/micro/kernels/*.cc at tflite-micro 90b983c2). Every
// temporary TfLiteTensor a Prepare makes stays until the operator is done,
// so their order against the persistent allocations matters (arena.h).
#include <algorithm>

#include "libconvert/base/checked_math.h"
#include "libconvert/tflm/arena_kernels.h"
#include "libconvert/tflm/arena_layout.h"

namespace tinyforge::tflm_arena {
namespace {

using tflite::TensorType;

int64_t Rank(const tflite::TensorT* t) { return t ? static_cast<int64_t>(t->shape.size()) : 0; }
int64_t Dim(const tflite::TensorT* t, size_t i) {
  return t && i < t->shape.size() ? t->shape[i] : 0;
}
// Elements of `t`, saturated at 2^40: far past the 4 GiB any arena buffer
// may take (the replay refuses it by name), yet small enough that the sizes
// below (a few bytes times elements, plus headers) cannot overflow.
int64_t Elements(const tflite::TensorT* t) {
  constexpr int64_t kSaturated = int64_t{1} << 40;
  if (t == nullptr) return 0;
  return std::min(CheckedProduct(t->shape).value_or(kSaturated), kSaturated);
}
bool TypeIs(const tflite::TensorT* t, TensorType type) { return t && t->type == type; }
bool IsInt8Or16(const tflite::TensorT* t) {
  return TypeIs(t, tflite::TensorType_INT8) || TypeIs(t, tflite::TensorType_INT16);
}
bool Is32Bit(const OpView& v) { return v.target() == TflmTarget::kCortexM4; }

// conv_common.cc ConvPrepare and depthwise_conv_common.cc
// DepthwiseConvPrepare: temporaries for output, input and filter; the
// per-channel multiplier and shift (an int32 per channel, for every type);
// then CalculateOpData{Conv,DepthwiseConv} takes its own input, filter, bias
// and output temporaries. An int4 filter is unpacked into a scratch buffer.
std::vector<PrepareStep> ConvLike(const OpView& v, int64_t channels) {
  const tflite::TensorT* filter = v.Input(1);
  Steps s;
  s.Out(0).In(0).In(1).Persistent(4 * channels).Persistent(4 * channels);
  s.In(0).In(1).In(2).Out(0);
  if (TypeIs(filter, tflite::TensorType_INT4)) s.Scratch(Elements(filter));
  return s;
}

// batch_matmul.cc: a transposed copy of an operand, made in Prepare as a
// TfLiteEvalTensor, its dims, and its data (written only by Eval).
void TransposedCopy(const OpView& v, const tflite::TensorT* t, Steps& s) {
  if (t == nullptr) return;
  s.Persistent(LayoutFor(v.target()).eval_tensor.bytes);
  s.Persistent(IntArrayBytes(Rank(t)));
  s.Unwritten(Elements(t) * TflmTypeSize(t->type));
}

// reduce_common.cc PrepareSimple: input, axis, and for int8 the output.
Steps ReducePrepareSimple(const OpView& v) {
  Steps s;
  s.In(0).In(1);
  if (TypeIs(v.Input(0), tflite::TensorType_INT8)) s.Out(0);
  return s;
}

}  // namespace

std::vector<PrepareStep> PrepareNothing(const OpView&) { return {}; }
std::vector<PrepareStep> PrepareIn0(const OpView&) { return Steps().In(0); }
std::vector<PrepareStep> PrepareIn2(const OpView&) { return Steps().In(2); }
std::vector<PrepareStep> PrepareIn0In1(const OpView&) { return Steps().In(0).In(1); }
std::vector<PrepareStep> PrepareIn0Out0(const OpView&) { return Steps().In(0).Out(0); }
std::vector<PrepareStep> PrepareIn0In1Out0(const OpView&) { return Steps().In(0).In(1).Out(0); }
std::vector<PrepareStep> PrepareIn0In1In2Out0(const OpView&) {
  return Steps().In(0).In(1).In(2).Out(0);
}
std::vector<PrepareStep> PrepareIn0In1In2In3Out0(const OpView&) {
  return Steps().In(0).In(1).In(2).In(3).Out(0);
}

// kernel_util.cc CreateWritableTensorDimsWithCopy: the output's dims moved
// into the persistent arena (depth_to_space.cc does it without temporaries).
std::vector<PrepareStep> PrepareWritableOutputDims(const OpView& v) {
  return Steps().Persistent(IntArrayBytes(Rank(v.Output(0))));
}

// gather.cc GatherPrepare and gather_nd.cc GatherNdPrepare.
std::vector<PrepareStep> PrepareGather(const OpView& v) {
  return Steps().In(0).In(1).Out(0).Persistent(IntArrayBytes(Rank(v.Output(0))));
}

// space_to_depth.cc Prepare.
std::vector<PrepareStep> PrepareSpaceToDepth(const OpView& v) {
  return Steps().In(0).Out(0).Persistent(IntArrayBytes(Rank(v.Output(0))));
}

// l2_pool_2d.cc L2Prepare: output first.
std::vector<PrepareStep> PrepareL2Pool(const OpView& v) {
  return Steps().Out(0).In(0).Persistent(IntArrayBytes(Rank(v.Output(0))));
}

// tanh.cc TanhPrepare takes the input, then CalculateArithmeticOpData takes
// input and output again.
std::vector<PrepareStep> PrepareTanh(const OpView&) { return Steps().In(0).In(0).Out(0); }

std::vector<PrepareStep> PrepareConv(const OpView& v) { return ConvLike(v, Dim(v.Input(1), 0)); }
std::vector<PrepareStep> PrepareDepthwiseConv(const OpView& v) {
  return ConvLike(v, Dim(v.Input(1), 3));
}

// fully_connected.cc FullyConnectedPrepare: input, weights, bias, output; an
// int4 weight scratch; then CalculateOpDataFullyConnected allocates the
// per-channel multiplier and shift for non-float inputs with per-channel
// weight scales. They land in the tail while the four temporaries live.
std::vector<PrepareStep> PrepareFullyConnected(const OpView& v) {
  const tflite::TensorT* filter = v.Input(1);
  Steps s;
  s.In(0).In(1).In(2).Out(0);
  if (TypeIs(filter, tflite::TensorType_INT4)) s.Scratch(Elements(filter));
  const int64_t channels = filter ? QuantizationChannels(*filter) : 0;
  const tflite::TensorT* input = v.Input(0);
  if (input && input->type != tflite::TensorType_FLOAT32 && channels > 1) {
    s.Persistent(4 * channels).Persistent(4 * channels);
  }
  return s;
}

// transpose_conv.cc TransposeConvPrepare: output, input (operand 2), filter;
// the per-channel arrays (filter dims[0]); the output scratch (int32 per
// output element for int8, int64 for int16); then for integer inputs
// CalculateOpData takes input, filter, bias and output again and, for int16
// with an int16 bias, requests an int64 bias scratch.
std::vector<PrepareStep> PrepareTransposeConv(const OpView& v) {
  const tflite::TensorT* filter = v.Input(1);
  const tflite::TensorT* input = v.Input(2);
  const tflite::TensorT* bias = v.Input(3);
  const int64_t channels = Dim(filter, 0);
  Steps s;
  s.Out(0).In(2).In(1).Persistent(4 * channels).Persistent(4 * channels);
  if (TypeIs(input, tflite::TensorType_INT8)) s.Scratch(4 * Elements(v.Output(0)));
  if (TypeIs(input, tflite::TensorType_INT16)) s.Scratch(8 * Elements(v.Output(0)));
  if (input && input->type != tflite::TensorType_FLOAT32) {
    s.In(2).In(1).In(3).Out(0);
    if (TypeIs(input, tflite::TensorType_INT16) && TypeIs(bias, tflite::TensorType_INT16)) {
      s.Scratch(8 * Elements(bias));
    }
  }
  return s;
}

// softmax_common.cc SoftmaxPrepare / InitializeLutForInt16: two int16 LUTs
// of 513 entries for int16 inputs, allocated while input and output live.
std::vector<PrepareStep> PrepareSoftmax(const OpView& v) {
  Steps s;
  s.In(0).Out(0);
  if (TypeIs(v.Input(0), tflite::TensorType_INT16)) s.Persistent(2 * 513).Persistent(2 * 513);
  return s;
}

// log_softmax.cc CalculateOpData: LogSoftmaxOpData for int8 (40 bytes on
// x86-64, 28 on the 32-bit target).
std::vector<PrepareStep> PrepareLogSoftmax(const OpView& v) {
  Steps s;
  s.In(0).Out(0);
  if (TypeIs(v.Input(0), tflite::TensorType_INT8)) s.Persistent(Is32Bit(v) ? 28 : 40);
  return s;
}

// reshape_common.cc ReshapeOutput: the output dims are made writable only
// when the stored output shape has a -1 to resolve.
std::vector<PrepareStep> PrepareReshape(const OpView& v) {
  Steps s;
  s.In(0).Out(0);
  const tflite::TensorT* out = v.Output(0);
  if (out && std::find(out->shape.begin(), out->shape.end(), -1) != out->shape.end()) {
    s.Persistent(IntArrayBytes(Rank(out)));
  }
  return s;
}

// batch_matmul.cc BatchMatMulPrepare: lhs, rhs, output;
// QuantizationOpDataBatchMatmul (28) for int8/int16; a transposed copy of
// LHS when adj_x and of RHS unless adj_y; then writable output dims.
std::vector<PrepareStep> PrepareBatchMatmul(const OpView& v) {
  const tflite::TensorT* lhs = v.Input(0);
  const auto* options = v.op().builtin_options.AsBatchMatMulOptions();
  const bool adj_x = options && options->adj_x;
  const bool adj_y = options && options->adj_y;
  Steps s;
  s.In(0).In(1).Out(0);
  if (IsInt8Or16(lhs)) s.Persistent(28);
  if (adj_x) TransposedCopy(v, lhs, s);
  if (!adj_y) TransposedCopy(v, v.Input(1), s);
  s.Persistent(IntArrayBytes(Rank(v.Output(0))));
  return s;
}

// concatenation.cc ConcatenationPrepare: first input and output, then every
// input again.
std::vector<PrepareStep> PrepareConcatenation(const OpView& v) {
  Steps s;
  s.In(0).Out(0);
  for (size_t k = 0; k < v.num_inputs(); ++k) s.In(static_cast<int>(k));
  return s;
}

// pad_common.cc PadPrepare: input, paddings, the constant value of PADV2
// when given, output.
std::vector<PrepareStep> PreparePad(const OpView& v) {
  Steps s;
  s.In(0).In(1);
  if (v.num_inputs() == 3) s.In(2);
  return s.Out(0);
}

// mirror_pad.cc MirrorPadPrepare: two int scratch arrays of input rank.
std::vector<PrepareStep> PrepareMirrorPad(const OpView& v) {
  const int64_t rank = Rank(v.Input(0));
  return Steps().In(0).In(1).Out(0).Scratch(4 * rank).Scratch(4 * rank);
}

// reduce_common.cc PrepareMinMaxHelper: PrepareSimple, then input, output
// and axis, and the iterator and resolved-axis scratch arrays.
std::vector<PrepareStep> PrepareReduceMinMax(const OpView& v) {
  return ReducePrepareSimple(v).In(0).Out(0).In(1).Scratch(4 * Rank(v.Input(0))).Scratch(
      4 * Elements(v.Input(1)));
}

// reduce_common.cc PrepareMeanOrSumHelper: input, output, axis; an int32
// accumulator per output element for int8/int16; the iterator and axis
// arrays; then PrepareSimple.
std::vector<PrepareStep> PrepareReduceMeanSum(const OpView& v) {
  Steps s;
  s.In(0).Out(0).In(1);
  if (IsInt8Or16(v.Input(0))) s.Scratch(4 * Elements(v.Output(0)));
  s.Scratch(4 * Rank(v.Input(0))).Scratch(4 * Elements(v.Input(1)));
  return s.Then(ReducePrepareSimple(v));
}

// unidirectional_sequence_lstm.cc + lstm_eval.cc LstmTensors: every present
// input of the 24 and the output, then four scratch buffers of batch x
// state elements of the cell-state type (state = output-state dims[1]).
std::vector<PrepareStep> PrepareLstm(const OpView& v) {
  Steps s;
  for (int k = 0; k < 24; ++k) s.In(k);
  s.Out(0);
  const tflite::TensorT* input = v.Input(0);
  const auto* options = v.op().builtin_options.AsUnidirectionalSequenceLSTMOptions();
  const bool time_major = options && options->time_major;
  const int64_t batch = time_major ? Dim(input, 1) : Dim(input, 0);
  const int64_t state = Dim(v.Input(18), 1);
  const tflite::TensorT* cell = v.Input(19);
  const int64_t bytes = batch * state * (cell ? TflmTypeSize(cell->type) : 4);
  return s.Scratch(bytes).Scratch(bytes).Scratch(bytes).Scratch(bytes);
}

// svdf_common.cc PrepareSvdf: input, weights feature and time, bias,
// activation state, output; a scratch of batch x filters (int32 or float);
// int8 also batch x units.
std::vector<PrepareStep> PrepareSvdf(const OpView& v) {
  const int64_t batch = Dim(v.Input(0), 0);
  const int64_t filters = Dim(v.Input(1), 0);
  const auto* options = v.op().builtin_options.AsSVDFOptions();
  const int64_t rank = options && options->rank > 0 ? options->rank : 1;
  Steps s;
  s.In(0).In(1).In(2).In(3).In(4).Out(0).Scratch(4 * batch * filters);
  if (TypeIs(v.Input(0), tflite::TensorType_INT8)) s.Scratch(4 * batch * (filters / rank));
  return s;
}

// kernels/ethos_u/ethosu.cc: two scratch arrays with one entry per operand
// (the NPU's base addresses as uint64_t, their sizes as size_t), then the
// command stream as a temporary to read its size.
std::vector<PrepareStep> PrepareEthosU(const OpView& v) {
  const int64_t operands = static_cast<int64_t>(v.num_inputs() + v.op().outputs.size());
  const int64_t size_t_bytes = Is32Bit(v) ? 4 : 8;
  return Steps().Scratch(operands * 8).Scratch(operands * size_t_bytes).In(0);
}

std::vector<PrepareStep> PrepareEveryOperand(const OpView& v) {
  Steps s;
  for (size_t k = 0; k < v.num_inputs(); ++k) s.In(static_cast<int>(k));
  for (size_t k = 0; k < v.op().outputs.size(); ++k) s.Out(static_cast<int>(k));
  return s;
}

}  // namespace tinyforge::tflm_arena
