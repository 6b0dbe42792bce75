// Every input the fuzzers ever found a broken promise with, kept under
// tests/fuzz/regressions/<target>/ and replayed through the same entry the
// fuzzer calls (fuzz_entry.h): each must now be accepted or rejected with
// one clean line (exit 2). CI runs this in the normal and the ASan/UBSan
// builds, so a crash or sanitizer report there is one of these coming back.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "tests/fuzz/fuzz_entry.h"

namespace tinyforge::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path RegressionDir(const std::string& target) {
  return fs::path(TINYFORGE_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / target;
}

std::vector<fs::path> RegressionFiles(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = RegressionDir(target);
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FuzzRegressionsTest, EveryKeptInputEndsCleanly) {
  size_t replayed = 0;
  for (const FuzzTarget& target : FuzzTargets()) {
    for (const fs::path& file : RegressionFiles(target.name)) {
      const std::vector<uint8_t> bytes = ReadFileBytes(file.string());
      EXPECT_EQ(target.run(bytes.data(), bytes.size()), "") << file;
      ++replayed;
    }
  }
  RecordProperty("replayed", static_cast<int>(replayed));
}

// Every folder under regressions/ belongs to a target, so no kept input is
// silently left out of the replay.
TEST(FuzzRegressionsTest, EveryFolderIsATarget) {
  const fs::path root = fs::path(TINYFORGE_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    const auto& targets = FuzzTargets();
    EXPECT_TRUE(std::any_of(targets.begin(), targets.end(), [&](const FuzzTarget& t) { return name == t.name; }))
        << entry.path();
  }
}

// The entries themselves, on inputs whose outcome is known without them:
// good files pass, and bad ones are clean rejections, not violations.
TEST(FuzzEntryTest, AcceptsGoodAndRejectsBadInputCleanly) {
  const std::string garbage = "not a file of any kind\n";
  const auto* g = reinterpret_cast<const uint8_t*>(garbage.data());
  for (const FuzzTarget& target : FuzzTargets()) EXPECT_EQ(target.run(g, garbage.size()), "") << target.name;
  const std::string array = "unsigned char a[] = {0x54, 0x46, 0x4c, 0x33};";
  EXPECT_EQ(FuzzReverse(reinterpret_cast<const uint8_t*>(array.data()), array.size()), "");
}

}  // namespace
}  // namespace tinyforge::fuzz
