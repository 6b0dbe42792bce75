#include "libconvert/data/npy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

#include "libconvert/base/file_util.h"
#include "libconvert/data/npy_header.h"

namespace tinyforge {

using npy::ByteSize;
using npy::kMagic;
using npy::kMagicSize;
using npy::NpyHeader;
using npy::ParseNpyHeader;

// Element bytes are copied as they are: the host must be little-endian, as
// the files are.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "npy.cc copies little-endian element bytes unchanged; add byte swapping");
static_assert(sizeof(bool) == 1, "numpy's |b1 is one byte per element");

namespace {

struct DTypeInfo {
  const char* name;
  const char* descr;
  size_t size;
};

constexpr DTypeInfo kDTypeInfo[] = {
#define TINYFORGE_DTYPE_INFO(e, type, name, descr) {name, descr, sizeof(type)},
    TINYFORGE_DTYPES(TINYFORGE_DTYPE_INFO)
#undef TINYFORGE_DTYPE_INFO
};
static_assert(sizeof(kDTypeInfo) / sizeof(kDTypeInfo[0]) == kNumDTypes,
              "kDTypeInfo needs one row per DType");

constexpr size_t kArrayAlign = 64;       // numpy's ARRAY_ALIGN
constexpr size_t kGrowthAxisDigits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS

const DTypeInfo& Info(DType dtype) {
  const auto index = static_cast<size_t>(dtype);
  if (index >= kNumDTypes) {
    throw Error("invalid DType value " + std::to_string(index), ErrorCode::kInternal);
  }
  return kDTypeInfo[index];
}

}  // namespace

size_t DTypeSize(DType dtype) { return Info(dtype).size; }
const char* DTypeName(DType dtype) { return Info(dtype).name; }
const char* DTypeDescr(DType dtype) { return Info(dtype).descr; }
bool IsFloatDType(DType dtype) {
  return dtype == DType::kFloat32 || dtype == DType::kFloat64 || dtype == DType::kFloat16;
}

float HalfToFloat(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  float magnitude;
  if (exponent == 0x1f) {
    magnitude = mantissa == 0 ? std::numeric_limits<float>::infinity() : std::numeric_limits<float>::quiet_NaN();
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // subnormal: mantissa * 2^-24
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  }
  uint32_t out;
  std::memcpy(&out, &magnitude, sizeof out);
  out |= sign;
  std::memcpy(&magnitude, &out, sizeof out);
  return magnitude;
}

NpyArray NpyArray::Zeros(DType dtype, std::vector<int64_t> shape) {
  const std::optional<size_t> bytes = ByteSize(shape, DTypeSize(dtype));
  if (!bytes) {
    throw Error("cannot make a " + std::string(DTypeName(dtype)) + " array of shape " +
                    ShapeToString(shape) + ": negative dim or too large",
                ErrorCode::kInternal);
  }
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.data.assign(*bytes, 0);
  return array;
}

size_t NpyArray::NumElements() const {
  size_t n = 1;
  for (int64_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

void NpyArray::CheckView(DType wanted, size_t element_size) const {
  if (wanted != dtype) {
    throw Error(std::string("viewing a ") + DTypeName(dtype) + " array as " + DTypeName(wanted),
                ErrorCode::kInternal);
  }
  const std::optional<size_t> bytes = ByteSize(shape, element_size);
  if (!bytes || *bytes != data.size()) {
    throw Error(std::string("array of shape ") + ShapeToString(shape) + " holds " +
                    std::to_string(data.size()) + " bytes, which does not match its shape",
                ErrorCode::kInternal);
  }
}

std::string ShapeToString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

NpyArray ParseNpy(const uint8_t* bytes, size_t size, const std::string& name_for_errors) {
  const std::string& name = name_for_errors.empty() ? std::string("<memory>") : name_for_errors;
  if (bytes == nullptr && size > 0) {
    throw Error(name + ": null buffer", ErrorCode::kInternal);
  }
  static const uint8_t kEmpty = 0;
  const uint8_t* data = bytes != nullptr ? bytes : &kEmpty;
  NpyHeader header = ParseNpyHeader(data, size, name);
  NpyArray array;
  array.dtype = header.dtype;
  array.shape = std::move(header.shape);
  array.data.assign(data + header.data_offset, data + size);
  return array;
}

NpyArray ReadNpy(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  static const uint8_t kEmpty = 0;
  NpyHeader header = ParseNpyHeader(bytes.empty() ? &kEmpty : bytes.data(), bytes.size(), path);
  NpyArray array;
  array.dtype = header.dtype;
  array.shape = std::move(header.shape);
  // Reuse the file buffer: drop the header in place instead of copying.
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header.data_offset));
  array.data = std::move(bytes);
  return array;
}

std::vector<uint8_t> EncodeNpyHeader(DType dtype, const std::vector<int64_t>& shape) {
  // Python's repr of the dict numpy builds, keys sorted.
  std::string dict = "{'descr': '" + std::string(DTypeDescr(dtype)) +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      throw Error("cannot write shape " + ShapeToString(shape) + ": negative dim",
                  ErrorCode::kInternal);
    }
    if (i > 0) dict += ", ";
    dict += std::to_string(shape[i]);
  }
  if (shape.size() == 1) dict += ",";
  dict += "), }";
  // Room to rewrite the first dim in place with up to 21 digits.
  if (!shape.empty()) {
    const size_t digits = std::to_string(shape[0]).size();
    if (digits < kGrowthAxisDigits) dict.append(kGrowthAxisDigits - digits, ' ');
  }
  const size_t text_length = dict.size() + 1;  // + '\n'
  size_t length_width = 2;
  size_t padding = kArrayAlign - (kMagicSize + 2 + length_width + text_length) % kArrayAlign;
  uint8_t major = 1;
  if (text_length + padding > 0xffff) {
    major = 2;
    length_width = 4;
    padding = kArrayAlign - (kMagicSize + 2 + length_width + text_length) % kArrayAlign;
  }
  const size_t header_length = text_length + padding;

  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(major);
  out.push_back(0);
  for (size_t i = 0; i < length_width; ++i) {
    out.push_back(static_cast<uint8_t>((header_length >> (8 * i)) & 0xff));
  }
  out.insert(out.end(), dict.begin(), dict.end());
  out.insert(out.end(), padding, ' ');
  out.push_back('\n');
  return out;
}

void WriteNpy(AtomicFileWriter& writer, const NpyArray& array) {
  const std::optional<size_t> expected = ByteSize(array.shape, DTypeSize(array.dtype));
  if (!expected || *expected != array.data.size()) {
    throw Error(writer.path() + ": cannot write " + DTypeName(array.dtype) + " " +
                    ShapeToString(array.shape) + ": array holds " +
                    std::to_string(array.data.size()) + " data bytes, shape needs " +
                    (expected ? std::to_string(*expected) : std::string("too many")),
                ErrorCode::kInternal);
  }
  const std::vector<uint8_t> header = EncodeNpyHeader(array.dtype, array.shape);
  writer.Write(header.data(), header.size());
  writer.Write(array.data.data(), array.data.size());
}

void WriteNpy(const std::string& path, const NpyArray& array) {
  AtomicFileWriter writer(path);
  WriteNpy(writer, array);
  writer.Commit();
}

}  // namespace tinyforge
