// Multiply-accumulates of one inference, per operator: the one table of
// which operators count MACs and how.
//
// Counted from the static tensor shapes in the file (a -1 in
// shape_signature counts as the stored shape, usually 1), for the operators
// that are mostly MACs:
//   CONV_2D            out_elements * kh * kw * filter_in  (filter_in =
//                      in_c / groups, so groups are accounted for)
//   DEPTHWISE_CONV_2D  out_elements * kh * kw
//   FULLY_CONNECTED    out_elements * in  (= batch_rows * out * in)
//   TRANSPOSE_CONV     in_elements * kh * kw * out_c  (each input pixel is
//                      scattered over a kh x kw x out_c window)
//   BATCH_MATMUL       out_elements * k  (k: the contracted dimension of the
//                      left operand, after adj_x)
//   UNIDIRECTIONAL_SEQUENCE_LSTM  steps * (elements of the 8 gate weight
//                      matrices + the projection matrix), steps = batch * time
//   SVDF               batch * (elements of weights_feature + weights_time)
// Every other operator (pooling, elementwise, activations, reshapes, ...)
// counts 0, and so does a MAC operator whose shapes are missing, unknown or
// so large that the count overflows.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "libconvert/model/model.h"

namespace tinyforge {

// MACs of operator `op` of subgraph `sg`.
int64_t CountMacs(const Model& model, size_t sg, const tflite::OperatorT& op);
// The same, but nullopt when the count overflows int64 instead of 0: for a
// budget, where an uncountable operator is too much work, not none.
std::optional<int64_t> CheckedMacs(const Model& model, size_t sg, const tflite::OperatorT& op);

// The formula CountMacs uses for `op` ("out_elements * kh * kw"); nullopt for
// operators that count 0.
std::optional<std::string_view> MacFormula(tflite::BuiltinOperator op);

}  // namespace tinyforge
