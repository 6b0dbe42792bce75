#include "libconvert/tflm/ops.h"

#include <algorithm>
#include <array>

namespace tinyforge {
namespace {

// MicroMutableOpResolver's builtin Add methods at kTflmCommit, sorted by
// operator name. Not here on purpose (TFLM has no kernel): e.g. GELU, SELECT
// (TFLM has SELECT_V2 only), TILE, POW, LSTM, CONV_3D.
constexpr std::array<TflmBuiltinOp, 100> kBuiltinOps = {{
    {tflite::BuiltinOperator_ABS, "AddAbs"},
    {tflite::BuiltinOperator_ADD, "AddAdd"},
    {tflite::BuiltinOperator_ADD_N, "AddAddN"},
    {tflite::BuiltinOperator_ARG_MAX, "AddArgMax"},
    {tflite::BuiltinOperator_ARG_MIN, "AddArgMin"},
    {tflite::BuiltinOperator_ASSIGN_VARIABLE, "AddAssignVariable"},
    {tflite::BuiltinOperator_AVERAGE_POOL_2D, "AddAveragePool2D"},
    {tflite::BuiltinOperator_BATCH_MATMUL, "AddBatchMatMul"},
    {tflite::BuiltinOperator_BATCH_TO_SPACE_ND, "AddBatchToSpaceNd"},
    {tflite::BuiltinOperator_BROADCAST_ARGS, "AddBroadcastArgs"},
    {tflite::BuiltinOperator_BROADCAST_TO, "AddBroadcastTo"},
    {tflite::BuiltinOperator_CALL_ONCE, "AddCallOnce"},
    {tflite::BuiltinOperator_CAST, "AddCast"},
    {tflite::BuiltinOperator_CEIL, "AddCeil"},
    {tflite::BuiltinOperator_CONCATENATION, "AddConcatenation"},
    {tflite::BuiltinOperator_CONV_2D, "AddConv2D"},
    {tflite::BuiltinOperator_COS, "AddCos"},
    {tflite::BuiltinOperator_CUMSUM, "AddCumSum"},
    {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, "AddDepthwiseConv2D"},
    {tflite::BuiltinOperator_DEPTH_TO_SPACE, "AddDepthToSpace"},
    {tflite::BuiltinOperator_DEQUANTIZE, "AddDequantize"},
    {tflite::BuiltinOperator_DIV, "AddDiv"},
    {tflite::BuiltinOperator_DYNAMIC_UPDATE_SLICE, "AddDynamicUpdateSlice"},
    {tflite::BuiltinOperator_ELU, "AddElu"},
    {tflite::BuiltinOperator_EMBEDDING_LOOKUP, "AddEmbeddingLookup"},
    {tflite::BuiltinOperator_EQUAL, "AddEqual"},
    {tflite::BuiltinOperator_EXP, "AddExp"},
    {tflite::BuiltinOperator_EXPAND_DIMS, "AddExpandDims"},
    {tflite::BuiltinOperator_FILL, "AddFill"},
    {tflite::BuiltinOperator_FLOOR, "AddFloor"},
    {tflite::BuiltinOperator_FLOOR_DIV, "AddFloorDiv"},
    {tflite::BuiltinOperator_FLOOR_MOD, "AddFloorMod"},
    {tflite::BuiltinOperator_FULLY_CONNECTED, "AddFullyConnected"},
    {tflite::BuiltinOperator_GATHER, "AddGather"},
    {tflite::BuiltinOperator_GATHER_ND, "AddGatherNd"},
    {tflite::BuiltinOperator_GREATER, "AddGreater"},
    {tflite::BuiltinOperator_GREATER_EQUAL, "AddGreaterEqual"},
    {tflite::BuiltinOperator_HARD_SWISH, "AddHardSwish"},
    {tflite::BuiltinOperator_IF, "AddIf"},
    {tflite::BuiltinOperator_L2_NORMALIZATION, "AddL2Normalization"},
    {tflite::BuiltinOperator_L2_POOL_2D, "AddL2Pool2D"},
    {tflite::BuiltinOperator_LEAKY_RELU, "AddLeakyRelu"},
    {tflite::BuiltinOperator_LESS, "AddLess"},
    {tflite::BuiltinOperator_LESS_EQUAL, "AddLessEqual"},
    {tflite::BuiltinOperator_LOG, "AddLog"},
    {tflite::BuiltinOperator_LOGICAL_AND, "AddLogicalAnd"},
    {tflite::BuiltinOperator_LOGICAL_NOT, "AddLogicalNot"},
    {tflite::BuiltinOperator_LOGICAL_OR, "AddLogicalOr"},
    {tflite::BuiltinOperator_LOGISTIC, "AddLogistic"},
    {tflite::BuiltinOperator_LOG_SOFTMAX, "AddLogSoftmax"},
    {tflite::BuiltinOperator_MAXIMUM, "AddMaximum"},
    {tflite::BuiltinOperator_MAX_POOL_2D, "AddMaxPool2D"},
    {tflite::BuiltinOperator_MEAN, "AddMean"},
    {tflite::BuiltinOperator_MINIMUM, "AddMinimum"},
    {tflite::BuiltinOperator_MIRROR_PAD, "AddMirrorPad"},
    {tflite::BuiltinOperator_MUL, "AddMul"},
    {tflite::BuiltinOperator_NEG, "AddNeg"},
    {tflite::BuiltinOperator_NOT_EQUAL, "AddNotEqual"},
    {tflite::BuiltinOperator_PACK, "AddPack"},
    {tflite::BuiltinOperator_PAD, "AddPad"},
    {tflite::BuiltinOperator_PADV2, "AddPadV2"},
    {tflite::BuiltinOperator_PRELU, "AddPrelu"},
    {tflite::BuiltinOperator_QUANTIZE, "AddQuantize"},
    {tflite::BuiltinOperator_READ_VARIABLE, "AddReadVariable"},
    {tflite::BuiltinOperator_REDUCE_ALL, "AddReduceAll"},
    {tflite::BuiltinOperator_REDUCE_MAX, "AddReduceMax"},
    {tflite::BuiltinOperator_REDUCE_MIN, "AddReduceMin"},
    {tflite::BuiltinOperator_RELU, "AddRelu"},
    {tflite::BuiltinOperator_RELU6, "AddRelu6"},
    {tflite::BuiltinOperator_RESHAPE, "AddReshape"},
    {tflite::BuiltinOperator_RESIZE_BILINEAR, "AddResizeBilinear"},
    {tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, "AddResizeNearestNeighbor"},
    {tflite::BuiltinOperator_REVERSE_V2, "AddReverseV2"},
    {tflite::BuiltinOperator_ROUND, "AddRound"},
    {tflite::BuiltinOperator_RSQRT, "AddRsqrt"},
    {tflite::BuiltinOperator_SELECT_V2, "AddSelectV2"},
    {tflite::BuiltinOperator_SHAPE, "AddShape"},
    {tflite::BuiltinOperator_SIN, "AddSin"},
    {tflite::BuiltinOperator_SLICE, "AddSlice"},
    {tflite::BuiltinOperator_SOFTMAX, "AddSoftmax"},
    {tflite::BuiltinOperator_SPACE_TO_BATCH_ND, "AddSpaceToBatchNd"},
    {tflite::BuiltinOperator_SPACE_TO_DEPTH, "AddSpaceToDepth"},
    {tflite::BuiltinOperator_SPLIT, "AddSplit"},
    {tflite::BuiltinOperator_SPLIT_V, "AddSplitV"},
    {tflite::BuiltinOperator_SQRT, "AddSqrt"},
    {tflite::BuiltinOperator_SQUARE, "AddSquare"},
    {tflite::BuiltinOperator_SQUARED_DIFFERENCE, "AddSquaredDifference"},
    {tflite::BuiltinOperator_SQUEEZE, "AddSqueeze"},
    {tflite::BuiltinOperator_STRIDED_SLICE, "AddStridedSlice"},
    {tflite::BuiltinOperator_SUB, "AddSub"},
    {tflite::BuiltinOperator_SUM, "AddSum"},
    {tflite::BuiltinOperator_SVDF, "AddSvdf"},
    {tflite::BuiltinOperator_TANH, "AddTanh"},
    {tflite::BuiltinOperator_TRANSPOSE, "AddTranspose"},
    {tflite::BuiltinOperator_TRANSPOSE_CONV, "AddTransposeConv"},
    {tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, "AddUnidirectionalSequenceLSTM"},
    {tflite::BuiltinOperator_UNPACK, "AddUnpack"},
    {tflite::BuiltinOperator_VAR_HANDLE, "AddVarHandle"},
    {tflite::BuiltinOperator_WHILE, "AddWhile"},
    {tflite::BuiltinOperator_ZEROS_LIKE, "AddZerosLike"},
}};

// MicroMutableOpResolver's AddCustom-based methods at kTflmCommit, sorted by
// custom code. "ethos-u" is only registered in builds for an Arm Ethos-U NPU
// (elsewhere AddEthosU() adds nothing).
constexpr std::array<TflmCustomOp, 18> kCustomOps = {{
    {"CIRCULAR_BUFFER", "AddCircularBuffer"},
    {"SignalDelay", "AddDelay"},
    {"SignalEnergy", "AddEnergy"},
    {"SignalFftAutoScale", "AddFftAutoScale"},
    {"SignalFilterBank", "AddFilterBank"},
    {"SignalFilterBankLog", "AddFilterBankLog"},
    {"SignalFilterBankSpectralSubtraction", "AddFilterBankSpectralSubtraction"},
    {"SignalFilterBankSquareRoot", "AddFilterBankSquareRoot"},
    {"SignalFramer", "AddFramer"},
    {"SignalIrfft", "AddIrfft"},
    {"SignalOverlapAdd", "AddOverlapAdd"},
    {"SignalPCAN", "AddPCAN"},
    {"SignalRfft", "AddRfft"},
    {"SignalStacker", "AddStacker"},
    {"SignalWindow", "AddWindow"},
    {"TFLM_DECODE", "AddDecode"},
    {"TFLite_Detection_PostProcess", "AddDetectionPostprocess"},
    {"ethos-u", "AddEthosU"},
}};

}  // namespace

Span<const TflmBuiltinOp> TflmBuiltinOps() { return {kBuiltinOps.data(), kBuiltinOps.size()}; }

Span<const TflmCustomOp> TflmCustomOps() { return {kCustomOps.data(), kCustomOps.size()}; }

std::optional<std::string_view> TflmResolverMethod(tflite::BuiltinOperator op) {
  const auto it = std::find_if(kBuiltinOps.begin(), kBuiltinOps.end(),
                               [op](const TflmBuiltinOp& row) { return row.op == op; });
  if (it == kBuiltinOps.end()) return std::nullopt;
  return it->resolver_method;
}

std::optional<std::string_view> TflmCustomResolverMethod(std::string_view custom_code) {
  const auto it = std::find_if(
      kCustomOps.begin(), kCustomOps.end(),
      [custom_code](const TflmCustomOp& row) { return row.custom_code == custom_code; });
  if (it == kCustomOps.end()) return std::nullopt;
  return it->resolver_method;
}

std::string_view TflmNoKernelNote(tflite::BuiltinOperator op) {
  switch (op) {
    case tflite::BuiltinOperator_GELU:
      return "TFLM has no GELU kernel: replace it (e.g. by its tanh approximation) before deploying";
    default:
      return "";
  }
}

std::optional<std::string_view> TflmResolverMethod(const Model& model,
                                                   const tflite::OperatorT& op) {
  const tflite::BuiltinOperator code = model.OpCode(op);
  if (code != tflite::BuiltinOperator_CUSTOM) return TflmResolverMethod(code);
  return TflmCustomResolverMethod(model.raw().operator_codes.at(op.opcode_index)->custom_code);
}

}  // namespace tinyforge
