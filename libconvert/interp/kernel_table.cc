// The one kernel table: which Prepare function runs for (operator, type of
// its data input). An (op, type) pair that is not here is an error at
// Prepare that names both.
#include <algorithm>

#include "libconvert/interp/kernel.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp {
namespace {

using Op = tflite::BuiltinOperator;
using Type = tflite::TensorType;

constexpr Type kF32 = tflite::TensorType_FLOAT32;
constexpr Type kI8 = tflite::TensorType_INT8;
constexpr Type kU8 = tflite::TensorType_UINT8;
constexpr Type kI16 = tflite::TensorType_INT16;
constexpr Type kI32 = tflite::TensorType_INT32;
constexpr Type kU32 = tflite::TensorType_UINT32;
constexpr Type kI64 = tflite::TensorType_INT64;
constexpr Type kBool = tflite::TensorType_BOOL;

std::vector<KernelRegistration> BuildTable() {
  using namespace kernels;
  std::vector<KernelRegistration> table;
  auto add = [&table](Op op, std::initializer_list<Type> types, PrepareFn prepare) {
    for (Type t : types) table.push_back({op, t, prepare});
  };
  const auto kAnyType = {kF32, kI8, kU8, kI16, kI32, kI64, kBool};

  add(tflite::BuiltinOperator_RESHAPE, kAnyType, PrepareReshape);
  add(tflite::BuiltinOperator_SQUEEZE, kAnyType, PrepareReshape);
  add(tflite::BuiltinOperator_EXPAND_DIMS, kAnyType, PrepareReshape);

  add(tflite::BuiltinOperator_CONV_2D, {kF32, kI8, kI16}, PrepareConv2D);
  add(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {kF32, kI8, kI16}, PrepareDepthwiseConv2D);
  add(tflite::BuiltinOperator_FULLY_CONNECTED, {kF32, kI8, kI16}, PrepareFullyConnected);
  add(tflite::BuiltinOperator_AVERAGE_POOL_2D, {kF32, kI8, kI16}, PrepareAveragePool2D);
  add(tflite::BuiltinOperator_MAX_POOL_2D, {kF32, kI8, kI16}, PrepareMaxPool2D);

  add(tflite::BuiltinOperator_SOFTMAX, {kF32, kI8, kI16}, PrepareSoftmax);
  add(tflite::BuiltinOperator_LOGISTIC, {kF32, kI8, kI16}, PrepareLogistic);
  add(tflite::BuiltinOperator_TANH, {kF32, kI8, kI16}, PrepareTanh);
  add(tflite::BuiltinOperator_RELU, {kF32, kI8, kI16}, PrepareRelu);
  add(tflite::BuiltinOperator_RELU6, {kF32, kI8, kI16}, PrepareRelu6);
  add(tflite::BuiltinOperator_LEAKY_RELU, {kF32, kI8, kI16}, PrepareLeakyRelu);
  add(tflite::BuiltinOperator_HARD_SWISH, {kF32, kI8}, PrepareHardSwish);
  add(tflite::BuiltinOperator_QUANTIZE, {kF32, kI8, kU8, kI16, kI32}, PrepareQuantize);
  add(tflite::BuiltinOperator_DEQUANTIZE, {kI8, kU8, kI16}, PrepareDequantize);

  add(tflite::BuiltinOperator_ADD, {kF32, kI8, kI16, kI32}, PrepareAdd);
  add(tflite::BuiltinOperator_SUB, {kF32, kI8, kI16, kI32}, PrepareSub);
  add(tflite::BuiltinOperator_MUL, {kF32, kI8, kI16, kI32}, PrepareMul);
  add(tflite::BuiltinOperator_DIV, {kF32, kI8}, PrepareDiv);
  add(tflite::BuiltinOperator_MAXIMUM, {kF32, kI8, kI16, kI32, kI64}, PrepareMaximum);
  add(tflite::BuiltinOperator_MINIMUM, {kF32, kI8, kI16, kI32, kI64}, PrepareMinimum);
  add(tflite::BuiltinOperator_SQUARED_DIFFERENCE, {kF32, kI8, kI16, kI32}, PrepareSquaredDifference);

  add(tflite::BuiltinOperator_PAD, {kF32, kI8, kI16, kI32}, PreparePad);
  add(tflite::BuiltinOperator_PADV2, {kF32, kI8, kI16, kI32}, PreparePad);
  add(tflite::BuiltinOperator_MIRROR_PAD, {kF32, kI8}, PrepareMirrorPad);
  add(tflite::BuiltinOperator_TRANSPOSE, {kF32, kI8, kU8, kI16, kI32, kI64, kBool}, PrepareTranspose);
  add(tflite::BuiltinOperator_CONCATENATION, {kF32, kI8, kU8, kI16, kI32, kI64, kBool}, PrepareConcatenation);

  add(tflite::BuiltinOperator_MEAN, {kF32, kI8, kI16}, PrepareMean);
  add(tflite::BuiltinOperator_SUM, {kF32, kI8, kI16}, PrepareSum);
  add(tflite::BuiltinOperator_REDUCE_MAX, {kF32, kI8, kI16}, PrepareReduceMax);
  add(tflite::BuiltinOperator_REDUCE_MIN, {kF32, kI8, kI16}, PrepareReduceMin);

  add(tflite::BuiltinOperator_GATHER, {kF32, kI8}, PrepareGather);
  add(tflite::BuiltinOperator_GATHER_ND, {kF32, kI8}, PrepareGatherNd);
  add(tflite::BuiltinOperator_SLICE, {kF32, kI8, kI16, kI32, kBool}, PrepareSlice);
  add(tflite::BuiltinOperator_STRIDED_SLICE, {kF32, kI8, kI16, kI32, kBool}, PrepareStridedSlice);
  add(tflite::BuiltinOperator_SPLIT, {kF32, kI8, kI16, kI32}, PrepareSplit);
  add(tflite::BuiltinOperator_SPLIT_V, {kF32, kI8, kI16, kI32}, PrepareSplitV);
  add(tflite::BuiltinOperator_PACK, {kF32, kI8, kI16, kI32, kI64}, PreparePack);
  add(tflite::BuiltinOperator_UNPACK, {kF32, kI8, kI16, kI32}, PrepareUnpack);
  add(tflite::BuiltinOperator_SPACE_TO_DEPTH, {kF32, kI8}, PrepareSpaceToDepth);
  add(tflite::BuiltinOperator_DEPTH_TO_SPACE, {kF32, kI8}, PrepareDepthToSpace);
  add(tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, {kF32, kI8, kI16}, PrepareResizeNearestNeighbor);
  add(tflite::BuiltinOperator_RESIZE_BILINEAR, {kF32, kI8}, PrepareResizeBilinear);
  add(tflite::BuiltinOperator_BROADCAST_TO, {kF32, kI8, kU8, kI16, kI32, kI64, kBool}, PrepareBroadcastTo);
  add(tflite::BuiltinOperator_SHAPE, {kF32, kI8, kU8, kI16, kI32, kI64, kBool}, PrepareShape);
  add(tflite::BuiltinOperator_SQRT, {kF32}, PrepareSqrt);
  add(tflite::BuiltinOperator_RSQRT, {kF32, kI8}, PrepareRsqrt);
  add(tflite::BuiltinOperator_ABS, {kF32, kI8, kI16}, PrepareAbs);
  add(tflite::BuiltinOperator_NEG, {kF32}, PrepareNeg);
  add(tflite::BuiltinOperator_EXP, {kF32}, PrepareExp);
  add(tflite::BuiltinOperator_LOG, {kF32}, PrepareLog);
  add(tflite::BuiltinOperator_GELU, {kF32}, PrepareGelu);
  add(tflite::BuiltinOperator_CAST, {kF32, kI8, kI16, kI32, kU32, kBool}, PrepareCast);
  add(tflite::BuiltinOperator_EQUAL, {kF32, kI8, kI32, kI64, kBool}, PrepareEqual);
  add(tflite::BuiltinOperator_NOT_EQUAL, {kF32, kI8, kI32, kI64, kBool}, PrepareNotEqual);
  add(tflite::BuiltinOperator_LESS, {kF32, kI8, kI32, kI64}, PrepareLess);
  add(tflite::BuiltinOperator_LESS_EQUAL, {kF32, kI8, kI32, kI64}, PrepareLessEqual);
  add(tflite::BuiltinOperator_GREATER, {kF32, kI8, kI32, kI64}, PrepareGreater);
  add(tflite::BuiltinOperator_GREATER_EQUAL, {kF32, kI8, kI32, kI64}, PrepareGreaterEqual);
  add(tflite::BuiltinOperator_SELECT_V2, {kF32, kI8, kI16}, PrepareSelectV2);
  add(tflite::BuiltinOperator_ARG_MAX, {kF32, kI8}, PrepareArgMax);
  add(tflite::BuiltinOperator_ARG_MIN, {kF32, kI8}, PrepareArgMin);
  add(tflite::BuiltinOperator_BATCH_MATMUL, {kF32, kI8, kI16}, PrepareBatchMatMul);

  add(tflite::BuiltinOperator_TRANSPOSE_CONV, {kF32, kI8, kI16}, PrepareTransposeConv);  // keyed on input 2
  add(tflite::BuiltinOperator_L2_NORMALIZATION, {kF32, kI8}, PrepareL2Normalization);
  add(tflite::BuiltinOperator_LOG_SOFTMAX, {kF32, kI8}, PrepareLogSoftmax);
  add(tflite::BuiltinOperator_BATCH_TO_SPACE_ND, {kF32, kI8}, PrepareBatchToSpaceNd);
  add(tflite::BuiltinOperator_SPACE_TO_BATCH_ND, {kF32, kI8}, PrepareSpaceToBatchNd);
  add(tflite::BuiltinOperator_PRELU, {kF32, kI8, kI16}, PreparePrelu);

  add(tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, {kF32, kI8, kI16}, PrepareUnidirectionalSequenceLstm);
  add(tflite::BuiltinOperator_SVDF, {kF32, kI8}, PrepareSvdf);
  return table;
}

}  // namespace

const std::vector<KernelRegistration>& KernelTable() {
  static const std::vector<KernelRegistration> table = BuildTable();
  return table;
}

PrepareFn FindKernel(tflite::BuiltinOperator op, tflite::TensorType type) {
  const auto& table = KernelTable();
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const KernelRegistration& r) { return r.op == op && r.type == type; });
  return it == table.end() ? nullptr : it->prepare;
}

bool MayFoldProducer(tflite::BuiltinOperator reader, tflite::BuiltinOperator producer) {
  const bool conv = reader == tflite::BuiltinOperator_CONV_2D || reader == tflite::BuiltinOperator_DEPTHWISE_CONV_2D;
  return conv && (producer == tflite::BuiltinOperator_PAD || producer == tflite::BuiltinOperator_PADV2);
}

size_t KernelKeyInput(tflite::BuiltinOperator op) {
  switch (op) {
    case tflite::BuiltinOperator_SPLIT:
    case tflite::BuiltinOperator_SELECT_V2:
      return 1;
    case tflite::BuiltinOperator_TRANSPOSE_CONV:
      return 2;
    default:
      return 0;
  }
}

int KernelKeyTensor(const Model& model, const tflite::OperatorT& op) {
  const size_t key = KernelKeyInput(model.OpCode(op));
  if (key < op.inputs.size() && op.inputs[key] >= 0) return op.inputs[key];
  for (int index : op.inputs) {
    if (index >= 0) return index;
  }
  return op.outputs.empty() ? -1 : op.outputs[0];
}

}  // namespace tinyforge::interp
