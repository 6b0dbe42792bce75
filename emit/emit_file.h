// File-level emit: the input file in, the generated files out, each written
// to a temporary file and renamed into place only when all are complete.
// The CLI (apps/emit_command.cc) parses flags into these requests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "emit/c_array.h"
#include "emit/format.h"
#include "emit/model_description.h"
#include "emit/reverse.h"
#include "emit/test_vectors.h"

namespace tinyforge::emit {

// True for a file named *.tflite or one carrying the TFLite file identifier
// "TFL3" at byte offset 4. Throws tinyforge::Error if it cannot be opened.
bool IsTfliteFile(const std::string& path);

// tflm for models, c for any other file.
Format DefaultFormat(bool is_model);

struct EmitRequest {
  std::string input_path;
  // array.format selects the layout (kXxd included); an empty array.name is
  // derived from the input path (DefaultArrayName, or XxdArrayName for kXxd).
  ArrayOptions array;
  // "" or "-": standard output. For tflm and c, the definition file (.cc/.c);
  // for header-only and xxd, the one file written.
  std::string output_path;
  // tflm and c only. "": next to output_path with the extension .h, or none
  // when the output is standard output.
  std::string header_path;
  // "": no resolver header; otherwise needs `model`.
  std::string resolver_path;
  // The model's description when the input is a .tflite model, else null.
  const ModelDescription* model = nullptr;
  // The input is a model (array names end in _model_data).
  bool input_is_model = false;
  // Allow an output to be the input file itself (--force); refused otherwise.
  bool force = false;
  // Test vectors (--test-data), when not null: written as C to
  // test_data_path, with its header next to it (extension .h).
  const TestVectors* test_vectors = nullptr;
  std::string test_data_path;
  // Further files written with the others, all or none (--project's main.cc
  // and CMakeLists.txt): path and text.
  std::vector<std::pair<std::string, std::string>> extra_files;
};

// The array name `request` emits: array.name, or the default for the input
// path and format (DefaultArrayName, XxdArrayName for kXxd).
std::string ArrayNameFor(const EmitRequest& request);

struct EmitResult {
  std::string array_name;
  uint64_t size = 0;
  std::vector<std::string> files_written;  // paths; "-" for standard output
};

// Throws tinyforge::Error (naming the file or flag) on any problem; then no
// output file has been created or changed. `standard_output` receives output
// for "-" (tests pass a temporary stream).
EmitResult EmitFile(const EmitRequest& request, std::FILE* standard_output = stdout);

struct ReverseRequest {
  std::string input_path;   // C/C++ source
  std::string output_path;  // the bytes; "" or "-" for standard output
  std::string name;         // the array; "" when the source has only one
  bool force = false;       // allow output_path to be the input file (--force)
};

ReverseResult ReverseFile(const ReverseRequest& request,
                          std::FILE* standard_output = stdout);

}  // namespace tinyforge::emit
