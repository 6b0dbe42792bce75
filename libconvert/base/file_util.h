// Whole-file reads and atomic writes. Every failure is a tinyforge::Error
// (kBadInput) whose one-line message names the file and the OS reason.
//
// Atomic means: the destination either keeps its old contents or gets the
// complete new ones, never a partial file. Data goes to a temporary file in
// the destination's directory (so the final rename stays on one filesystem),
// is flushed to disk, then renamed over the destination. New files get the
// usual 0666 & ~umask permissions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tinyforge {

// The full contents of `path`. Throws if it cannot be opened, is a
// directory, or a read fails.
std::vector<uint8_t> ReadFileBytes(const std::string& path);

// Replaces `path` with `size` bytes from `data` atomically (see above).
// A `path` that is a directory is refused before anything is written.
void WriteFileAtomic(const std::string& path, const void* data, size_t size);
inline void WriteFileAtomic(const std::string& path, std::string_view text) {
  WriteFileAtomic(path, text.data(), text.size());
}

// Throws Error when `output` is one of `inputs` (the same file, however
// spelled: a link or another path to it) unless `force`: no command
// overwrites a file it reads unless told to, with --force on every command.
void RefuseOverwritingInput(const std::string& output, const std::vector<std::string>& inputs, bool force);

// Streaming form of WriteFileAtomic, for outputs built piece by piece:
//
//   AtomicFileWriter out(path);   // creates the temporary file
//   out.Write(header.data(), header.size());
//   out.Write(body.data(), body.size());
//   out.Commit();                 // flush, fsync, rename over `path`
//
// If Commit() is not reached (an exception, an early return), the destructor
// deletes the temporary file and `path` is left untouched. After a failed
// Write or Commit the writer is unusable; let it go out of scope.
class AtomicFileWriter {
 public:
  // Creates the temporary file beside `path`; throws if it cannot.
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Appends `size` bytes; throws on a write error (e.g. disk full).
  void Write(const void* data, size_t size);
  void Write(std::string_view text) { Write(text.data(), text.size()); }

  // Makes the written bytes the contents of `path`. Throws if flushing or
  // renaming fails, or if called twice.
  void Commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  bool committed() const { return committed_; }

 private:
  void Abandon() noexcept;  // closes and unlinks the temporary file

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace tinyforge
