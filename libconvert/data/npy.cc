#include "libconvert/data/npy.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

#include "libconvert/base/file_util.h"

namespace tinyforge {

// Element bytes are copied as they are: the host must be little-endian, as
// the files are.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "npy.cc copies little-endian element bytes unchanged; add byte swapping");
static_assert(sizeof(bool) == 1, "numpy's |b1 is one byte per element");

namespace {

struct DTypeInfo {
  const char* name;
  const char* descr;
  size_t size;
};

constexpr DTypeInfo kDTypeInfo[] = {
#define TINYFORGE_DTYPE_INFO(e, type, name, descr) {name, descr, sizeof(type)},
    TINYFORGE_DTYPES(TINYFORGE_DTYPE_INFO)
#undef TINYFORGE_DTYPE_INFO
};
constexpr size_t kNumDTypes = sizeof(kDTypeInfo) / sizeof(kDTypeInfo[0]);
static_assert(kNumDTypes == static_cast<size_t>(DType::kBool) + 1,
              "kDTypeInfo needs one row per DType");

constexpr uint8_t kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr size_t kMagicSize = sizeof(kMagic);
constexpr size_t kArrayAlign = 64;       // numpy's ARRAY_ALIGN
constexpr size_t kGrowthAxisDigits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS
constexpr size_t kMaxDims = 64;           // numpy 2's NPY_MAXDIMS

const DTypeInfo& Info(DType dtype) {
  const auto index = static_cast<size_t>(dtype);
  if (index >= kNumDTypes) {
    throw Error("invalid DType value " + std::to_string(index), ErrorCode::kInternal);
  }
  return kDTypeInfo[index];
}

std::string SupportedDTypeList() {
  std::string list;
  for (const DTypeInfo& info : kDTypeInfo) {
    if (!list.empty()) list += ", ";
    list += info.name;
    list += " '";
    list += info.descr;
    list += "'";
  }
  return list;
}

// Product of `shape` times `item_size`, or nullopt on a negative dim or if the
// result does not fit size_t.
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

// What the header says; the caller checks the data against it.
struct NpyHeader {
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

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
        const DTypeInfo& info = kDTypeInfo[i];
        if (kind_size != info.descr + 1) continue;
        if (order == '<' || (order == '|' && info.size == 1)) return static_cast<DType>(i);
        if (order == '>') {
          Fail("big-endian descr '" + descr + "' is not supported: save with " +
               "arr.astype(arr.dtype.newbyteorder('<'))");
        }
        Fail("descr '" + descr + "' has byte order '" + std::string(1, order) +
             "'; expected '" + info.descr + "'");
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

// Checks the prefix, parses the header and checks the data size against it.
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

}  // namespace

size_t DTypeSize(DType dtype) { return Info(dtype).size; }
const char* DTypeName(DType dtype) { return Info(dtype).name; }
const char* DTypeDescr(DType dtype) { return Info(dtype).descr; }
bool IsFloatDType(DType dtype) { return dtype == DType::kFloat32 || dtype == DType::kFloat64; }

NpyArray NpyArray::Zeros(DType dtype, std::vector<int64_t> shape) {
  const std::optional<size_t> bytes = ByteSize(shape, DTypeSize(dtype));
  if (!bytes) {
    throw Error("cannot make a " + std::string(DTypeName(dtype)) + " array of shape " +
                    ShapeToString(shape) + ": negative dim or too large",
                ErrorCode::kInternal);
  }
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.data.assign(*bytes, 0);
  return array;
}

size_t NpyArray::NumElements() const {
  size_t n = 1;
  for (int64_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

void NpyArray::CheckView(DType wanted, size_t element_size) const {
  if (wanted != dtype) {
    throw Error(std::string("viewing a ") + DTypeName(dtype) + " array as " + DTypeName(wanted),
                ErrorCode::kInternal);
  }
  const std::optional<size_t> bytes = ByteSize(shape, element_size);
  if (!bytes || *bytes != data.size()) {
    throw Error(std::string("array of shape ") + ShapeToString(shape) + " holds " +
                    std::to_string(data.size()) + " bytes, which does not match its shape",
                ErrorCode::kInternal);
  }
}

std::string ShapeToString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

NpyArray ParseNpy(const uint8_t* bytes, size_t size, const std::string& name_for_errors) {
  const std::string& name = name_for_errors.empty() ? std::string("<memory>") : name_for_errors;
  if (bytes == nullptr && size > 0) {
    throw Error(name + ": null buffer", ErrorCode::kInternal);
  }
  static const uint8_t kEmpty = 0;
  const uint8_t* data = bytes != nullptr ? bytes : &kEmpty;
  NpyHeader header = ParseNpyHeader(data, size, name);
  NpyArray array;
  array.dtype = header.dtype;
  array.shape = std::move(header.shape);
  array.data.assign(data + header.data_offset, data + size);
  return array;
}

NpyArray ReadNpy(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  static const uint8_t kEmpty = 0;
  NpyHeader header = ParseNpyHeader(bytes.empty() ? &kEmpty : bytes.data(), bytes.size(), path);
  NpyArray array;
  array.dtype = header.dtype;
  array.shape = std::move(header.shape);
  // Reuse the file buffer: drop the header in place instead of copying.
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header.data_offset));
  array.data = std::move(bytes);
  return array;
}

std::vector<uint8_t> EncodeNpyHeader(DType dtype, const std::vector<int64_t>& shape) {
  // Python's repr of the dict numpy builds, keys sorted.
  std::string dict = "{'descr': '" + std::string(DTypeDescr(dtype)) +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      throw Error("cannot write shape " + ShapeToString(shape) + ": negative dim",
                  ErrorCode::kInternal);
    }
    if (i > 0) dict += ", ";
    dict += std::to_string(shape[i]);
  }
  if (shape.size() == 1) dict += ",";
  dict += "), }";
  // Room to rewrite the first dim in place with up to 21 digits.
  if (!shape.empty()) {
    const size_t digits = std::to_string(shape[0]).size();
    if (digits < kGrowthAxisDigits) dict.append(kGrowthAxisDigits - digits, ' ');
  }
  const size_t text_length = dict.size() + 1;  // + '\n'
  size_t length_width = 2;
  size_t padding = kArrayAlign - (kMagicSize + 2 + length_width + text_length) % kArrayAlign;
  uint8_t major = 1;
  if (text_length + padding > 0xffff) {
    major = 2;
    length_width = 4;
    padding = kArrayAlign - (kMagicSize + 2 + length_width + text_length) % kArrayAlign;
  }
  const size_t header_length = text_length + padding;

  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(major);
  out.push_back(0);
  for (size_t i = 0; i < length_width; ++i) {
    out.push_back(static_cast<uint8_t>((header_length >> (8 * i)) & 0xff));
  }
  out.insert(out.end(), dict.begin(), dict.end());
  out.insert(out.end(), padding, ' ');
  out.push_back('\n');
  return out;
}

void WriteNpy(const std::string& path, const NpyArray& array) {
  const std::optional<size_t> expected = ByteSize(array.shape, DTypeSize(array.dtype));
  if (!expected || *expected != array.data.size()) {
    throw Error(path + ": cannot write " + DTypeName(array.dtype) + " " +
                    ShapeToString(array.shape) + ": array holds " +
                    std::to_string(array.data.size()) + " data bytes, shape needs " +
                    (expected ? std::to_string(*expected) : std::string("too many")),
                ErrorCode::kInternal);
  }
  const std::vector<uint8_t> header = EncodeNpyHeader(array.dtype, array.shape);
  AtomicFileWriter writer(path);
  writer.Write(header.data(), header.size());
  writer.Write(array.data.data(), array.data.size());
  writer.Commit();
}

}  // namespace tinyforge
