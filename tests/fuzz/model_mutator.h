// The structure-aware mutation of a .tflite file for model_fuzzer: the bytes
// are unpacked into the schema's object tree, changed in one place, and
// packed again, so nearly every mutant passes the flatbuffers verifier and
// reaches the semantic checks and the kernels, where a random bit flip would
// only test the verifier.
//
// Two kinds of change. Structural ones on the object tree (tflite::ModelT):
// a dimension, an operand, a quantization scale or zero point, an operator
// added or removed; buffer data cut or grown; a sparsity table or other
// builtin options given. Then one scalar anywhere in the packed model
// (found through the schema's reflection data, tflite.bfbs, with every
// default written out so every field is there to change): a dimension, a
// tensor type, an operand index, a scale, an option, an opcode, or an
// element of a constant buffer read as int32 (GATHER indices, PAD paddings,
// RESHAPE shapes, TRANSPOSE perms live there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tinyforge::fuzz {

// Loads the reflection schema (tflite.bfbs, written by flatc at build time)
// from `bfbs_path`; aborts when it cannot. Call once before MutateModel.
void LoadMutatorSchema(const std::string& bfbs_path);

// LLVMFuzzerCustomMutator's contract: mutates data[0..size) in place (up to
// max_size bytes) and returns the new size. Input that is not a verifiable
// model gets libFuzzer's byte-level mutation instead.
size_t MutateModel(uint8_t* data, size_t size, size_t max_size, unsigned seed);

}  // namespace tinyforge::fuzz
