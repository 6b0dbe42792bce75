// The one table of what TFLM's reference kernels take from the arena besides
// their tensors, keyed by builtin operator.
//
// Facts from tflite-micro 90b983c2 (tensorflow/lite/core/api/
// flatbuffer_conversions.cc for the Parse functions, tensorflow/lite/micro/
// kernels/*.cc for Init and Prepare), with struct sizes of an x86-64 build
// with TF_LITE_STATIC_MEMORY. Each row names the structs; `prepare` adds the
// allocations and scratch requests that depend on the operator's tensors.
// Updating to a newer TFLM is editing this table.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/tflm/arena.h"

namespace tinyforge {
namespace {

using tflite::BuiltinOperator;
using tflite::TensorType;

// The operator's tensors, as a row's prepare function sees them.
class OpView {
 public:
  OpView(const Model& model, size_t sg, const tflite::OperatorT& op)
      : model_(model), sg_(sg), op_(op) {}

  // Input or output `i`; nullptr when absent or omitted (-1).
  const tflite::TensorT* Input(size_t i) const { return Get(op_.inputs, i); }
  const tflite::TensorT* Output(size_t i) const { return Get(op_.outputs, i); }
  size_t num_inputs() const { return op_.inputs.size(); }
  const tflite::OperatorT& op() const { return op_; }

 private:
  const tflite::TensorT* Get(const std::vector<int32_t>& indices, size_t i) const {
    if (i >= indices.size() || indices[i] < 0) return nullptr;
    return &model_.tensor(sg_, indices[i]);
  }

  const Model& model_;
  size_t sg_;
  const tflite::OperatorT& op_;
};

int64_t Rank(const tflite::TensorT* t) { return t ? static_cast<int64_t>(t->shape.size()) : 0; }
int64_t Dim(const tflite::TensorT* t, size_t i) {
  return t && i < t->shape.size() ? t->shape[i] : 0;
}
int64_t Elements(const tflite::TensorT* t) {
  if (t == nullptr) return 0;
  int64_t n = 1;
  for (int32_t d : t->shape) n *= d;
  return n;
}
bool TypeIs(const tflite::TensorT* t, TensorType type) { return t && t->type == type; }
bool IsInt8Or16(const tflite::TensorT* t) {
  return TypeIs(t, tflite::TensorType_INT8) || TypeIs(t, tflite::TensorType_INT16);
}
// Channels of TFLM's per-tensor TfLiteAffineQuantization (0: none populated).
int64_t QuantChannels(const tflite::TensorT* t) {
  if (!t || !t->quantization || t->quantization->scale.empty() ||
      t->quantization->zero_point.empty()) {
    return 0;
  }
  return static_cast<int64_t>(t->quantization->scale.size());
}
// TfLiteIntArrayGetSizeInBytes: an int size then `n` ints.
int64_t IntArrayBytes(int64_t n) { return 4 + 4 * n; }
// kernel_util CreateWritableTensorDimsWithCopy: the output dims moved to the
// persistent arena.
void WritableOutputDims(const OpView& v, KernelArenaUse& use) {
  use.prepare_bytes.push_back(IntArrayBytes(Rank(v.Output(0))));
}

// --- prepare functions, one per op that needs one ------------------------------

// conv_common.cc ConvPrepare: per-channel multiplier and shift (int32 per
// filter dims[0], allocated for every type); int4 filters unpack into a
// scratch buffer of filter elements bytes.
void PrepareConv(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* filter = v.Input(1);
  const int64_t channels = Dim(filter, 0);
  use.prepare_bytes = {4 * channels, 4 * channels};
  if (TypeIs(filter, tflite::TensorType_INT4)) use.scratch_bytes.push_back(Elements(filter));
}

// depthwise_conv_common.cc DepthwiseConvPrepare: as conv, channels = filter dims[3].
void PrepareDepthwiseConv(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* filter = v.Input(1);
  const int64_t channels = Dim(filter, 3);
  use.prepare_bytes = {4 * channels, 4 * channels};
  if (TypeIs(filter, tflite::TensorType_INT4)) use.scratch_bytes.push_back(Elements(filter));
}

// fully_connected.cc / fully_connected_common.cc: int4 weights unpack into
// scratch; per-channel multiplier and shift only for int8/int16 inputs with
// per-channel weight scales.
void PrepareFullyConnected(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* filter = v.Input(1);
  if (TypeIs(filter, tflite::TensorType_INT4)) use.scratch_bytes.push_back(Elements(filter));
  const int64_t channels = QuantChannels(filter);
  if (IsInt8Or16(v.Input(0)) && channels > 1) use.prepare_bytes = {4 * channels, 4 * channels};
}

// transpose_conv.cc: per-channel arrays (filter dims[0]); int8 needs an int32
// scratch of output elements, int16 an int64 one plus int64 bias conversion
// when the bias is int16.
void PrepareTransposeConv(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* filter = v.Input(1);
  const tflite::TensorT* input = v.Input(2);
  const tflite::TensorT* bias = v.Input(3);
  const int64_t channels = Dim(filter, 0);
  use.prepare_bytes = {4 * channels, 4 * channels};
  if (TypeIs(input, tflite::TensorType_INT16) && TypeIs(bias, tflite::TensorType_INT16)) {
    use.scratch_bytes.push_back(8 * Elements(bias));
  }
  if (TypeIs(input, tflite::TensorType_INT8)) use.scratch_bytes.push_back(4 * Elements(v.Output(0)));
  if (TypeIs(input, tflite::TensorType_INT16)) use.scratch_bytes.push_back(8 * Elements(v.Output(0)));
}

// softmax_common.cc InitializeLutForInt16: two int16 LUTs of 513 entries.
void PrepareSoftmax(const OpView& v, KernelArenaUse& use) {
  if (TypeIs(v.Input(0), tflite::TensorType_INT16)) use.prepare_bytes = {2 * 513, 2 * 513};
}

// log_softmax.cc: LogSoftmaxOpData (40) allocated in Prepare, int8 only.
void PrepareLogSoftmax(const OpView& v, KernelArenaUse& use) {
  if (TypeIs(v.Input(0), tflite::TensorType_INT8)) use.prepare_bytes = {40};
}

// reshape_common.cc: the output dims are made writable only when the stored
// output shape has a -1 to resolve.
void PrepareReshape(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* out = v.Output(0);
  if (out && std::find(out->shape.begin(), out->shape.end(), -1) != out->shape.end()) {
    WritableOutputDims(v, use);
  }
}

// batch_matmul.cc: QuantizationOpDataBatchMatmul (28) for int8/int16; a
// transposed copy of LHS when adj_x and of RHS unless adj_y, each a
// TfLiteEvalTensor (24) + dims + data; then writable output dims.
void PrepareBatchMatmul(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* lhs = v.Input(0);
  const tflite::TensorT* rhs = v.Input(1);
  const auto* options = v.op().builtin_options.AsBatchMatMulOptions();
  const bool adj_x = options && options->adj_x;
  const bool adj_y = options && options->adj_y;
  if (IsInt8Or16(lhs)) use.prepare_bytes.push_back(28);
  auto transposed = [&](const tflite::TensorT* t) {
    use.prepare_bytes.push_back(24);
    use.prepare_bytes.push_back(IntArrayBytes(Rank(t)));
    use.prepare_bytes.push_back(Elements(t) * TflmTypeSize(t->type));
  };
  if (adj_x && lhs) transposed(lhs);
  if (!adj_y && rhs) transposed(rhs);
  WritableOutputDims(v, use);
}

// mirror_pad.cc: two int scratch arrays of input rank.
void PrepareMirrorPad(const OpView& v, KernelArenaUse& use) {
  const int64_t rank = Rank(v.Input(0));
  use.scratch_bytes = {4 * rank, 4 * rank};
}

// reduce_common.cc PrepareMinMaxHelper / PrepareAllHelper: iterator and
// resolved-axis int arrays.
void PrepareReduceMinMax(const OpView& v, KernelArenaUse& use) {
  use.scratch_bytes = {4 * Rank(v.Input(0)), 4 * Elements(v.Input(1))};
}

// reduce_common.cc PrepareMeanOrSumHelper: an int32 accumulator per output
// element for int8/int16, then the iterator and axis arrays.
void PrepareReduceMeanSum(const OpView& v, KernelArenaUse& use) {
  if (IsInt8Or16(v.Input(0))) use.scratch_bytes.push_back(4 * Elements(v.Output(0)));
  use.scratch_bytes.push_back(4 * Rank(v.Input(0)));
  use.scratch_bytes.push_back(4 * Elements(v.Input(1)));
}

// unidirectional_sequence_lstm.cc: four scratch buffers of batch x state
// elements of the cell-state type (state = output-state tensor dims[1]).
void PrepareLstm(const OpView& v, KernelArenaUse& use) {
  const tflite::TensorT* input = v.Input(0);
  const auto* options = v.op().builtin_options.AsUnidirectionalSequenceLSTMOptions();
  const bool time_major = options && options->time_major;
  const int64_t batch = time_major ? Dim(input, 1) : Dim(input, 0);
  const int64_t state = Dim(v.Input(18), 1);
  const tflite::TensorT* cell = v.Input(19);
  const int64_t bytes = batch * state * (cell ? TflmTypeSize(cell->type) : 4);
  use.scratch_bytes = {bytes, bytes, bytes, bytes};
}

// svdf_common.cc: int32/float scratch of batch x filters; int8 also batch x units.
void PrepareSvdf(const OpView& v, KernelArenaUse& use) {
  const int64_t batch = Dim(v.Input(0), 0);
  const int64_t filters = Dim(v.Input(1), 0);
  const auto* options = v.op().builtin_options.AsSVDFOptions();
  const int64_t rank = options && options->rank > 0 ? options->rank : 1;
  use.scratch_bytes.push_back(4 * batch * filters);
  if (TypeIs(v.Input(0), tflite::TensorType_INT8)) use.scratch_bytes.push_back(4 * batch * (filters / rank));
}

// --- the table ------------------------------------------------------------------

using PrepareFn = void (*)(const OpView&, KernelArenaUse&);

struct KernelRow {
  BuiltinOperator op;
  int params_bytes;  // sizeof the TfLiteXxxParams Parse allocates (0: none)
  int params_align;  // alignof it
  int init_bytes;    // sizeof the op data Init allocates (0: no Init)
  PrepareFn prepare;  // Prepare's data-dependent allocations (nullptr: none)
};

// clang-format off
constexpr KernelRow kKernelRows[] = {
  {tflite::BuiltinOperator_ABS, 0, 1, 28, nullptr},                          // OpDataAbsRsqrt (elementwise.cc)
  {tflite::BuiltinOperator_ADD, 8, 4, 60, nullptr},                          // TfLiteAddParams; OpDataAdd (add.h)
  {tflite::BuiltinOperator_ARG_MAX, 4, 4, 0, nullptr},                       // TfLiteArgMaxParams
  {tflite::BuiltinOperator_ARG_MIN, 4, 4, 0, nullptr},                       // TfLiteArgMinParams
  {tflite::BuiltinOperator_AVERAGE_POOL_2D, 40, 4, 32, nullptr},             // TfLitePoolParams; OpDataPooling (pooling.h)
  {tflite::BuiltinOperator_BATCH_MATMUL, 3, 1, 32, PrepareBatchMatmul},      // TfLiteBatchMatMulParams; OpDataBatchMatmul (batch_matmul.h)
  {tflite::BuiltinOperator_BATCH_TO_SPACE_ND, 0, 1, 0, nullptr},             // no params, no op data
  {tflite::BuiltinOperator_BROADCAST_ARGS, 0, 1, 0, nullptr},                // no params, no op data
  {tflite::BuiltinOperator_BROADCAST_TO, 0, 1, 0, nullptr},                  // no params, no op data
  {tflite::BuiltinOperator_CAST, 8, 4, 0, nullptr},                          // TfLiteCastParams
  {tflite::BuiltinOperator_CEIL, 0, 1, 0, nullptr},                          // no params, no op data
  {tflite::BuiltinOperator_CONCATENATION, 8, 4, 40, nullptr},                // TfLiteConcatenationParams; OpData (concatenation.cc)
  {tflite::BuiltinOperator_CONV_2D, 28, 4, 72, PrepareConv},                 // TfLiteConvParams; OpDataConv (conv.h)
  {tflite::BuiltinOperator_COS, 0, 1, 0, nullptr},                           // no params, no op data
  {tflite::BuiltinOperator_DEPTH_TO_SPACE, 4, 4, 0, WritableOutputDims},     // TfLiteDepthToSpaceParams
  {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 28, 4, 72, PrepareDepthwiseConv},  // TfLiteDepthwiseConvParams; OpDataConv (conv.h)
  {tflite::BuiltinOperator_DEQUANTIZE, 0, 1, 32, nullptr},                   // DequantizeOpData (dequantize.h)
  {tflite::BuiltinOperator_DIV, 4, 4, 28, nullptr},                          // TfLiteDivParams; OpDataDiv (div.cc)
  {tflite::BuiltinOperator_ELU, 0, 1, 256, nullptr},                         // OpData: int8 LUT (elu.cc)
  {tflite::BuiltinOperator_EQUAL, 0, 1, 32, nullptr},                        // OpData (comparisons.cc)
  {tflite::BuiltinOperator_EXP, 0, 1, 0, nullptr},                           // no params, no op data
  {tflite::BuiltinOperator_EXPAND_DIMS, 0, 1, 0, nullptr},                   // no params, no op data
  {tflite::BuiltinOperator_FILL, 0, 1, 0, nullptr},                          // no params, no op data
  {tflite::BuiltinOperator_FLOOR, 0, 1, 0, nullptr},                         // no params, no op data
  {tflite::BuiltinOperator_FLOOR_DIV, 0, 1, 0, nullptr},                     // no params, no op data
  {tflite::BuiltinOperator_FLOOR_MOD, 0, 1, 0, nullptr},                     // no params, no op data
  {tflite::BuiltinOperator_FULLY_CONNECTED, 16, 4, 64, PrepareFullyConnected},  // TfLiteFullyConnectedParams; OpDataFullyConnected (fully_connected.h)
  {tflite::BuiltinOperator_GATHER, 8, 4, 0, WritableOutputDims},             // TfLiteGatherParams
  {tflite::BuiltinOperator_GATHER_ND, 0, 1, 0, WritableOutputDims},          // no params, no op data
  {tflite::BuiltinOperator_GREATER, 0, 1, 32, nullptr},                      // OpData (comparisons.cc)
  {tflite::BuiltinOperator_GREATER_EQUAL, 0, 1, 32, nullptr},                // OpData (comparisons.cc)
  {tflite::BuiltinOperator_HARD_SWISH, 0, 1, 20, nullptr},                   // HardSwishParams (internal/types.h)
  {tflite::BuiltinOperator_L2_NORMALIZATION, 4, 4, 4, nullptr},              // TfLiteL2NormParams; L2NormalizationParams (internal/types.h)
  {tflite::BuiltinOperator_L2_POOL_2D, 40, 4, 0, WritableOutputDims},        // TfLitePoolParams
  {tflite::BuiltinOperator_LEAKY_RELU, 4, 4, 24, nullptr},                   // TfLiteLeakyReluParams; LeakyReluOpData (leaky_relu.h)
  {tflite::BuiltinOperator_LESS, 0, 1, 32, nullptr},                         // OpData (comparisons.cc)
  {tflite::BuiltinOperator_LESS_EQUAL, 0, 1, 32, nullptr},                   // OpData (comparisons.cc)
  {tflite::BuiltinOperator_LOG, 0, 1, 0, nullptr},                           // no params, no op data
  {tflite::BuiltinOperator_LOG_SOFTMAX, 0, 1, 0, PrepareLogSoftmax},         // LogSoftmaxOpData in Prepare (log_softmax.cc)
  {tflite::BuiltinOperator_LOGICAL_AND, 0, 1, 0, nullptr},                   // no params, no op data
  {tflite::BuiltinOperator_LOGICAL_NOT, 0, 1, 0, nullptr},                   // no params, no op data
  {tflite::BuiltinOperator_LOGICAL_OR, 0, 1, 0, nullptr},                    // no params, no op data
  {tflite::BuiltinOperator_LOGISTIC, 0, 1, 16, nullptr},                     // OpDataLogistic (logistic.h)
  {tflite::BuiltinOperator_MAX_POOL_2D, 40, 4, 32, nullptr},                 // TfLitePoolParams; OpDataPooling (pooling.h)
  {tflite::BuiltinOperator_MAXIMUM, 0, 1, 0, nullptr},                       // no params, no op data
  {tflite::BuiltinOperator_MEAN, 1, 1, 44, PrepareReduceMeanSum},            // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_MINIMUM, 0, 1, 0, nullptr},                       // no params, no op data
  {tflite::BuiltinOperator_MIRROR_PAD, 4, 4, 20, PrepareMirrorPad},          // TfLiteMirrorPaddingParams; OpDataMirrorPad (mirror_pad.cc)
  {tflite::BuiltinOperator_MUL, 4, 4, 36, nullptr},                          // TfLiteMulParams; OpDataMul (mul.h)
  {tflite::BuiltinOperator_NEG, 0, 1, 0, nullptr},                           // no params, no op data
  {tflite::BuiltinOperator_NOT_EQUAL, 0, 1, 32, nullptr},                    // OpData (comparisons.cc)
  {tflite::BuiltinOperator_PACK, 8, 4, 0, nullptr},                          // TfLitePackParams
  {tflite::BuiltinOperator_PAD, 0, 1, 56, nullptr},                          // OpData (pad.h)
  {tflite::BuiltinOperator_PADV2, 0, 1, 56, nullptr},                        // OpData (pad.h)
  {tflite::BuiltinOperator_PRELU, 0, 1, 28, nullptr},                        // PreluParams (internal/types.h)
  {tflite::BuiltinOperator_QUANTIZE, 0, 1, 32, nullptr},                     // OpDataQuantizeReference (quantize.h)
  {tflite::BuiltinOperator_REDUCE_MAX, 1, 1, 44, PrepareReduceMinMax},       // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_REDUCE_MIN, 1, 1, 44, PrepareReduceMinMax},       // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_RELU, 0, 1, 28, nullptr},                         // ReluOpData (activations.h)
  {tflite::BuiltinOperator_RELU6, 0, 1, 8, nullptr},                         // Relu6OpData (activations.h)
  {tflite::BuiltinOperator_RESHAPE, 36, 4, 0, PrepareReshape},               // TfLiteReshapeParams
  {tflite::BuiltinOperator_RESIZE_BILINEAR, 2, 1, 0, nullptr},               // TfLiteResizeBilinearParams
  {tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, 2, 1, 0, nullptr},       // TfLiteResizeNearestNeighborParams
  {tflite::BuiltinOperator_ROUND, 0, 1, 0, nullptr},                         // no params, no op data
  {tflite::BuiltinOperator_RSQRT, 0, 1, 28, nullptr},                        // OpDataAbsRsqrt (elementwise.cc)
  {tflite::BuiltinOperator_SELECT_V2, 0, 1, 1, nullptr},                     // OpData: one bool (select.cc)
  {tflite::BuiltinOperator_SHAPE, 4, 4, 0, nullptr},                         // TfLiteShapeParams
  {tflite::BuiltinOperator_SIN, 0, 1, 0, nullptr},                           // no params, no op data
  {tflite::BuiltinOperator_SLICE, 0, 1, 0, nullptr},                         // no params, no op data
  {tflite::BuiltinOperator_SOFTMAX, 4, 4, 80, PrepareSoftmax},               // TfLiteSoftmaxParams; SoftmaxParams (internal/types.h)
  {tflite::BuiltinOperator_SPACE_TO_BATCH_ND, 0, 1, 4, nullptr},             // SpaceToBatchParams (internal/types.h)
  {tflite::BuiltinOperator_SPACE_TO_DEPTH, 4, 4, 0, WritableOutputDims},     // TfLiteSpaceToDepthParams
  {tflite::BuiltinOperator_SPLIT, 4, 4, 0, nullptr},                         // TfLiteSplitParams
  {tflite::BuiltinOperator_SPLIT_V, 4, 4, 0, nullptr},                       // TfLiteSplitVParams
  {tflite::BuiltinOperator_SQRT, 0, 1, 0, nullptr},                          // no params, no op data
  {tflite::BuiltinOperator_SQUARE, 0, 1, 0, nullptr},                        // no params, no op data
  {tflite::BuiltinOperator_SQUARED_DIFFERENCE, 0, 1, 112, nullptr},          // OpData: ArithmeticParams + flag (squared_difference.cc)
  {tflite::BuiltinOperator_SQUEEZE, 36, 4, 0, nullptr},                      // TfLiteSqueezeParams
  {tflite::BuiltinOperator_STRIDED_SLICE, 24, 4, 84, nullptr},               // TfLiteStridedSliceParams; StridedSliceParams (internal/types.h)
  {tflite::BuiltinOperator_SUB, 8, 4, 52, nullptr},                          // TfLiteSubParams; OpDataSub (sub.h)
  {tflite::BuiltinOperator_SUM, 1, 1, 44, PrepareReduceMeanSum},             // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_SVDF, 12, 4, 36, PrepareSvdf},                    // TfLiteSVDFParams; OpDataSvdf (svdf.h)
  {tflite::BuiltinOperator_TANH, 0, 1, 16, nullptr},                         // OpData (tanh.cc)
  {tflite::BuiltinOperator_TRANSPOSE, 0, 1, 0, nullptr},                     // no params, no op data
  {tflite::BuiltinOperator_TRANSPOSE_CONV, 20, 4, 80, PrepareTransposeConv},  // TfLiteTransposeConvParams; OpData (transpose_conv.cc)
  {tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, 16, 4, 688, PrepareLstm},  // TfLiteUnidirectionalSequenceLSTMParams; OpDataLSTM (lstm_shared.h)
  {tflite::BuiltinOperator_UNPACK, 8, 4, 0, nullptr},                        // TfLiteUnpackParams
  {tflite::BuiltinOperator_ZEROS_LIKE, 0, 1, 0, nullptr},                    // no params, no op data
};
// clang-format on

// An op without a row: a guess on the generous side (the largest common
// params struct and op data), so the estimate stays an upper bound for
// simple kernels.
constexpr int kGuessParamsBytes = 40;
constexpr int kGuessInitBytes = 128;

}  // namespace

int64_t TflmTypeSize(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_FLOAT16:
    case tflite::TensorType_BFLOAT16:
    case tflite::TensorType_INT16:
    case tflite::TensorType_UINT16:
      return 2;
    case tflite::TensorType_FLOAT32:
    case tflite::TensorType_INT32:
    case tflite::TensorType_UINT32:
    case tflite::TensorType_RESOURCE:
      return 4;
    case tflite::TensorType_FLOAT64:
    case tflite::TensorType_INT64:
    case tflite::TensorType_UINT64:
    case tflite::TensorType_COMPLEX64:
      return 8;
    case tflite::TensorType_COMPLEX128:
      return 16;
    case tflite::TensorType_INT8:
    case tflite::TensorType_UINT8:
    case tflite::TensorType_BOOL:
    case tflite::TensorType_INT4:  // TFLM sizes an int4 tensor as one byte per element
      return 1;
    default:
      return 0;
  }
}

bool TflmArenaModelled(BuiltinOperator op) {
  return std::any_of(std::begin(kKernelRows), std::end(kKernelRows), [op](const KernelRow& r) { return r.op == op; });
}

KernelArenaUse TflmKernelArenaUse(const Model& model, size_t sg, const tflite::OperatorT& op) {
  KernelArenaUse use;
  const BuiltinOperator code = model.OpCode(op);
  const auto* row = std::find_if(std::begin(kKernelRows), std::end(kKernelRows),
                                 [&](const KernelRow& r) { return r.op == code; });
  if (code == tflite::BuiltinOperator_CUSTOM || row == std::end(kKernelRows)) {
    use.params_bytes = code == tflite::BuiltinOperator_CUSTOM ? 0 : kGuessParamsBytes;
    use.params_align = 4;
    use.init_bytes = kGuessInitBytes;
    use.modelled = false;
    use.note = model.OpName(op) + ": not in the kernel table; guessed " +
               std::to_string(use.params_bytes) + " B params + " + std::to_string(kGuessInitBytes) +
               " B op data, no scratch";
    return use;
  }
  use.params_bytes = row->params_bytes;
  use.params_align = row->params_align;
  use.init_bytes = row->init_bytes;
  if (row->prepare != nullptr) row->prepare(OpView(model, sg, op), use);
  return use;
}

}  // namespace tinyforge
