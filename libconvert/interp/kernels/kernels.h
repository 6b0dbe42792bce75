// Prepare functions of every kernel, one per (operator, input type family).
// kernel_table.cc maps (op, type) to these; nothing registers itself.
#pragma once

#include "libconvert/interp/kernel.h"

namespace tinyforge::interp::kernels {

// reshape.cc: RESHAPE, SQUEEZE, EXPAND_DIMS (a byte copy; shapes come from
// the model).
EvalFn PrepareReshape(PrepareContext& ctx);

// conv.cc: conv-like operators (input, weights, optional bias).
EvalFn PrepareConv2D(PrepareContext& ctx);
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

}  // namespace tinyforge::interp::kernels
