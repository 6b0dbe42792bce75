#include "libconvert/data/npy_header.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

#include "libconvert/base/error.h"

namespace tinyforge::npy {
namespace {

constexpr size_t kMaxDims = 64;  // numpy 2's NPY_MAXDIMS

std::string SupportedDTypeList() {
  std::string list;
  for (size_t d = 0; d < kNumDTypes; ++d) {
    if (!list.empty()) list += ", ";
    list += DTypeName(static_cast<DType>(d));
    list += " '";
    list += DTypeDescr(static_cast<DType>(d));
    list += "'";
  }
  return list;
}

uint32_t LoadLittleEndian(const uint8_t* p, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

// A character for a message: printable ASCII as itself, else \xNN.
std::string Printable(uint8_t c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\x%02x", c);
  return buf;
}

// Parses the dict literal numpy writes. Accepts any spacing, either quote
// style, keys in any order, an optional trailing comma; nothing else.
class HeaderParser {
 public:
  HeaderParser(const uint8_t* text, size_t size, const std::string& name)
      : text_(text), size_(size), name_(name) {}

  NpyHeader Parse() {
    bool have_descr = false, have_fortran = false, have_shape = false;
    NpyHeader header;
    SkipSpace();
    Expect('{', "the header dict to start with '{'");
    for (;;) {
      SkipSpace();
      if (Peek() == '}') break;
      const std::string key = ParseString("a quoted key or '}'");
      SkipSpace();
      Expect(':', "':' after key '" + key + "'");
      SkipSpace();
      if (key == "descr") {
        if (have_descr) Fail("key 'descr' appears twice");
        have_descr = true;
        header.dtype = ParseDescr();
      } else if (key == "fortran_order") {
        if (have_fortran) Fail("key 'fortran_order' appears twice");
        have_fortran = true;
        if (ParseBool()) {
          Fail("fortran-order arrays are not supported: save with np.ascontiguousarray");
        }
      } else if (key == "shape") {
        if (have_shape) Fail("key 'shape' appears twice");
        have_shape = true;
        header.shape = ParseShape();
      } else {
        Fail("unexpected key '" + key + "' (allowed: 'descr', 'fortran_order', 'shape')");
      }
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == '}') break;
      FailAt("',' or '}' after the value of '" + key + "'");
    }
    ++pos_;  // '}'
    SkipSpace();
    if (pos_ != size_) FailAt("only spaces and a newline after the header dict");
    if (!have_descr) Fail("header has no 'descr' key");
    if (!have_fortran) Fail("header has no 'fortran_order' key");
    if (!have_shape) Fail("header has no 'shape' key");
    return header;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(name_ + ": bad .npy header: " + what);
  }
  [[noreturn]] void FailAt(const std::string& expected) const {
    const std::string found = pos_ < size_ ? Printable(text_[pos_]) : "the end of the header";
    Fail("expected " + expected + " at header byte " + std::to_string(pos_) + ", found " +
         found);
  }

  // The byte at pos_, or 0 past the end (0 is never valid header text).
  uint8_t Peek() const { return pos_ < size_ ? text_[pos_] : 0; }
  void SkipSpace() {
    while (pos_ < size_ &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void Expect(char c, const std::string& what) {
    if (Peek() != static_cast<uint8_t>(c)) FailAt(what);
    ++pos_;
  }
  static bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }
  static bool IsIdentChar(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_';
  }

  // A '...' or "..." literal of printable ASCII without escapes.
  std::string ParseString(const std::string& what) {
    const uint8_t quote = Peek();
    if (quote != '\'' && quote != '"') FailAt(what);
    const size_t start = ++pos_;
    while (pos_ < size_ && text_[pos_] != quote) {
      const uint8_t c = text_[pos_];
      if (c < 0x20 || c >= 0x7f || c == '\\') FailAt("a plain ASCII string without escapes");
      ++pos_;
    }
    if (pos_ >= size_) Fail("unterminated string starting at header byte " + std::to_string(start - 1));
    std::string s(reinterpret_cast<const char*>(text_ + start), pos_ - start);
    ++pos_;  // closing quote
    return s;
  }

  DType ParseDescr() {
    if (Peek() == '[' || Peek() == '(') {
      Fail("structured dtypes are not supported (descr is a list); supported: " +
           SupportedDTypeList());
    }
    const std::string descr = ParseString("a dtype string for 'descr'");
    if (descr.size() >= 2) {
      const char order = descr[0];
      const std::string kind_size = descr.substr(1);
      for (size_t i = 0; i < kNumDTypes; ++i) {
        const auto dtype = static_cast<DType>(i);
        const char* dtype_descr = DTypeDescr(dtype);
        if (kind_size != dtype_descr + 1) continue;
        if (order == '<' || (order == '|' && DTypeSize(dtype) == 1)) return dtype;
        if (order == '>') {
          Fail("big-endian descr '" + descr + "' is not supported: save with " +
               "arr.astype(arr.dtype.newbyteorder('<'))");
        }
        Fail("descr '" + descr + "' has byte order '" + std::string(1, order) +
             "'; expected '" + dtype_descr + "'");
      }
    }
    Fail("unsupported descr '" + descr + "'; supported: " + SupportedDTypeList());
  }

  bool ParseBool() {
    const size_t start = pos_;
    while (pos_ < size_ && IsIdentChar(text_[pos_])) ++pos_;
    const std::string word(reinterpret_cast<const char*>(text_ + start), pos_ - start);
    if (word == "True") return true;
    if (word == "False") return false;
    pos_ = start;
    FailAt("True or False for 'fortran_order'");
  }

  // A Python tuple of non-negative ints: "()", "(5,)", "(2, 3)", "(2, 3,)".
  std::vector<int64_t> ParseShape() {
    std::vector<int64_t> shape;
    Expect('(', "a tuple for 'shape'");
    SkipSpace();
    bool trailing_comma = false;
    while (Peek() != ')') {
      if (shape.size() == kMaxDims) Fail("shape has more than " + std::to_string(kMaxDims) + " dims");
      shape.push_back(ParseDim());
      SkipSpace();
      trailing_comma = false;
      if (Peek() == ',') {
        ++pos_;
        trailing_comma = true;
        SkipSpace();
      } else if (Peek() != ')') {
        FailAt("',' or ')' in 'shape'");
      }
    }
    ++pos_;  // ')'
    if (shape.size() == 1 && !trailing_comma) {
      Fail("'shape' must be a tuple: a single dim is written (n,)");
    }
    return shape;
  }

  int64_t ParseDim() {
    if (Peek() == '-') {
      const size_t start = pos_++;
      while (IsDigit(Peek())) ++pos_;
      Fail("shape entry " +
           std::string(reinterpret_cast<const char*>(text_ + start), pos_ - start) +
           " is negative");
    }
    if (!IsDigit(Peek())) FailAt("a non-negative integer in 'shape'");
    int64_t value = 0;
    while (IsDigit(Peek())) {
      const int digit = Peek() - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        Fail("shape entry is larger than 2^63-1");
      }
      value = value * 10 + digit;
      ++pos_;
    }
    if (IsIdentChar(Peek())) FailAt("a plain decimal integer in 'shape'");
    return value;
  }

  const uint8_t* text_;
  size_t size_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<size_t> ByteSize(const std::vector<int64_t>& shape, size_t item_size) {
  size_t n = item_size;
  bool any_zero = false;
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d == 0) any_zero = true;
  }
  if (any_zero) return 0;
  for (int64_t d : shape) {
    const auto ud = static_cast<uint64_t>(d);
    if (ud > std::numeric_limits<size_t>::max() / n) return std::nullopt;
    n *= static_cast<size_t>(ud);
  }
  return n;
}

NpyHeader ParseNpyHeader(const uint8_t* bytes, size_t size, const std::string& name) {
  const size_t magic_checked = std::min(size, kMagicSize);
  if (std::memcmp(bytes, kMagic, magic_checked) != 0) {
    throw Error(name + ": not a .npy file (the first bytes are not \"\\x93NUMPY\")");
  }
  if (size < kMagicSize + 2) {
    throw Error(name + ": truncated .npy file: " + std::to_string(size) +
                " bytes, too short for the magic and version");
  }
  const uint8_t major = bytes[kMagicSize];
  const uint8_t minor = bytes[kMagicSize + 1];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw Error(name + ": unsupported .npy format version " + std::to_string(major) + "." +
                std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  }
  const size_t length_width = major == 1 ? 2 : 4;
  const size_t prefix = kMagicSize + 2 + length_width;
  if (size < prefix) {
    throw Error(name + ": truncated .npy file: " + std::to_string(size) +
                " bytes, too short for the header length field");
  }
  const size_t header_length = LoadLittleEndian(bytes + kMagicSize + 2, length_width);
  if (header_length > size - prefix) {
    throw Error(name + ": header length " + std::to_string(header_length) +
                " runs past the end of the file (" + std::to_string(prefix) + " + " +
                std::to_string(header_length) + " > " + std::to_string(size) + " bytes)");
  }
  NpyHeader header = HeaderParser(bytes + prefix, header_length, name).Parse();
  header.data_offset = prefix + header_length;

  const size_t item_size = DTypeSize(header.dtype);
  const std::optional<size_t> expected = ByteSize(header.shape, item_size);
  if (!expected) {
    throw Error(name + ": shape " + ShapeToString(header.shape) + " is too large");
  }
  const size_t got = size - header.data_offset;
  if (got != *expected) {
    throw Error(name + ": data is " + std::to_string(got) + " bytes, expected " +
                std::to_string(*expected) + " for " + DTypeName(header.dtype) + " " +
                ShapeToString(header.shape) + " (" +
                (got < *expected ? "truncated file" : "trailing bytes") + ")");
  }
  if (header.dtype == DType::kBool) {
    const uint8_t* data = bytes + header.data_offset;
    for (size_t i = 0; i < got; ++i) {
      if (data[i] > 1) {
        throw Error(name + ": bool element " + std::to_string(i) + " has byte value " +
                    std::to_string(data[i]) + " (expected 0 or 1)");
      }
    }
  }
  return header;
}

}  // namespace tinyforge::npy
