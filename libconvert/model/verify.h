// Semantic checks of a model beyond what the flatbuffers verifier knows.
#pragma once

#include <string>

#include "libconvert/model/model.h"

namespace tinyforge {

// Throws Error naming the model and the first problem found, e.g.
// "m.tflite: subgraph 0, operator 5 (CONV_2D): input 1 is tensor 812, but the
// subgraph has 64 tensors". Checks: every index in range (tensors, buffers,
// operator codes, subgraphs, signature defs, metadata); constant data sizes
// equal shape x element size; quantization arrays consistent with
// quantized_dimension and the shape; every operator input produced before it
// is used; each tensor produced at most once; no >2 GB external buffer
// storage; no sparse tensors (TFLM has no sparse kernels; every reader here
// reads constants dense); every union (operator options, quantization
// details) whose type is set holds a table of a type our schema knows, since
// the writer would otherwise dereference a missing table.
void VerifyModel(const Model& model);

// A name read from a file, quoted for a one-line message: 'name', with
// control characters escaped (\x0a) and names over 64 bytes shortened.
std::string QuotedName(const std::string& name);

}  // namespace tinyforge
