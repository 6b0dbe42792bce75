// Reading and writing .tflite files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge {

// Limits given to the flatbuffers verifier: generous for real models, small
// enough that a hostile file cannot make it run away.
struct ReadLimits {
  size_t max_file_bytes = size_t{2} << 30;  // flatbuffers' own 2 GB ceiling
  unsigned max_depth = 128;
  unsigned max_tables = 50'000'000;
};

// Reads, verifies (structure and semantics) and unpacks a model. Every failure
// is an Error whose message starts with `path:` and names the place.
Model LoadModel(const std::string& path, const ReadLimits& limits = {});
// The same from bytes; `source` names them in error messages.
// Throws an Error naming `source` when an int64 vector the unpacker reads
// (QuantizationParameters.zero_point) is not 8-byte aligned within the
// verified flatbuffer at `data` (itself 16-byte aligned): unpacking it would
// read misaligned int64s. ParseModel calls it; so does the model fuzzer's
// mutator, which unpacks inputs itself.
void CheckEightByteVectors(const uint8_t* data, const std::string& source);

Model ParseModel(const uint8_t* data, size_t size, const std::string& source,
                 const ReadLimits& limits = {});

struct WriteOptions {
  // Start every non-empty buffer's data 16-byte aligned in the file, as
  // Cortex-M firmware needs (misaligned model data faults there). Off, the
  // layout is as compact as TensorFlow's converter writes it (which does not
  // align): a lossless rewrite of a real file is then the same size.
  bool align_buffers = true;
};

// Deterministic flatbuffer bytes with the TFL3 identifier.
std::vector<uint8_t> SerializeModel(const Model& model, const WriteOptions& options = {});

struct SaveOptions : WriteOptions {
  // Writing over the file the model was read from is refused unless set.
  bool allow_overwrite_source = false;
};
// Verifies, serializes, writes to a temporary file beside `path`, renames.
void SaveModel(const Model& model, const std::string& path, const SaveOptions& options = {});

}  // namespace tinyforge
