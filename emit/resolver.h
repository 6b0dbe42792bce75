// TFLM op resolvers: a header generator for a
// tflite::MicroMutableOpResolver holding exactly a model's operators.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emit/byte_io.h"

namespace tinyforge::emit {

struct ResolverOp {
  std::string_view add_method;  // MicroMutableOpResolver method, e.g. "AddConv2D"
  bool custom = false;          // TFLM registers it through AddCustom
};

// The TFLM resolver method for an operator named as in ModelDescription: a
// BuiltinOperator name ("CONV_2D") or a custom code
// ("TFLite_Detection_PostProcess"). nullopt when TFLM has none. The facts are
// libconvert's one table (libconvert/tflm_ops.h).
std::optional<ResolverOp> FindResolverOp(std::string_view op_name);

struct ResolverOptions {
  std::string array_name;               // names derive from it (below)
  std::vector<std::string> namespaces;  // outermost first
  std::string model_label;              // file name, for comments (and errors without model_path)
  std::string model_path;               // the path as given, for errors (as every command names its input)
  // Where the resolver header includes TFLM from.
  std::string tflm_include = "tensorflow/lite/micro/micro_mutable_op_resolver.h";
};

// A C++ header defining, for NAME = options.array_name,
//   constexpr unsigned int NAME_op_count = N;
//   inline tflite::MicroMutableOpResolver<N> NAME_op_resolver() {...}
// where the function adds exactly the distinct operators of `op_names` with
// TFLM's Add...() methods, in sorted order, N being their number. Throws
// tinyforge::Error naming every operator TFLM has no Add method for.
void WriteResolverHeader(const std::vector<std::string>& op_names,
                         const ResolverOptions& options, ByteSink& sink);

}  // namespace tinyforge::emit
