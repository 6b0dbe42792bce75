// The way back: parse a byte array out of C/C++ source and write its bytes.
// Reads our own formats, `xxd -i` output and TFLM's generate_cc_arrays style
// (hex, octal, binary or decimal literals with suffixes, comments, any
// whitespace, attributes and macros between "]" and "=").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emit/byte_io.h"

namespace tinyforge::emit {

struct ReverseResult {
  std::string array_name;
  uint64_t size = 0;                     // bytes written
  std::vector<std::string> byte_arrays;  // every byte array in the source
};

// Scans `source` (its name `label` used in errors) for initialized 1-D arrays
// of a byte type (char, signed/unsigned char, uint8_t, int8_t) and writes the
// bytes of the one named `wanted_name` to `sink`; with `wanted_name` empty the
// source must hold exactly one byte array. Elements may range over -128..255;
// negative values are stored in two's complement. A declared bound larger than
// the initializer is padded with zeros, as C does. When the source also
// defines NAME_len or NAME_size = N, N must equal the array's size.
// Streams: memory does not grow with the array. Throws tinyforge::Error with
// "label:line: ..." on anything it cannot read.
ReverseResult ReverseArray(ByteSource& source, const std::string& label,
                           const std::string& wanted_name, ByteSink& sink);

}  // namespace tinyforge::emit
