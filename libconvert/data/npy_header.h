// The .npy header: the magic, the version, the header length and the dict
// literal numpy writes, parsed strictly (see npy.h). Internal to data/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/data/npy.h"

namespace tinyforge::npy {

inline constexpr uint8_t kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
inline constexpr size_t kMagicSize = sizeof(kMagic);

// What the header says; the caller checks the data against it.
struct NpyHeader {
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

// Product of `shape` times `item_size`, or nullopt on a negative dim or if
// the result does not fit size_t.
std::optional<size_t> ByteSize(const std::vector<int64_t>& shape, size_t item_size);

// Checks the prefix, parses the header and checks the data size against it;
// every problem is an Error whose message starts with `name`.
NpyHeader ParseNpyHeader(const uint8_t* bytes, size_t size, const std::string& name);

}  // namespace tinyforge::npy
