// Semantic checks of a model beyond what the flatbuffers verifier knows.
#pragma once

#include "libconvert/model.h"

namespace tinyforge {

// Throws Error naming the model and the first problem found, e.g.
// "m.tflite: subgraph 0, operator 5 (CONV_2D): input 1 is tensor 812, but the
// subgraph has 64 tensors". Checks: every index in range (tensors, buffers,
// operator codes, subgraphs, signature defs, metadata); constant data sizes
// equal shape x element size; quantization arrays consistent with
// quantized_dimension and the shape; every operator input produced before it
// is used; each tensor produced at most once; no >2 GB external buffer
// storage.
void VerifyModel(const Model& model);

}  // namespace tinyforge
