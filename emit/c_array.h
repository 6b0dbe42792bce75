// Byte arrays as C and C++ source: the tflm (.cc + .h), c (.c + .h) and
// header-only formats. Everything streams: the bytes go from a ByteSource
// straight to the sink as text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emit/byte_io.h"
#include "emit/format.h"
#include "emit/model_description.h"

namespace tinyforge::emit {

inline constexpr int kDefaultLineWidth = 80;
inline constexpr int kMinLineWidth = 7;  // one byte a line: "  0xNN,"
inline constexpr int kMaxLineWidth = 10000;
inline constexpr int kTflmMinAlignment = 16;  // TFLM faults on less
inline constexpr int kMaxAlignment = 65536;

struct ArrayOptions {
  Format format = Format::kTflm;         // kTflm, kC or kHeaderOnly
  std::string name;                      // the array; NAME_len etc. derive from it
  std::vector<std::string> namespaces;   // C++ formats only; outermost first
  int alignment = 16;                    // bytes, a power of two
  std::string section;                   // linker section, "" for none
  bool progmem = false;                  // AVR PROGMEM qualifier
  bool constant = true;                  // false: a mutable array in RAM
  int line_width = kDefaultLineWidth;    // characters, at most, per data line
};

// Throws tinyforge::Error naming the flag when an option does not fit the
// format (e.g. --namespace with c, --align 8 with tflm, --section with
// --progmem, a section name with quotes).
void ValidateArrayOptions(const ArrayOptions& options);

// What the generated comments say about the input.
struct SourceSummary {
  std::string file_name;                  // the input's base name
  uint64_t size = 0;                      // bytes
  std::string sha256;                     // lowercase hex
  const ModelDescription* model = nullptr;  // for .tflite inputs, if known
};

// The definition file (.cc for tflm, .c for c): the array and NAME_len.
// `header_include` is the path the file #includes to get its declarations;
// "" means there is no header and the file declares what it needs itself.
// Returns the number of bytes written into the array.
uint64_t WriteArraySource(ByteSource& source, const ArrayOptions& options,
                          const SourceSummary& summary,
                          const std::string& header_include, ByteSink& sink);

// The declaration header for WriteArraySource's file: comment block describing
// the input (and model), include guard, extern declarations, constexpr size
// (C++) and the model's quantization constants.
void WriteArrayHeader(const ArrayOptions& options, const SourceSummary& summary,
                      ByteSink& sink);

// One C++17 header holding the comment block, the array as an inline
// constexpr variable and the constants. Returns the number of bytes written.
uint64_t WriteHeaderOnly(ByteSource& source, const ArrayOptions& options,
                         const SourceSummary& summary, ByteSink& sink);

}  // namespace tinyforge::emit
