// Prepare functions of every kernel, one per (operator, input type family).
// kernel_table.cc maps (op, type) to these; nothing registers itself.
#pragma once

#include "libconvert/interp/kernel.h"
#include "libconvert/interp/ref/padding.h"

namespace tinyforge::interp::kernels {

// reshape.cc: RESHAPE, SQUEEZE, EXPAND_DIMS (a byte copy; shapes come from
// the model).
EvalFn PrepareReshape(PrepareContext& ctx);

// conv.cc: conv-like operators (input, weights, optional bias).
EvalFn PrepareConv2D(PrepareContext& ctx);
// The padding option of a conv, pool or transpose conv; any value but SAME
// and VALID is refused.
ref::Padding CheckedPadding(const PrepareContext& ctx, tflite::Padding padding);
EvalFn PrepareDepthwiseConv2D(PrepareContext& ctx);
EvalFn PrepareFullyConnected(PrepareContext& ctx);

// pooling.cc
EvalFn PrepareAveragePool2D(PrepareContext& ctx);
EvalFn PrepareMaxPool2D(PrepareContext& ctx);

// activations.cc: one input, one output of the same shape.
EvalFn PrepareSoftmax(PrepareContext& ctx);
EvalFn PrepareLogistic(PrepareContext& ctx);
EvalFn PrepareTanh(PrepareContext& ctx);
EvalFn PrepareRelu(PrepareContext& ctx);
EvalFn PrepareRelu6(PrepareContext& ctx);
EvalFn PrepareLeakyRelu(PrepareContext& ctx);
EvalFn PrepareHardSwish(PrepareContext& ctx);
EvalFn PrepareQuantize(PrepareContext& ctx);
EvalFn PrepareDequantize(PrepareContext& ctx);

// elementwise.cc: binary arithmetic with broadcasting.
EvalFn PrepareAdd(PrepareContext& ctx);
EvalFn PrepareSub(PrepareContext& ctx);
EvalFn PrepareMul(PrepareContext& ctx);
EvalFn PrepareDiv(PrepareContext& ctx);
EvalFn PrepareMaximum(PrepareContext& ctx);
EvalFn PrepareMinimum(PrepareContext& ctx);
EvalFn PrepareSquaredDifference(PrepareContext& ctx);

// shuffle.cc: element movement.
EvalFn PreparePad(PrepareContext& ctx);  // PAD and PADV2
EvalFn PrepareMirrorPad(PrepareContext& ctx);
EvalFn PrepareTranspose(PrepareContext& ctx);
EvalFn PrepareConcatenation(PrepareContext& ctx);

// reduce.cc: reductions over constant axes.
EvalFn PrepareMean(PrepareContext& ctx);
EvalFn PrepareSum(PrepareContext& ctx);
EvalFn PrepareReduceMax(PrepareContext& ctx);
EvalFn PrepareReduceMin(PrepareContext& ctx);

// Recurrent operators with variable state.
// lstm.cc: UNIDIRECTIONAL_SEQUENCE_LSTM (float; int8 or int16 activations with
// int8 weights and int16 cell state). svdf.cc: SVDF (float; int8).
EvalFn PrepareUnidirectionalSequenceLstm(PrepareContext& ctx);
EvalFn PrepareSvdf(PrepareContext& ctx);

// Gathering, slicing, resizing, elementwise math and comparisons.
// gather.cc
EvalFn PrepareGather(PrepareContext& ctx);
EvalFn PrepareGatherNd(PrepareContext& ctx);
// slice.cc
EvalFn PrepareSlice(PrepareContext& ctx);
EvalFn PrepareStridedSlice(PrepareContext& ctx);
// split_pack.cc
EvalFn PrepareSplit(PrepareContext& ctx);
EvalFn PrepareSplitV(PrepareContext& ctx);
EvalFn PreparePack(PrepareContext& ctx);
EvalFn PrepareUnpack(PrepareContext& ctx);
// space_depth.cc
EvalFn PrepareSpaceToDepth(PrepareContext& ctx);
EvalFn PrepareDepthToSpace(PrepareContext& ctx);
// resize.cc
EvalFn PrepareResizeNearestNeighbor(PrepareContext& ctx);
EvalFn PrepareResizeBilinear(PrepareContext& ctx);
// broadcast_to.cc
EvalFn PrepareBroadcastTo(PrepareContext& ctx);
EvalFn PrepareShape(PrepareContext& ctx);
// unary.cc
EvalFn PrepareSqrt(PrepareContext& ctx);
EvalFn PrepareRsqrt(PrepareContext& ctx);
EvalFn PrepareAbs(PrepareContext& ctx);
EvalFn PrepareNeg(PrepareContext& ctx);
EvalFn PrepareExp(PrepareContext& ctx);
EvalFn PrepareLog(PrepareContext& ctx);
EvalFn PrepareGelu(PrepareContext& ctx);
EvalFn PrepareCast(PrepareContext& ctx);
// comparison.cc
EvalFn PrepareEqual(PrepareContext& ctx);
EvalFn PrepareNotEqual(PrepareContext& ctx);
EvalFn PrepareLess(PrepareContext& ctx);
EvalFn PrepareLessEqual(PrepareContext& ctx);
EvalFn PrepareGreater(PrepareContext& ctx);
EvalFn PrepareGreaterEqual(PrepareContext& ctx);
EvalFn PrepareSelectV2(PrepareContext& ctx);
// arg_min_max.cc
EvalFn PrepareArgMax(PrepareContext& ctx);
EvalFn PrepareArgMin(PrepareContext& ctx);
// batch_matmul.cc
EvalFn PrepareBatchMatMul(PrepareContext& ctx);

// transpose_conv.cc: TRANSPOSE_CONV (output shape, weights, data, bias).
EvalFn PrepareTransposeConv(PrepareContext& ctx);
// normalization.cc: row-wise normalisation over the last dimension.
EvalFn PrepareL2Normalization(PrepareContext& ctx);
EvalFn PrepareLogSoftmax(PrepareContext& ctx);
// batch_space.cc
EvalFn PrepareBatchToSpaceNd(PrepareContext& ctx);
EvalFn PrepareSpaceToBatchNd(PrepareContext& ctx);
// prelu.cc
EvalFn PreparePrelu(PrepareContext& ctx);

}  // namespace tinyforge::interp::kernels
