// --format xxd must be byte for byte what Debian's `xxd -i` prints.
#include "emit/xxd.h"

#include "emit/byte_io.h"
#include "emit/emit_file.h"
#include "emit/identifiers.h"
#include "tests/emit/emit_test_util.h"

namespace tinyforge::emit {
namespace {

using test_util::ModelFiles;
using test_util::RandomBytes;
using test_util::ReadFile;
using test_util::RunCommand;
using test_util::ShellQuote;
using test_util::TempDir;
using test_util::WriteFile;

// What real xxd prints for `path_as_given`, run inside `dir`.
std::string RealXxd(const std::string& dir, const std::string& path_as_given) {
  const auto result = RunCommand("cd " + ShellQuote(dir) + " && xxd -i " + ShellQuote(path_as_given));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

std::string OurXxd(const std::string& file, const std::string& path_as_given) {
  FileSource source(file);
  std::string text;
  StringSink sink(text);
  WriteXxd(source, XxdArrayName(path_as_given), sink);
  return text;
}

class XxdSizeTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(XxdSizeTest, MatchesRealXxd) {
  TINYFORGE_REQUIRE_TOOL("xxd");
  TempDir dir;
  const std::size_t size = GetParam();
  WriteFile(dir / "data.bin", RandomBytes(size, static_cast<uint32_t>(size) + 1));
  EXPECT_EQ(OurXxd(dir / "data.bin", "data.bin"), RealXxd(dir.path(), "data.bin"))
      << "size " << size;
}

INSTANTIATE_TEST_SUITE_P(Sizes, XxdSizeTest,
                         ::testing::Values(0, 1, 11, 12, 13, 23, 24, 25, 4096 + 7,
                                           (1 << 16) + 5, (1 << 18) * 3 + 1));

TEST(XxdTest, MatchesRealXxdForEveryByteValue) {
  TINYFORGE_REQUIRE_TOOL("xxd");
  TempDir dir;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  WriteFile(dir / "all", bytes);
  EXPECT_EQ(OurXxd(dir / "all", "all"), RealXxd(dir.path(), "all"));
}

TEST(XxdTest, ArrayNameFollowsThePathAsGiven) {
  TINYFORGE_REQUIRE_TOOL("xxd");
  TempDir dir;
  // Leading digit, dots, dashes, spaces, directories, non-ASCII bytes.
  const std::vector<std::string> paths = {"12b", "9-x.y", "a b.bin", "sub/dir-1/m.tflite",
                                          "./rel.bin", "\xc3\xa9t\xc3\xa9.bin", "_x", "x__y"};
  for (const std::string& path : paths) {
    WriteFile(dir / path, "abc");
    EXPECT_EQ(OurXxd(dir / path, path), RealXxd(dir.path(), path)) << path;
  }
}

TEST(XxdTest, AbsolutePathThroughEmitFile) {
  TINYFORGE_REQUIRE_TOOL("xxd");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(100, 7));
  EmitRequest request;
  request.input_path = dir / "blob.bin";
  request.array.format = Format::kXxd;
  request.output_path = dir / "blob.h";
  EmitFile(request);
  const auto expected = RunCommand("xxd -i " + ShellQuote(dir / "blob.bin"));
  EXPECT_EQ(ReadFile(dir / "blob.h"), expected.output);
}

TEST(XxdTest, MatchesRealXxdForEveryModel) {
  TINYFORGE_REQUIRE_TOOL("xxd");
  const std::vector<std::string> models = ModelFiles();
  if (models.empty()) GTEST_SKIP() << "no models under " << test_util::ModelsDir();
  for (const std::string& model : models) {
    const std::string name = std::filesystem::path(model).filename().string();
    EXPECT_EQ(OurXxd(model, name), RealXxd(test_util::ModelsDir(), name)) << model;
  }
}

}  // namespace
}  // namespace tinyforge::emit
