// The shared corpus is all there when a run requires it (CI, or
// TINYFORGE_SHARED_DIR set): a wrong path must fail the run, not turn the
// tests that need it into skips.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_util.h"

namespace tinyforge::testing {
namespace {

size_t CountEntries(const std::string& dir, bool directories) {
  size_t n = 0;
  if (!std::filesystem::is_directory(dir)) return 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_directory() == directories ? 1 : 0;
  return n;
}

TEST(Corpus, PresentWhenRequired) {
  if (!SharedRequired() && !HaveShared()) GTEST_SKIP() << "corpus not required (neither CI nor TINYFORGE_SHARED_DIR set)";
  ASSERT_TRUE(HaveShared()) << "no shared corpus at " << SharedDir();
  // The corpus README lists 55 models and 52 golden folders; a partial copy
  // would silently shrink every corpus-wide test.
  EXPECT_GE(SharedModelNames().size(), 50u);
  EXPECT_GE(CountEntries(SharedDir() + "/golden", true), 50u);
  EXPECT_TRUE(std::filesystem::exists(SharedDir() + "/data/mnist/eval_images.npy"));
}

}  // namespace
}  // namespace tinyforge::testing
