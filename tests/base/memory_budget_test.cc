// --max-memory and --max-work values, checked arithmetic and message escaping: the small
// base helpers the hostile-model checks rest on.
#include "libconvert/base/memory_budget.h"

#include <gtest/gtest.h>

#include <limits>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/base/work_budget.h"

namespace tinyforge {
namespace {

TEST(MemorySize, ParsesBytesAndBinaryUnits) {
  EXPECT_EQ(ParseMemorySize("4096", "--max-memory"), 4096);
  EXPECT_EQ(ParseMemorySize("512M", "--max-memory"), int64_t{512} << 20);
  EXPECT_EQ(ParseMemorySize("8GiB", "--max-memory"), int64_t{8} << 30);
  EXPECT_EQ(ParseMemorySize("2k", "--max-memory"), 2048);
  EXPECT_EQ(ParseMemorySize("1TB", "--max-memory"), int64_t{1} << 40);
}

TEST(MemorySize, RefusesWhatIsNotASize) {
  for (const char* bad : {"", "0", "G", "-5", "12X", "1.5G", "99999999999999999999", "9000000000T"}) {
    SCOPED_TRACE(bad);
    try {
      ParseMemorySize(bad, "--max-memory");
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadInput);
      EXPECT_NE(std::string(e.what()).find("--max-memory '"), std::string::npos) << e.what();
    }
  }
}

TEST(WorkCount, ParsesCountsAndDecimalUnits) {
  EXPECT_EQ(ParseWorkCount("7", "--max-work"), 7);
  EXPECT_EQ(ParseWorkCount("1k", "--max-work"), 1000);
  EXPECT_EQ(ParseWorkCount("500M", "--max-work"), 500'000'000);
  EXPECT_EQ(ParseWorkCount("2T", "--max-work"), 2'000'000'000'000);
}

TEST(WorkCount, RefusesWhatIsNotACount) {
  // 10000000T is 1e19, past int64; a count has no byte suffix.
  for (const char* bad : {"", "0", "M", "-5", "1.5G", "5GB", "2GiB", "99999999999999999999", "10000000T"}) {
    SCOPED_TRACE(bad);
    try {
      ParseWorkCount(bad, "--max-work");
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadInput);
      EXPECT_NE(std::string(e.what()).find("--max-work '"), std::string::npos) << e.what();
    }
  }
}

TEST(CheckedMath, OverflowIsReportedNotWrapped) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(CheckedMul(int64_t{3037000499}, int64_t{3037000499}), int64_t{9223372030926249001});
  EXPECT_FALSE(CheckedMul(int64_t{3037000500}, int64_t{3037000500}));
  EXPECT_EQ(CheckedAdd(kMax - 1, int64_t{1}), kMax);
  EXPECT_FALSE(CheckedAdd(kMax, int64_t{1}));
  EXPECT_EQ(CheckedProduct(std::vector<int32_t>{}), 1);
  EXPECT_EQ(CheckedProduct(std::vector<int32_t>{0, 2147483647, 2147483647, 2147483647}), 0);
  EXPECT_FALSE(CheckedProduct(std::vector<int32_t>{2147483647, 2147483647, 2147483647}));
  EXPECT_FALSE(CheckedProduct(std::vector<int32_t>{2, -1}));
}

TEST(ErrorMessage, ControlCharactersAreEscapedInEveryMessage) {
  const Error e("m.tflite: tensor 'a\nb\r\x1b[2J\x7f' \xc2\x9b" "31m caf\xc3\xa9");
  EXPECT_STREQ(e.what(), "m.tflite: tensor 'a\\x0ab\\x0d\\x1b[2J\\x7f' \\xc2\\x9b31m caf\xc3\xa9");
}

}  // namespace
}  // namespace tinyforge
