// Text that describes an emitted input: the comment block a header opens with
// and the constants (sizes, shapes, quantization) users would otherwise copy
// from a model viewer by hand.
#pragma once

#include <string>

#include "emit/c_array.h"

namespace tinyforge::emit {

// "// ..." lines: file name, what the file is, size, sha256 and, for a model,
// parameters, arena estimate, operators, inputs and outputs.
std::string DescriptionComment(const ArrayOptions& options, const SourceSummary& summary);

// Declarations for each model input and output (constexpr in C++, static const
// in C), named NAME_input_* / NAME_output_* for a single input or output and
// NAME_input0_*, NAME_input1_* ... when there are several:
//   _dims[]       shape (omitted for a scalar)
//   _elements     number of elements (omitted when a dimension is unknown)
//   _scale        float, and _zero_point int, when quantized per tensor.
// "" when summary.model is null.
std::string ModelConstants(const ArrayOptions& options, const SourceSummary& summary);

// `text` made safe for a // comment: control characters become '?', so a
// name from a model stays on one line.
std::string CommentSafe(const std::string& text);

// The shortest decimal text that reads back as the same float, as a C/C++
// float literal ("0.00390625f", "1.0f", "1e-05f").
std::string FloatLiteral(float value);

}  // namespace tinyforge::emit
