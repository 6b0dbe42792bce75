// Which operators TensorFlow Lite Micro can run: the one table of TFLM's op
// resolver methods. `inspect` uses it to list operators a model needs but TFLM
// has no kernel for; `emit` uses it to write a MicroMutableOpResolver.
//
// The facts come from tensorflow/lite/micro/micro_mutable_op_resolver.h at
// tflite-micro commit 90b983c2b3f1480642e040bbd2ddb37b998f3424: every
// MicroMutableOpResolver::AddXxx() method and the operator it registers.
// Updating to a newer TFLM is editing the two tables in tflm_ops.cc.
#pragma once

#include <optional>
#include <string_view>

#include "libconvert/model/model.h"
#include "libconvert/model/schema/tflite_generated.h"
#include "libconvert/base/span.h"

namespace tinyforge {

// The tflite-micro commit the tables describe.
inline constexpr std::string_view kTflmCommit = "90b983c2b3f1480642e040bbd2ddb37b998f3424";

// A builtin operator and the resolver method that registers its kernel
// (MicroMutableOpResolver::AddBuiltin under the hood).
struct TflmBuiltinOp {
  tflite::BuiltinOperator op;
  std::string_view resolver_method;  // "AddConv2D"
};

// A custom operator TFLM ships a kernel for, registered by name through
// MicroMutableOpResolver::AddCustom.
struct TflmCustomOp {
  std::string_view custom_code;      // OperatorCode.custom_code: "TFLite_Detection_PostProcess"
  std::string_view resolver_method;  // "AddDetectionPostprocess"
};

// Every builtin operator with a TFLM kernel, sorted by operator name.
Span<const TflmBuiltinOp> TflmBuiltinOps();
// Every custom operator with a TFLM kernel, sorted by custom code. Most are
// the signal-processing ops of TFLM's signal library ("SignalFramer", ...).
Span<const TflmCustomOp> TflmCustomOps();

// The MicroMutableOpResolver method registering `op` ("AddConv2D"); nullopt
// when TFLM has no kernel for it. BuiltinOperator_CUSTOM gives nullopt: a
// custom op is looked up by its code (below).
std::optional<std::string_view> TflmResolverMethod(tflite::BuiltinOperator op);
// The method registering the custom op named `custom_code`, if TFLM has one.
std::optional<std::string_view> TflmCustomResolverMethod(std::string_view custom_code);
// The method for an operator of `model`, builtin or custom.
std::optional<std::string_view> TflmResolverMethod(const Model& model,
                                                   const tflite::OperatorT& op);

inline bool TflmHasKernel(tflite::BuiltinOperator op) { return TflmResolverMethod(op).has_value(); }

// For an operator tinyforge runs but TFLM has no kernel for: why a model
// using it cannot go to TFLM as it is ("" for every other operator).
std::string_view TflmNoKernelNote(tflite::BuiltinOperator op);

}  // namespace tinyforge
