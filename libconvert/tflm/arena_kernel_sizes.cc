// The one table of what TFLM's reference kernels take from the arena besides
// their tensors, keyed by builtin operator, for both targets.
//
// Facts from tflite-micro 90b983c2: the Parse functions of
// tensorflow/lite/core/api/flatbuffer_conversions.cc (which TfLiteXxxParams
// struct each op allocates), and the Init and Prepare of
// tensorflow/lite/micro/kernels/*.cc (the op-data struct, and what Prepare
// does: arena_kernel_prepare.cc). The struct sizes are sizeof/alignof from
// g++ on x86-64 and from arm-none-eabi-g++ for the Cortex-M4. Short enums
// make many params structs smaller there (TfLiteFullyConnectedParams: 16/4 on
// x86-64, 5/1 on the M4), and 4-byte pointers shrink the op data that holds
// pointers (OpDataConv: 72 and 56). Updating to a newer TFLM is editing this
// table.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/ethos_u.h"
#include "libconvert/tflm/arena.h"
#include "libconvert/tflm/arena_kernels.h"

namespace tinyforge {
namespace {

using namespace tflm_arena;  // OpView, PrepareFn and the Prepare functions the table names

struct ParamsSize {
  int bytes;  // sizeof the TfLiteXxxParams Parse allocates (0: none)
  int align;  // alignof it
};

struct KernelRow {
  tflite::BuiltinOperator op;
  ParamsSize host_params;  // x86-64
  ParamsSize m4_params;    // Cortex-M4
  int host_init;           // sizeof the op data Init allocates (0: no Init), x86-64
  int m4_init;             // the same on the Cortex-M4
  PrepareFn prepare;       // Prepare's temporaries, allocations and scratch requests
};

// clang-format off
constexpr KernelRow kKernelRows[] = {
  {tflite::BuiltinOperator_ABS, {0, 1}, {0, 1}, 28, 28, PrepareIn0Out0},  // OpDataAbsRsqrt (elementwise.cc)
  {tflite::BuiltinOperator_ADD, {8, 4}, {2, 1}, 60, 60, PrepareIn0In1Out0},  // TfLiteAddParams; OpDataAdd (add.h)
  {tflite::BuiltinOperator_ARG_MAX, {4, 4}, {1, 1}, 0, 0, PrepareNothing},  // TfLiteArgMaxParams
  {tflite::BuiltinOperator_ARG_MIN, {4, 4}, {1, 1}, 0, 0, PrepareNothing},  // TfLiteArgMinParams
  {tflite::BuiltinOperator_AVERAGE_POOL_2D, {40, 4}, {40, 4}, 32, 32, PrepareIn0Out0},  // TfLitePoolParams; OpDataPooling (pooling.h)
  {tflite::BuiltinOperator_BATCH_MATMUL, {3, 1}, {3, 1}, 32, 16, PrepareBatchMatmul},  // TfLiteBatchMatMulParams; OpDataBatchMatmul (batch_matmul.h)
  {tflite::BuiltinOperator_BATCH_TO_SPACE_ND, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_BROADCAST_ARGS, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_BROADCAST_TO, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_CAST, {8, 4}, {2, 1}, 0, 0, PrepareIn0Out0},  // TfLiteCastParams
  {tflite::BuiltinOperator_CEIL, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_CONCATENATION, {8, 4}, {8, 4}, 40, 24, PrepareConcatenation},  // TfLiteConcatenationParams; OpData (concatenation.cc)
  {tflite::BuiltinOperator_CONV_2D, {28, 4}, {28, 4}, 72, 56, PrepareConv},  // TfLiteConvParams; OpDataConv (conv.h)
  {tflite::BuiltinOperator_COS, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_DEPTH_TO_SPACE, {4, 4}, {4, 4}, 0, 0, PrepareWritableOutputDims},  // TfLiteDepthToSpaceParams
  {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {28, 4}, {28, 4}, 72, 56, PrepareDepthwiseConv},  // TfLiteDepthwiseConvParams; OpDataConv (conv.h)
  {tflite::BuiltinOperator_DEQUANTIZE, {0, 1}, {0, 1}, 32, 32, PrepareIn0Out0},  // DequantizeOpData (dequantize.h)
  {tflite::BuiltinOperator_DIV, {4, 4}, {1, 1}, 28, 28, PrepareIn0In1Out0},  // TfLiteDivParams; OpDataDiv (div.cc)
  {tflite::BuiltinOperator_ELU, {0, 1}, {0, 1}, 256, 256, PrepareIn0Out0},  // OpData: int8 LUT (elu.cc)
  {tflite::BuiltinOperator_EQUAL, {0, 1}, {0, 1}, 32, 32, PrepareIn0In1},  // OpData (comparisons.cc)
  {tflite::BuiltinOperator_EXP, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_EXPAND_DIMS, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_FILL, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_FLOOR, {0, 1}, {0, 1}, 0, 0, PrepareNothing},
  {tflite::BuiltinOperator_FLOOR_DIV, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_FLOOR_MOD, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_FULLY_CONNECTED, {16, 4}, {5, 1}, 64, 48, PrepareFullyConnected},  // TfLiteFullyConnectedParams; OpDataFullyConnected (fully_connected.h)
  {tflite::BuiltinOperator_GATHER, {8, 4}, {8, 4}, 0, 0, PrepareGather},  // TfLiteGatherParams
  {tflite::BuiltinOperator_GATHER_ND, {0, 1}, {0, 1}, 0, 0, PrepareGather},
  {tflite::BuiltinOperator_GREATER, {0, 1}, {0, 1}, 32, 32, PrepareIn0In1},  // OpData (comparisons.cc)
  {tflite::BuiltinOperator_GREATER_EQUAL, {0, 1}, {0, 1}, 32, 32, PrepareIn0In1},  // OpData (comparisons.cc)
  {tflite::BuiltinOperator_HARD_SWISH, {0, 1}, {0, 1}, 20, 20, PrepareIn0Out0},  // HardSwishParams (internal/types.h)
  {tflite::BuiltinOperator_L2_NORMALIZATION, {4, 4}, {1, 1}, 4, 4, PrepareIn0Out0},  // TfLiteL2NormParams; L2NormalizationParams (internal/types.h)
  {tflite::BuiltinOperator_L2_POOL_2D, {40, 4}, {40, 4}, 0, 0, PrepareL2Pool},  // TfLitePoolParams
  {tflite::BuiltinOperator_LEAKY_RELU, {4, 4}, {4, 4}, 24, 24, PrepareIn0Out0},  // TfLiteLeakyReluParams; LeakyReluOpData (leaky_relu.h)
  {tflite::BuiltinOperator_LESS, {0, 1}, {0, 1}, 32, 32, PrepareIn0In1},  // OpData (comparisons.cc)
  {tflite::BuiltinOperator_LESS_EQUAL, {0, 1}, {0, 1}, 32, 32, PrepareIn0In1},  // OpData (comparisons.cc)
  {tflite::BuiltinOperator_LOG, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_LOG_SOFTMAX, {0, 1}, {0, 1}, 0, 0, PrepareLogSoftmax},  // LogSoftmaxOpData in Prepare (log_softmax.cc)
  {tflite::BuiltinOperator_LOGICAL_AND, {0, 1}, {0, 1}, 0, 0, PrepareNothing},
  {tflite::BuiltinOperator_LOGICAL_NOT, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_LOGICAL_OR, {0, 1}, {0, 1}, 0, 0, PrepareNothing},
  {tflite::BuiltinOperator_LOGISTIC, {0, 1}, {0, 1}, 16, 16, PrepareIn0Out0},  // OpDataLogistic (logistic.h)
  {tflite::BuiltinOperator_MAX_POOL_2D, {40, 4}, {40, 4}, 32, 32, PrepareIn0Out0},  // TfLitePoolParams; OpDataPooling (pooling.h)
  {tflite::BuiltinOperator_MAXIMUM, {0, 1}, {0, 1}, 0, 0, PrepareNothing},
  {tflite::BuiltinOperator_MEAN, {1, 1}, {1, 1}, 44, 44, PrepareReduceMeanSum},  // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_MINIMUM, {0, 1}, {0, 1}, 0, 0, PrepareNothing},
  {tflite::BuiltinOperator_MIRROR_PAD, {4, 4}, {1, 1}, 20, 20, PrepareMirrorPad},  // TfLiteMirrorPaddingParams; OpDataMirrorPad (mirror_pad.cc)
  {tflite::BuiltinOperator_MUL, {4, 4}, {1, 1}, 36, 36, PrepareIn0In1Out0},  // TfLiteMulParams; OpDataMul (mul.h)
  {tflite::BuiltinOperator_NEG, {0, 1}, {0, 1}, 0, 0, PrepareNothing},
  {tflite::BuiltinOperator_NOT_EQUAL, {0, 1}, {0, 1}, 32, 32, PrepareIn0In1},  // OpData (comparisons.cc)
  {tflite::BuiltinOperator_PACK, {8, 4}, {8, 4}, 0, 0, PrepareNothing},  // TfLitePackParams
  {tflite::BuiltinOperator_PAD, {0, 1}, {0, 1}, 56, 56, PreparePad},  // OpData (pad.h)
  {tflite::BuiltinOperator_PADV2, {0, 1}, {0, 1}, 56, 56, PreparePad},  // OpData (pad.h)
  {tflite::BuiltinOperator_PRELU, {0, 1}, {0, 1}, 28, 28, PrepareIn0In1Out0},  // PreluParams (internal/types.h)
  {tflite::BuiltinOperator_QUANTIZE, {0, 1}, {0, 1}, 32, 32, PrepareIn0Out0},  // OpDataQuantizeReference (quantize.h)
  {tflite::BuiltinOperator_REDUCE_MAX, {1, 1}, {1, 1}, 44, 44, PrepareReduceMinMax},  // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_REDUCE_MIN, {1, 1}, {1, 1}, 44, 44, PrepareReduceMinMax},  // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_RELU, {0, 1}, {0, 1}, 28, 28, PrepareIn0Out0},  // ReluOpData (activations.h)
  {tflite::BuiltinOperator_RELU6, {0, 1}, {0, 1}, 8, 8, PrepareIn0},  // Relu6OpData (activations.h)
  {tflite::BuiltinOperator_RESHAPE, {36, 4}, {36, 4}, 0, 0, PrepareReshape},  // TfLiteReshapeParams
  {tflite::BuiltinOperator_RESIZE_BILINEAR, {2, 1}, {2, 1}, 0, 0, PrepareIn0In1Out0},  // TfLiteResizeBilinearParams
  {tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, {2, 1}, {2, 1}, 0, 0, PrepareIn0In1Out0},  // TfLiteResizeNearestNeighborParams
  {tflite::BuiltinOperator_ROUND, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_RSQRT, {0, 1}, {0, 1}, 28, 28, PrepareIn0Out0},  // OpDataAbsRsqrt (elementwise.cc)
  {tflite::BuiltinOperator_SELECT_V2, {0, 1}, {0, 1}, 1, 1, PrepareIn0In1In2Out0},  // OpData: one bool (select.cc)
  {tflite::BuiltinOperator_SHAPE, {4, 4}, {1, 1}, 0, 0, PrepareNothing},  // TfLiteShapeParams
  {tflite::BuiltinOperator_SIN, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_SLICE, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1In2Out0},
  {tflite::BuiltinOperator_SOFTMAX, {4, 4}, {4, 4}, 80, 56, PrepareSoftmax},  // TfLiteSoftmaxParams; SoftmaxParams (internal/types.h)
  {tflite::BuiltinOperator_SPACE_TO_BATCH_ND, {0, 1}, {0, 1}, 4, 4, PrepareIn0Out0},  // SpaceToBatchParams (internal/types.h)
  {tflite::BuiltinOperator_SPACE_TO_DEPTH, {4, 4}, {4, 4}, 0, 0, PrepareSpaceToDepth},  // TfLiteSpaceToDepthParams
  {tflite::BuiltinOperator_SPLIT, {4, 4}, {4, 4}, 0, 0, PrepareIn0},  // TfLiteSplitParams
  {tflite::BuiltinOperator_SPLIT_V, {4, 4}, {4, 4}, 0, 0, PrepareIn2},  // TfLiteSplitVParams
  {tflite::BuiltinOperator_SQRT, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_SQUARE, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
  {tflite::BuiltinOperator_SQUARED_DIFFERENCE, {0, 1}, {0, 1}, 112, 112, PrepareIn0In1Out0},  // OpData: ArithmeticParams + flag (squared_difference.cc)
  {tflite::BuiltinOperator_SQUEEZE, {36, 4}, {36, 4}, 0, 0, PrepareIn0Out0},  // TfLiteSqueezeParams
  {tflite::BuiltinOperator_STRIDED_SLICE, {24, 4}, {24, 4}, 84, 84, PrepareIn0In1In2In3Out0},  // TfLiteStridedSliceParams; StridedSliceParams (internal/types.h)
  {tflite::BuiltinOperator_SUB, {8, 4}, {2, 1}, 52, 52, PrepareIn0In1Out0},  // TfLiteSubParams; OpDataSub (sub.h)
  {tflite::BuiltinOperator_SUM, {1, 1}, {1, 1}, 44, 44, PrepareReduceMeanSum},  // TfLiteReducerParams; OpDataReduce (reduce.h)
  {tflite::BuiltinOperator_SVDF, {12, 4}, {8, 4}, 36, 36, PrepareSvdf},  // TfLiteSVDFParams; OpDataSvdf (svdf.h)
  {tflite::BuiltinOperator_TANH, {0, 1}, {0, 1}, 16, 16, PrepareTanh},  // OpData (tanh.cc)
  {tflite::BuiltinOperator_TRANSPOSE, {0, 1}, {0, 1}, 0, 0, PrepareIn0In1Out0},
  {tflite::BuiltinOperator_TRANSPOSE_CONV, {20, 4}, {16, 4}, 80, 72, PrepareTransposeConv},  // TfLiteTransposeConvParams; OpData (transpose_conv.cc)
  {tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, {16, 4}, {16, 4}, 688, 688, PrepareLstm},  // TfLiteUnidirectionalSequenceLSTMParams; OpDataLSTM (lstm_shared.h)
  {tflite::BuiltinOperator_UNPACK, {8, 4}, {8, 4}, 0, 0, PrepareNothing},  // TfLiteUnpackParams
  {tflite::BuiltinOperator_ZEROS_LIKE, {0, 1}, {0, 1}, 0, 0, PrepareIn0Out0},
};
// clang-format on

// An op without a row: a guess on the generous side (the largest common
// params struct and op data, and a temporary for every operand), so the
// estimate stays an upper bound for simple kernels.
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

bool TflmArenaModelled(tflite::BuiltinOperator op) {
  return std::any_of(std::begin(kKernelRows), std::end(kKernelRows), [op](const KernelRow& r) { return r.op == op; });
}

KernelArenaUse TflmKernelArenaUse(const Model& model, size_t sg, const tflite::OperatorT& op,
                                  TflmTarget target) {
  KernelArenaUse use;
  const OpView view(model, sg, op, target);
  const tflite::BuiltinOperator code = model.OpCode(op);
  const auto* row = std::find_if(std::begin(kKernelRows), std::end(kKernelRows),
                                 [&](const KernelRow& r) { return r.op == code; });
  if (IsEthosUOperator(model, op)) {
    // kernels/ethos_u/ethosu.cc: no builtin params (a custom op's options
    // stay in the flatbuffer); Init allocates OpData (three ints).
    use.params_bytes = 0;
    use.params_align = 1;
    use.init_bytes = 12;
    use.prepare = PrepareEthosU(view);
    return use;
  }
  if (code == tflite::BuiltinOperator_CUSTOM || row == std::end(kKernelRows)) {
    use.params_bytes = code == tflite::BuiltinOperator_CUSTOM ? 0 : kGuessParamsBytes;
    use.params_align = 4;
    use.init_bytes = kGuessInitBytes;
    use.prepare = PrepareEveryOperand(view);
    use.modelled = false;
    use.note = model.OpName(op) + ": not in the kernel table; guessed " +
               std::to_string(use.params_bytes) + " B params + " + std::to_string(kGuessInitBytes) +
               " B op data, a temporary per operand, no scratch";
    return use;
  }
  const bool m4 = target == TflmTarget::kCortexM4;
  const ParamsSize& params = m4 ? row->m4_params : row->host_params;
  use.params_bytes = params.bytes;
  use.params_align = params.align;
  use.init_bytes = m4 ? row->m4_init : row->host_init;
  use.prepare = row->prepare(view);
  return use;
}

}  // namespace tinyforge
