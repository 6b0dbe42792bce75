// Minimal streaming interfaces: emit reads its input in chunks from a
// ByteSource and writes text to a ByteSink, so memory stays small for any
// file size and tests can use strings instead of files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "libconvert/base/file_util.h"

namespace tinyforge::emit {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills up to `capacity` bytes; returns how many, 0 only at the end.
  // Throws tinyforge::Error on a read error.
  virtual std::size_t Read(unsigned char* buffer, std::size_t capacity) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Throws tinyforge::Error on a write error.
  virtual void Write(const char* data, std::size_t size) = 0;
  void Write(std::string_view text) { Write(text.data(), text.size()); }
};

// Bytes held by the caller (not copied; must outlive the source).
class MemorySource final : public ByteSource {
 public:
  MemorySource(const void* data, std::size_t size)
      : data_(static_cast<const unsigned char*>(data)), size_(size) {}
  explicit MemorySource(std::string_view bytes)
      : MemorySource(bytes.data(), bytes.size()) {}
  std::size_t Read(unsigned char* buffer, std::size_t capacity) override;

 private:
  const unsigned char* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

// A file opened for reading; errors name the path.
class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::size_t Read(unsigned char* buffer, std::size_t capacity) override;
  uint64_t size() const { return size_; }  // at open time

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0;
};

// Appends to a string the caller owns.
class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  void Write(const char* data, std::size_t size) override { out_.append(data, size); }
  using ByteSink::Write;

 private:
  std::string& out_;
};

// Writes to an already open stdio stream (stdout); `label` names it in errors.
class StreamSink final : public ByteSink {
 public:
  StreamSink(std::FILE* stream, std::string label)
      : stream_(stream), label_(std::move(label)) {}
  void Write(const char* data, std::size_t size) override;
  using ByteSink::Write;
  void Flush();

 private:
  std::FILE* stream_;
  std::string label_;
};

// A file that appears under its name only when complete (libconvert's
// AtomicFileWriter, with a buffer in front): Commit() renames it into place;
// destroying it uncommitted leaves `path` untouched.
class AtomicFileSink final : public ByteSink {
 public:
  explicit AtomicFileSink(std::string path);
  ~AtomicFileSink() override;
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;

  void Write(const char* data, std::size_t size) override;
  using ByteSink::Write;
  void Commit();
  const std::string& path() const { return writer_.path(); }

 private:
  void FlushBuffer();

  AtomicFileWriter writer_;
  std::string buffer_;
};

}  // namespace tinyforge::emit
