// The one kernel table: which Prepare function runs (operator, type of the
// first input). An (op, type) pair that is not here is an error at Prepare
// that names both.
#include <algorithm>

#include "libconvert/interp/kernel.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp {
namespace {

using Op = tflite::BuiltinOperator;
using Type = tflite::TensorType;

constexpr Type kF32 = tflite::TensorType_FLOAT32;
constexpr Type kI8 = tflite::TensorType_INT8;
constexpr Type kU8 = tflite::TensorType_UINT8;
constexpr Type kI16 = tflite::TensorType_INT16;
constexpr Type kI32 = tflite::TensorType_INT32;
constexpr Type kI64 = tflite::TensorType_INT64;
constexpr Type kBool = tflite::TensorType_BOOL;

std::vector<KernelRegistration> BuildTable() {
  using namespace kernels;
  std::vector<KernelRegistration> table;
  auto add = [&table](Op op, std::initializer_list<Type> types, PrepareFn prepare) {
    for (Type t : types) table.push_back({op, t, prepare});
  };
  const auto kAnyType = {kF32, kI8, kU8, kI16, kI32, kI64, kBool};

  add(tflite::BuiltinOperator_RESHAPE, kAnyType, PrepareReshape);
  add(tflite::BuiltinOperator_SQUEEZE, kAnyType, PrepareReshape);
  add(tflite::BuiltinOperator_EXPAND_DIMS, kAnyType, PrepareReshape);
  return table;
}

}  // namespace

const std::vector<KernelRegistration>& KernelTable() {
  static const std::vector<KernelRegistration> table = BuildTable();
  return table;
}

PrepareFn FindKernel(tflite::BuiltinOperator op, tflite::TensorType type) {
  const auto& table = KernelTable();
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const KernelRegistration& r) { return r.op == op && r.type == type; });
  return it == table.end() ? nullptr : it->prepare;
}

}  // namespace tinyforge::interp
