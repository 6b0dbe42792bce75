#include "libconvert/base/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

std::string OsReason(int err) { return std::strerror(err); }

// Closes `fd`, retrying nothing: on Linux a close interrupted by a signal has
// still released the descriptor.
void CloseQuietly(int fd) noexcept {
  if (fd >= 0) ::close(fd);
}

// Directory part of `path` with a trailing '/', or "" for a bare file name.
std::string DirectoryPrefix(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A name unlikely to collide: pid, a process-wide counter and random bits.
std::string TempName(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return DirectoryPrefix(path) + "." + BaseName(path) + ".tmp." + std::to_string(::getpid()) +
         "." + std::to_string(counter.fetch_add(1)) + "." + std::to_string(rng() % 1000000);
}

}  // namespace

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(path + ": cannot open for reading: " + OsReason(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    CloseQuietly(fd);
    throw Error(path + ": cannot stat: " + OsReason(err));
  }
  if (S_ISDIR(st.st_mode)) {
    CloseQuietly(fd);
    throw Error(path + ": is a directory, expected a file");
  }
  std::vector<uint8_t> bytes;
  // st_size is only a hint (pipes report 0, files may grow): read to EOF.
  size_t capacity = S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<size_t>(st.st_size) : 0;
  bytes.resize(capacity > 0 ? capacity : 65536);
  size_t used = 0;
  for (;;) {
    if (used == bytes.size()) bytes.resize(bytes.size() * 2 + 1);
    const ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      CloseQuietly(fd);
      throw Error(path + ": read failed: " + OsReason(err));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  CloseQuietly(fd);
  bytes.resize(used);
  bytes.shrink_to_fit();
  return bytes;
}

void WriteFileAtomic(const std::string& path, const void* data, size_t size) {
  AtomicFileWriter writer(path);
  writer.Write(data, size);
  writer.Commit();
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_.back() == '/') {
    throw Error("'" + path_ + "': not a file path");
  }
  // Refused here rather than when Commit() renames onto it, so a command
  // writing several files fails before it has committed any of them.
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(path_ + ": is a directory; give a file path");
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = TempName(path_);
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    if (errno != EEXIST) {
      const int err = errno;
      throw Error(path_ + ": cannot create temporary file '" + temp_path_ +
                  "': " + OsReason(err));
    }
  }
  throw Error(path_ + ": cannot create a temporary file beside it (100 names taken)");
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) Abandon();
}

void AtomicFileWriter::Abandon() noexcept {
  if (fd_ >= 0) {
    CloseQuietly(fd_);
    fd_ = -1;
    ::unlink(temp_path_.c_str());
  }
}

void AtomicFileWriter::Write(const void* data, size_t size) {
  if (committed_ || fd_ < 0) {
    throw Error(path_ + ": write after Commit() or after a failure", ErrorCode::kInternal);
  }
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      Abandon();
      throw Error(path_ + ": write failed: " + OsReason(err));
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFileWriter::Commit() {
  if (committed_ || fd_ < 0) {
    throw Error(path_ + ": Commit() called twice or after a failure", ErrorCode::kInternal);
  }
  if (::fsync(fd_) != 0) {
    const int err = errno;
    Abandon();
    throw Error(path_ + ": flushing to disk failed: " + OsReason(err));
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp_path_.c_str());
    throw Error(path_ + ": closing the temporary file failed: " + OsReason(err));
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_path_.c_str());
    throw Error(path_ + ": cannot replace with the new contents: " + OsReason(err));
  }
  committed_ = true;
}

void RefuseOverwritingInput(const std::string& output, const std::vector<std::string>& inputs, bool force) {
  if (force) return;
  struct stat out;
  if (::stat(output.c_str(), &out) != 0) return;  // does not exist yet
  for (const std::string& input : inputs) {
    struct stat in;
    if (::stat(input.c_str(), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      throw Error(output + ": refusing to overwrite the input file " + (input == output ? "" : input + " ") +
                  "with the output; choose another output path, or give --force to replace it");
    }
  }
}

}  // namespace tinyforge
