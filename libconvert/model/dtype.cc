#include "libconvert/model/dtype.h"

#include <cctype>

#include "libconvert/base/checked_math.h"

namespace tinyforge {

size_t ElementSize(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return 4;
    case tflite::TensorType_FLOAT16: return 2;
    case tflite::TensorType_BFLOAT16: return 2;
    case tflite::TensorType_FLOAT64: return 8;
    case tflite::TensorType_INT32: return 4;
    case tflite::TensorType_UINT32: return 4;
    case tflite::TensorType_UINT8: return 1;
    case tflite::TensorType_INT8: return 1;
    case tflite::TensorType_INT64: return 8;
    case tflite::TensorType_UINT64: return 8;
    case tflite::TensorType_BOOL: return 1;
    case tflite::TensorType_INT16: return 2;
    case tflite::TensorType_UINT16: return 2;
    case tflite::TensorType_COMPLEX64: return 8;
    case tflite::TensorType_COMPLEX128: return 16;
    case tflite::TensorType_FLOAT8_E4M3FN: return 1;
    case tflite::TensorType_FLOAT8_E5M2: return 1;
    default: return 0;  // STRING, RESOURCE, VARIANT, INT4, UINT4, INT2
  }
}

int64_t DenseBytes(tflite::TensorType type, int64_t count) {
  switch (type) {
    case tflite::TensorType_INT4:
    case tflite::TensorType_UINT4:
      return (count + 1) / 2;
    case tflite::TensorType_INT2:
      return (count + 3) / 4;
    default: {
      const size_t size = ElementSize(type);
      return size == 0 ? -1 : CheckedMul(count, static_cast<int64_t>(size)).value_or(-1);
    }
  }
}

std::string TypeName(tflite::TensorType type) {
  if (type >= tflite::TensorType_MIN && type <= tflite::TensorType_MAX) {
    return tflite::EnumNameTensorType(type);
  }
  return "TYPE_" + std::to_string(static_cast<int>(type));
}

std::string TypeShortName(tflite::TensorType type) {
  std::string name = TypeName(type);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool IsQuantizedIntegerType(tflite::TensorType type) {
  return type == tflite::TensorType_INT8 || type == tflite::TensorType_UINT8 ||
         type == tflite::TensorType_INT16 || type == tflite::TensorType_INT4 ||
         type == tflite::TensorType_INT32 || type == tflite::TensorType_INT64;
}

}  // namespace tinyforge
