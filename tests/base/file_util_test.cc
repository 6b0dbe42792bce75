#include "libconvert/base/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>

#include "libconvert/base/error.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

// A fresh empty directory per test (removed and recreated by test_util).
class TempDir {
 public:
  explicit TempDir(const std::string& tag) : path_(testing::TempDir("file_util_" + tag)) {}
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
};

// Independent of the code under test: plain iostreams.
std::string SlurpText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void Spew(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no tinyforge::Error";
  return "";
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(ReadFileBytes, ReadsExactBytesIncludingNulAndHighBytes) {
  TempDir dir("t1");
  std::string content("a\0b\x93\xff\n", 6);
  for (int i = 0; i < 100000; ++i) content.push_back(static_cast<char>(i * 7));
  Spew(dir.File("f.bin"), content);
  const std::vector<uint8_t> bytes = ReadFileBytes(dir.File("f.bin"));
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), content);
}

TEST(ReadFileBytes, EmptyFile) {
  TempDir dir("t2");
  Spew(dir.File("empty"), "");
  EXPECT_TRUE(ReadFileBytes(dir.File("empty")).empty());
}

TEST(ReadFileBytes, ErrorsNameThePath) {
  TempDir dir("t3");
  const std::string missing = dir.File("missing.npy");
  std::string msg = ErrorOf([&] { ReadFileBytes(missing); });
  EXPECT_EQ(msg.rfind(missing + ": ", 0), 0u) << msg;
  EXPECT_TRUE(Contains(msg, "No such file")) << msg;
  msg = ErrorOf([&] { ReadFileBytes(dir.path()); });
  EXPECT_TRUE(Contains(msg, dir.path())) << msg;
  EXPECT_TRUE(Contains(msg, "directory")) << msg;
}

TEST(WriteFileAtomic, CreatesAndReplacesLeavingNoTemporaries) {
  TempDir dir("t4");
  const std::string path = dir.File("out.txt");
  WriteFileAtomic(path, "first version, longer");
  EXPECT_EQ(SlurpText(path), "first version, longer");
  WriteFileAtomic(path, "second");
  EXPECT_EQ(SlurpText(path), "second");
  const std::string binary("\0\1\2", 3);
  WriteFileAtomic(path, binary.data(), binary.size());
  EXPECT_EQ(SlurpText(path), binary);
  WriteFileAtomic(path, nullptr, 0);
  EXPECT_EQ(SlurpText(path), "");
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"out.txt"});
}

TEST(WriteFileAtomic, NewFileGetsUmaskPermissions) {
  TempDir dir("t5");
  const mode_t mask = umask(022);
  WriteFileAtomic(dir.File("p"), "x");
  umask(mask);
  struct stat st {};
  ASSERT_EQ(stat(dir.File("p").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(WriteFileAtomic, ErrorsNameThePath) {
  TempDir dir("t6");
  const std::string bad = dir.File("no/such/dir/out.bin");
  const std::string msg = ErrorOf([&] { WriteFileAtomic(bad, "x"); });
  EXPECT_EQ(msg.rfind(bad + ": ", 0), 0u) << msg;
  EXPECT_TRUE(Contains(ErrorOf([&] { WriteFileAtomic(dir.path() + "/", "x"); }), "not a file"));
}

TEST(WriteFileAtomic, DestinationIsDirectory) {
  TempDir dir("t7");
  fs::create_directory(dir.File("sub"));
  const std::string msg = ErrorOf([&] { WriteFileAtomic(dir.File("sub"), "x"); });
  EXPECT_TRUE(Contains(msg, dir.File("sub"))) << msg;
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"sub"});  // temp file removed
}

TEST(WriteFileAtomic, RelativePathWritesInCurrentDirectory) {
  TempDir dir("t8");
  const fs::path old_cwd = fs::current_path();
  fs::current_path(dir.path());
  WriteFileAtomic("rel.txt", "relative");
  fs::current_path(old_cwd);
  EXPECT_EQ(SlurpText(dir.File("rel.txt")), "relative");
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"rel.txt"});
}

TEST(AtomicFileWriter, StreamsPiecesAndHidesThemUntilCommit) {
  TempDir dir("t9");
  const std::string path = dir.File("big.bin");
  Spew(path, "old");
  std::string expected;
  {
    AtomicFileWriter out(path);
    EXPECT_EQ(out.path(), path);
    EXPECT_EQ(fs::path(out.temp_path()).parent_path(), fs::path(dir.path()));
    EXPECT_TRUE(fs::exists(out.temp_path()));
    for (int i = 0; i < 300; ++i) {
      const std::string piece(10000, static_cast<char>('a' + i % 26));
      out.Write(piece);
      expected += piece;
    }
    EXPECT_EQ(SlurpText(path), "old");  // not visible before Commit
    EXPECT_FALSE(out.committed());
    out.Commit();
    EXPECT_TRUE(out.committed());
    EXPECT_FALSE(fs::exists(out.temp_path()));
  }
  EXPECT_EQ(SlurpText(path), expected);
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"big.bin"});
}

TEST(AtomicFileWriter, WithoutCommitTheDestinationIsUntouched) {
  TempDir dir("t10");
  const std::string path = dir.File("keep.txt");
  Spew(path, "original");
  std::string temp;
  try {
    AtomicFileWriter out(path);
    temp = out.temp_path();
    out.Write("partial new contents");
    throw std::runtime_error("simulated failure mid-write");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(temp.empty());
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(SlurpText(path), "original");
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"keep.txt"});
  {
    AtomicFileWriter never_committed(dir.File("new.txt"));
    never_committed.Write("x");
  }
  EXPECT_FALSE(fs::exists(dir.File("new.txt")));
}

TEST(AtomicFileWriter, MisuseIsAnInternalError) {
  TempDir dir("t11");
  AtomicFileWriter out(dir.File("once"));
  out.Write("a");
  out.Commit();
  try {
    out.Commit();
    FAIL() << "second Commit did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
  }
  EXPECT_THROW(out.Write("b"), Error);
  EXPECT_EQ(SlurpText(dir.File("once")), "a");
}

TEST(AtomicFileWriter, TwoWritersToOnePathUseDistinctTemporaries) {
  TempDir dir("t12");
  AtomicFileWriter a(dir.File("same"));
  AtomicFileWriter b(dir.File("same"));
  EXPECT_NE(a.temp_path(), b.temp_path());
  a.Write("from a");
  b.Write("from b");
  a.Commit();
  b.Commit();
  EXPECT_EQ(SlurpText(dir.File("same")), "from b");  // last rename wins, whole
}

}  // namespace
}  // namespace tinyforge
