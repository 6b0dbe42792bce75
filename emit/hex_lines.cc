#include "emit/hex_lines.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace tinyforge::emit {
namespace {

constexpr std::size_t kBufferBytes = 1 << 18;
// Longest text one item can add: ",\n  0xNN".
constexpr std::size_t kMaxItemBytes = 9;

// ", 0xNN" for every byte value; the first two characters are the separator.
struct ItemTable {
  std::array<std::array<char, 8>, 256> items{};
  ItemTable() {
    constexpr char kDigits[] = "0123456789abcdef";
    for (int value = 0; value < 256; ++value) {
      auto& item = items[static_cast<std::size_t>(value)];
      item = {',', ' ', '0', 'x', kDigits[value >> 4], kDigits[value & 15], 0, 0};
    }
  }
};

const ItemTable& Items() {
  static const ItemTable table;
  return table;
}

}  // namespace

int BytesPerLineForWidth(int line_width) { return std::max(1, (line_width - 1) / 6); }

HexLineWriter::HexLineWriter(ByteSink& sink, int bytes_per_line)
    : sink_(sink), bytes_per_line_(std::max(1, bytes_per_line)), buffer_(kBufferBytes) {}

void HexLineWriter::Append(const unsigned char* data, std::size_t size) {
  const auto& items = Items().items;
  char* out = buffer_.data();
  std::size_t used = used_;
  for (std::size_t i = 0; i < size; ++i) {
    if (used + kMaxItemBytes > buffer_.size()) {
      used_ = used;
      Flush();
      used = 0;
    }
    const char* item = items[data[i]].data();
    if (column_ == 0) {
      if (count_ != 0) {
        out[used++] = ',';
        out[used++] = '\n';
      }
      out[used++] = ' ';
      out[used++] = ' ';
      std::memcpy(out + used, item + 2, 4);
      used += 4;
    } else {
      std::memcpy(out + used, item, 6);
      used += 6;
    }
    ++count_;
    if (++column_ == bytes_per_line_) column_ = 0;
  }
  used_ = used;
}

void HexLineWriter::Finish() {
  if (count_ > 0) {
    if (used_ + 1 > buffer_.size()) Flush();
    buffer_[used_++] = '\n';
  }
  Flush();
}

void HexLineWriter::Flush() {
  if (used_ > 0) sink_.Write(buffer_.data(), used_);
  used_ = 0;
}

}  // namespace tinyforge::emit
