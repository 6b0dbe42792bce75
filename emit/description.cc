#include "emit/description.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "libconvert/base/error.h"
#include "libconvert/base/text_format.h"

namespace tinyforge::emit {
namespace {

constexpr std::size_t kCommentWidth = 80;

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

std::string WhatItIs(Format format) {
  switch (format) {
    case Format::kTflm:
      return "a C++ array for TensorFlow Lite Micro";
    case Format::kC:
      return "a C array";
    case Format::kHeaderOnly:
      return "a header-only C++17 array";
    case Format::kXxd:
      break;
  }
  return "an array";
}

std::string TensorLine(std::size_t index, const IoTensor& tensor) {
  std::string line = "//   [" + std::to_string(index) + "] " + CommentSafe(tensor.name) +
                     ": " + CommentSafe(tensor.dtype) + " " + ShapeText(tensor.shape);
  if (tensor.scale) {
    std::string scale = FloatLiteral(static_cast<float>(*tensor.scale));
    scale.pop_back();  // the 'f' suffix
    line += ", scale " + scale;
  }
  if (tensor.zero_point) line += ", zero point " + std::to_string(*tensor.zero_point);
  return line + "\n";
}

// "//   A, B, C" wrapped at kCommentWidth.
std::string WrappedList(const std::vector<std::string>& items) {
  std::string text;
  std::string line = "//  ";
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = CommentSafe(items[i]) + (i + 1 < items.size() ? "," : "");
    if (line.size() > 4 && line.size() + 1 + item.size() > kCommentWidth) {
      text += line + "\n";
      line = "//  ";
    }
    line += " " + item;
  }
  return text + line + "\n";
}

std::vector<std::string> SortedUnique(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

void AppendTensorConstants(const ArrayOptions& options, const std::string& prefix,
                           const std::string& role, std::size_t index,
                           const IoTensor& tensor, std::string& out) {
  const bool cxx = IsCxxFormat(options.format);
  const std::string qualifier = cxx ? "constexpr " : "static const ";
  out += "\n// " + role + " " + std::to_string(index) + " \"" + CommentSafe(tensor.name) +
         "\": " + CommentSafe(tensor.dtype) + " " + ShapeText(tensor.shape) + ".\n";
  if (!tensor.shape.empty()) {
    out += qualifier + "int " + prefix + "_dims[] = {";
    for (std::size_t i = 0; i < tensor.shape.size(); ++i) {
      out += (i > 0 ? ", " : "") + std::to_string(tensor.shape[i]);
    }
    out += "};\n";
  }
  uint64_t elements = 1;
  bool known = true;
  for (int64_t dim : tensor.shape) {
    if (dim < 0 || (dim > 0 && elements > UINT32_MAX / static_cast<uint64_t>(dim))) {
      known = false;
      break;
    }
    elements *= static_cast<uint64_t>(dim);
  }
  if (known) {
    out += qualifier + "unsigned int " + prefix + "_elements = " +
           std::to_string(elements) + ";\n";
  }
  if (tensor.scale && tensor.zero_point) {
    const float scale = static_cast<float>(*tensor.scale);
    if (!std::isfinite(scale)) {
      throw Error("model " + role + " " + std::to_string(index) + " \"" + tensor.name +
                  "\": quantization scale is not finite");
    }
    out += "// real value = scale * (quantized - zero_point)\n";
    out += qualifier + "float " + prefix + "_scale = " + FloatLiteral(scale) + ";\n";
    out += qualifier + "int " + prefix + "_zero_point = " +
           std::to_string(*tensor.zero_point) + ";\n";
  }
}

// The arena size as a constant firmware declares its arena with.
void AppendArenaConstant(const ArrayOptions& options, const ArenaFigure& arena, std::string& out) {
  const std::string name = options.name + "_arena_bytes";
  const std::string bytes = std::to_string(std::max<int64_t>(0, arena.required_bytes));
  out += "\n// The tensor arena TFLM needs for this model on " + CommentSafe(arena.target_description) +
         ",\n// from `tinyforge emit --target " + CommentSafe(arena.target) +
         "`: the smallest 16-byte aligned arena with which\n"
         "// AllocateTensors() succeeds. Declare it as\n";
  const bool cxx = IsCxxFormat(options.format);
  out += std::string("//   ") + (cxx ? "alignas(16)" : "_Alignas(16)") + " static uint8_t tensor_arena[" +
         name + "];\n";
  if (cxx) {
    out += "constexpr unsigned int " + name + " = " + bytes + ";\n";
  } else {
    out += "#define " + name + " " + bytes + "u\n";
  }
}

}  // namespace

std::string CommentSafe(const std::string& text) {
  std::string safe;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    safe += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return safe;
}

std::string FloatLiteral(float value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text + "f";
}

std::string DescriptionComment(const ArrayOptions& options, const SourceSummary& summary) {
  std::string text = "// " + CommentSafe(summary.file_name) + " as " +
                     WhatItIs(options.format) + ".\n";
  text += "// Generated by `tinyforge emit`; do not edit, regenerate instead.\n//\n";
  text += "// bytes:      " + Thousands(static_cast<int64_t>(summary.size)) + "\n";
  text += "// sha256:     " + summary.sha256 + "\n";
  if (options.alignment > 1) {
    text += "// alignment:  " + std::to_string(options.alignment) + " bytes\n";
  }
  const ModelDescription* model = summary.model;
  if (model == nullptr) return text;

  text += "// parameters: " + Thousands(std::max<int64_t>(0, model->parameter_count)) + "\n";
  if (model->arena) {
    text += "// arena:      " + Thousands(std::max<int64_t>(0, model->arena->required_bytes)) + " bytes on " +
            CommentSafe(model->arena->target_description) + ", --target " + CommentSafe(model->arena->target) +
            "\n";
  } else {
    text += "// arena:      not estimated\n";
  }
  const std::vector<std::string> ops = SortedUnique(model->op_names);
  text += "// operators (" + std::to_string(ops.size()) + "):\n";
  if (!ops.empty()) text += WrappedList(ops);
  text += "// inputs:\n";
  for (std::size_t i = 0; i < model->inputs.size(); ++i) {
    text += TensorLine(i, model->inputs[i]);
  }
  text += "// outputs:\n";
  for (std::size_t i = 0; i < model->outputs.size(); ++i) {
    text += TensorLine(i, model->outputs[i]);
  }
  return text;
}

std::string ModelConstants(const ArrayOptions& options, const SourceSummary& summary) {
  const ModelDescription* model = summary.model;
  if (model == nullptr) return "";
  std::string out;
  const auto append_all = [&](const std::vector<IoTensor>& tensors, const std::string& role,
                              const std::string& label) {
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      const std::string prefix =
          options.name + "_" + role + (tensors.size() == 1 ? "" : std::to_string(i));
      AppendTensorConstants(options, prefix, label, i, tensors[i], out);
    }
  };
  if (model->arena) AppendArenaConstant(options, *model->arena, out);
  append_all(model->inputs, "input", "Input");
  append_all(model->outputs, "output", "Output");
  return out;
}

}  // namespace tinyforge::emit
