// The source layouts emit can write. One table: the CLI's help text, the
// parser and the writers all derive from it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tinyforge::emit {

enum class Format {
  kTflm,        // C++ .cc + .h for TensorFlow Lite Micro
  kC,           // C99 .c + .h
  kXxd,         // exactly what `xxd -i FILE` prints
  kHeaderOnly,  // one C++17 header with an inline constexpr array
};

struct FormatInfo {
  Format format;
  std::string_view name;     // the --format value
  std::string_view summary;  // one line for --help
};

inline constexpr FormatInfo kFormats[] = {
    {Format::kTflm, "tflm",
     "C++ source + header for TensorFlow Lite Micro: alignas(16) const array, "
     "NAME_len, constexpr size and quantization constants (default for .tflite)"},
    {Format::kC, "c",
     "C99 source + header (usable from C++): aligned const array and NAME_len "
     "(default for other files)"},
    {Format::kXxd, "xxd",
     "byte-for-byte what `xxd -i FILE` prints, a drop-in replacement in build "
     "scripts"},
    {Format::kHeaderOnly, "header-only",
     "a single C++17 header with an inline constexpr array; nothing to add to "
     "the build"},
};

std::string_view FormatName(Format format);
std::optional<Format> ParseFormat(std::string_view name);
// "tflm|c|xxd|header-only"
std::string FormatNameList();

// Formats whose output is C++ (they accept --namespace).
bool IsCxxFormat(Format format);

}  // namespace tinyforge::emit
