#include "libconvert/base/error.h"

namespace tinyforge {

std::string EscapeControl(const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  auto escape = [&](std::string& out, unsigned char u) {
    out += "\\x";
    out += kHex[u >> 4];
    out += kHex[u & 0xf];
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char u = static_cast<unsigned char>(text[i]);
    const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (u < 0x20 || u == 0x7f) {
      escape(out, u);
    } else if (u == 0xc2 && next >= 0x80 && next <= 0x9f) {  // U+0080..U+009F, e.g. CSI
      escape(out, u);
      escape(out, next);
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

namespace {

std::string EscapedLines(const std::vector<std::string>& lines) {
  std::string message;
  for (const std::string& line : lines) {
    if (!message.empty()) message += "\ntinyforge: ";
    message += EscapeControl(line);
  }
  return message.empty() ? std::string("a check failed") : message;
}

}  // namespace

Error::Error(const std::vector<std::string>& lines, ErrorCode code)
    : std::runtime_error(EscapedLines(lines)), code_(code) {}

}  // namespace tinyforge
