#include "emit/byte_io.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "libconvert/base/error.h"

namespace tinyforge::emit {
namespace {

constexpr std::size_t kSinkBufferBytes = 1 << 16;

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

std::size_t MemorySource::Read(unsigned char* buffer, std::size_t capacity) {
  const std::size_t n = std::min(capacity, size_ - position_);
  if (n > 0) std::memcpy(buffer, data_ + position_, n);
  position_ += n;
  return n;
}

FileSource::FileSource(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw Error(path + ": cannot open: " + ErrnoText());
  struct stat info {};
  if (fstat(fileno(file_), &info) != 0) {
    const std::string why = ErrnoText();
    std::fclose(file_);
    throw Error(path + ": cannot stat: " + why);
  }
  if (S_ISDIR(info.st_mode)) {
    std::fclose(file_);
    throw Error(path + ": is a directory, not a file");
  }
  size_ = static_cast<uint64_t>(info.st_size);
}

FileSource::~FileSource() {
  if (file_ != nullptr) std::fclose(file_);
}

std::size_t FileSource::Read(unsigned char* buffer, std::size_t capacity) {
  const std::size_t n = std::fread(buffer, 1, capacity, file_);
  if (n < capacity && std::ferror(file_)) {
    throw Error(path_ + ": read error: " + ErrnoText());
  }
  return n;
}

void StreamSink::Write(const char* data, std::size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, stream_) != size) {
    throw Error(label_ + ": write error: " + ErrnoText());
  }
}

void StreamSink::Flush() {
  if (std::fflush(stream_) != 0) throw Error(label_ + ": write error: " + ErrnoText());
}

AtomicFileSink::AtomicFileSink(std::string path) : writer_(std::move(path)) {
  buffer_.reserve(kSinkBufferBytes);
}

AtomicFileSink::~AtomicFileSink() = default;

void AtomicFileSink::FlushBuffer() {
  if (!buffer_.empty()) writer_.Write(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void AtomicFileSink::Write(const char* data, std::size_t size) {
  if (buffer_.size() + size > kSinkBufferBytes) FlushBuffer();
  if (size >= kSinkBufferBytes) {
    writer_.Write(data, size);  // large blocks go straight to the file
    return;
  }
  buffer_.append(data, size);
}

void AtomicFileSink::Commit() {
  FlushBuffer();
  writer_.Commit();
}

}  // namespace tinyforge::emit
