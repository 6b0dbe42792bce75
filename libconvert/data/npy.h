// NumPy .npy files (format versions 1.0, 2.0 and 3.0), little-endian,
// C-order, for the numeric dtypes in TINYFORGE_DTYPES below.
//
// Layout: "\x93NUMPY", major and minor version bytes, the header length
// (uint16 LE in v1.0, uint32 LE in v2.0/3.0), then a Python dict literal
// {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with spaces
// and a final '\n', then the raw element bytes.
//
// Reading is strict: exactly the three keys, fortran_order False, a supported
// little-endian descr, non-negative shape entries, and exactly
// product(shape) * itemsize data bytes. Every problem is a tinyforge::Error
// (kBadInput) whose one-line message starts with the file name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/base/span.h"

namespace tinyforge {

// IEEE 754 binary16, as numpy's float16 stores it: only read and converted
// (HalfToFloat), never computed with.
struct Float16 {
  uint16_t bits;
};

// The one list of element types: X(enumerator, C++ type, name, npy descr).
// The descr is what WriteNpy writes and what numpy writes for that dtype.
#define TINYFORGE_DTYPES(X)                 \
  X(kFloat32, float, "float32", "<f4")      \
  X(kFloat64, double, "float64", "<f8")     \
  X(kInt8, int8_t, "int8", "|i1")           \
  X(kUInt8, uint8_t, "uint8", "|u1")        \
  X(kInt16, int16_t, "int16", "<i2")        \
  X(kUInt16, uint16_t, "uint16", "<u2")     \
  X(kInt32, int32_t, "int32", "<i4")        \
  X(kUInt32, uint32_t, "uint32", "<u4")     \
  X(kInt64, int64_t, "int64", "<i8")        \
  X(kBool, bool, "bool", "|b1")            \
  X(kFloat16, Float16, "float16", "<f2")

enum class DType : uint8_t {
#define TINYFORGE_DTYPE_ENUM(e, type, name, descr) e,
  TINYFORGE_DTYPES(TINYFORGE_DTYPE_ENUM)
#undef TINYFORGE_DTYPE_ENUM
};
// How many DTypes there are (the last enumerator + 1).
inline constexpr size_t kNumDTypes = static_cast<size_t>(DType::kFloat16) + 1;

// Bytes per element (1, 2, 4 or 8).
size_t DTypeSize(DType dtype);
// numpy's dtype name: "float32", "uint8", "bool", ...
const char* DTypeName(DType dtype);
// The descr WriteNpy writes: "<f4", "|u1", ...
const char* DTypeDescr(DType dtype);
// float16, float32 or float64.
bool IsFloatDType(DType dtype);
// The value of a binary16 bit pattern (exact: every half is a float).
float HalfToFloat(uint16_t bits);

// DTypeOf<T>::value is the DType whose elements are T (float -> kFloat32).
template <typename T>
struct DTypeOf;
#define TINYFORGE_DTYPE_OF(e, type, name, descr) \
  template <>                                     \
  struct DTypeOf<type> {                          \
    static constexpr DType value = DType::e;      \
  };
TINYFORGE_DTYPES(TINYFORGE_DTYPE_OF)
#undef TINYFORGE_DTYPE_OF

// A dense C-order array. `data` holds NumElements() * DTypeSize(dtype) bytes
// in little-endian order; a scalar has an empty `shape` and one element.
struct NpyArray {
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  // A zero-filled array; throws Error if a dim is negative or the size
  // overflows.
  static NpyArray Zeros(DType dtype, std::vector<int64_t> shape);

  // Product of `shape` (1 for a scalar).
  size_t NumElements() const;

  // The elements as T. Throws Error (kInternal) unless DTypeOf<T> == dtype
  // and data.size() == NumElements() * sizeof(T). The vector's storage is
  // aligned for any scalar type; the view lives as long as `data` is not
  // resized.
  template <typename T>
  Span<const T> View() const {
    CheckView(DTypeOf<T>::value, sizeof(T));
    return Span<const T>(reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T));
  }
  template <typename T>
  Span<T> MutableView() {
    CheckView(DTypeOf<T>::value, sizeof(T));
    return Span<T>(reinterpret_cast<T*>(data.data()), data.size() / sizeof(T));
  }

 private:
  void CheckView(DType wanted, size_t element_size) const;
};

// "[1000,28,28]" ("[]" for a scalar): how shapes appear in messages.
std::string ShapeToString(const std::vector<int64_t>& shape);

// Reads and parses `path` (the message names `path`).
NpyArray ReadNpy(const std::string& path);

// Parses an in-memory .npy file; `name_for_errors` starts every message.
NpyArray ParseNpy(const uint8_t* bytes, size_t size, const std::string& name_for_errors);

// The bytes numpy.save writes before the data of a C-order array with this
// dtype and shape: format 1.0 (2.0 only if the header exceeds 65535 bytes,
// as numpy does), numpy's spare space for growing the first axis, and space
// padding so the data starts at a multiple of 64. Throws Error (kInternal)
// on a negative dim.
std::vector<uint8_t> EncodeNpyHeader(DType dtype, const std::vector<int64_t>& shape);

// Writes `array` atomically (temp file + rename), byte-identical to
// numpy.save. Throws Error (kInternal) if data.size() does not match the
// shape, Error (kBadInput) on I/O failure.
void WriteNpy(const std::string& path, const NpyArray& array);
// The same into `writer`, uncommitted: a command writing several files
// commits them together once all are written.
void WriteNpy(AtomicFileWriter& writer, const NpyArray& array);

}  // namespace tinyforge
