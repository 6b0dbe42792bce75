#include "emit/xxd.h"

#include <vector>

#include "emit/hex_lines.h"

namespace tinyforge::emit {

uint64_t WriteXxd(ByteSource& source, const std::string& name, ByteSink& sink) {
  sink.Write("unsigned char " + name + "[] = {\n");
  HexLineWriter lines(sink, kXxdBytesPerLine);
  std::vector<unsigned char> chunk(1 << 16);
  while (const std::size_t n = source.Read(chunk.data(), chunk.size())) {
    lines.Append(chunk.data(), n);
  }
  lines.Finish();
  sink.Write("};\nunsigned int " + name + "_len = " + std::to_string(lines.count()) +
             ";\n");
  return lines.count();
}

}  // namespace tinyforge::emit
