#include "emit/format.h"

namespace tinyforge::emit {

std::string_view FormatName(Format format) {
  for (const FormatInfo& info : kFormats) {
    if (info.format == format) return info.name;
  }
  return "?";
}

std::optional<Format> ParseFormat(std::string_view name) {
  for (const FormatInfo& info : kFormats) {
    if (info.name == name) return info.format;
  }
  return std::nullopt;
}

std::string FormatNameList() {
  std::string list;
  for (const FormatInfo& info : kFormats) {
    if (!list.empty()) list += '|';
    list += info.name;
  }
  return list;
}

bool IsCxxFormat(Format format) {
  return format == Format::kTflm || format == Format::kHeaderOnly;
}

}  // namespace tinyforge::emit
