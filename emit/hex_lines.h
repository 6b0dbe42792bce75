// The body of a byte array in source form, written fast: items "0xNN",
// `bytes_per_line` a line, each line indented two spaces, items separated by
// ", " and lines by ",\n", a final "\n" after the last item. This is the
// layout of `xxd -i`, and the one every emitted format uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "emit/byte_io.h"

namespace tinyforge::emit {

class HexLineWriter {
 public:
  HexLineWriter(ByteSink& sink, int bytes_per_line);
  HexLineWriter(const HexLineWriter&) = delete;
  HexLineWriter& operator=(const HexLineWriter&) = delete;

  void Append(const unsigned char* data, std::size_t size);
  // Ends the last line (if any byte was written) and flushes to the sink.
  void Finish();
  uint64_t count() const { return count_; }

 private:
  void Flush();

  ByteSink& sink_;
  int bytes_per_line_;
  int column_ = 0;  // items on the current line
  uint64_t count_ = 0;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
};

// Bytes per line for a maximum line width in characters (at least 1):
// a full line is 2 + 6 * n - 1 characters including its trailing comma.
int BytesPerLineForWidth(int line_width);

}  // namespace tinyforge::emit
