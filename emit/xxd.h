// The `xxd -i` layout, byte for byte, so `tinyforge emit --format xxd FILE`
// can replace `xxd -i FILE` in existing build scripts.
#pragma once

#include <cstdint>
#include <string>

#include "emit/byte_io.h"

namespace tinyforge::emit {

inline constexpr int kXxdBytesPerLine = 12;

// Writes
//   unsigned char NAME[] = {
//     0x.., 0x.., ... (12 a line)
//   };
//   unsigned int NAME_len = N;
// for every byte of `source`. Returns the byte count.
uint64_t WriteXxd(ByteSource& source, const std::string& name, ByteSink& sink);

}  // namespace tinyforge::emit
