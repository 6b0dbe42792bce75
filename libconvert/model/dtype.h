// Facts about tensor element types, derived from the schema's TensorType enum.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge {

// Bytes per element; 0 for types without a fixed size (STRING, RESOURCE,
// VARIANT) and for sub-byte types (INT4, UINT4, INT2), see PackedBytes.
size_t ElementSize(tflite::TensorType type);

// Bytes a dense constant of `count` elements occupies, sub-byte types packed
// two (or four) to a byte as TFLite stores them. -1 when not determinable
// (no fixed element size, or the size overflows int64).
int64_t DenseBytes(tflite::TensorType type, int64_t count);

// "FLOAT32", "INT8", ... ("TYPE_<n>" for a value our schema does not know).
std::string TypeName(tflite::TensorType type);

// Lowercase numpy-like name: "float32", "int8", ...
std::string TypeShortName(tflite::TensorType type);

bool IsQuantizedIntegerType(tflite::TensorType type);

// The C++ element type of a TensorType, for typed views.
template <typename T>
constexpr tflite::TensorType TensorTypeOf();
template <> constexpr tflite::TensorType TensorTypeOf<float>() { return tflite::TensorType_FLOAT32; }
template <> constexpr tflite::TensorType TensorTypeOf<double>() { return tflite::TensorType_FLOAT64; }
template <> constexpr tflite::TensorType TensorTypeOf<int8_t>() { return tflite::TensorType_INT8; }
template <> constexpr tflite::TensorType TensorTypeOf<uint8_t>() { return tflite::TensorType_UINT8; }
template <> constexpr tflite::TensorType TensorTypeOf<int16_t>() { return tflite::TensorType_INT16; }
template <> constexpr tflite::TensorType TensorTypeOf<uint16_t>() { return tflite::TensorType_UINT16; }
template <> constexpr tflite::TensorType TensorTypeOf<int32_t>() { return tflite::TensorType_INT32; }
template <> constexpr tflite::TensorType TensorTypeOf<uint32_t>() { return tflite::TensorType_UINT32; }
template <> constexpr tflite::TensorType TensorTypeOf<int64_t>() { return tflite::TensorType_INT64; }
template <> constexpr tflite::TensorType TensorTypeOf<uint64_t>() { return tflite::TensorType_UINT64; }
template <> constexpr tflite::TensorType TensorTypeOf<bool>() { return tflite::TensorType_BOOL; }

}  // namespace tinyforge
