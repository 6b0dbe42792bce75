// Progress: the text of a bar, exact counts from many threads, and silence
// until the delay has passed or when there is no terminal.
#include "libconvert/base/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tinyforge {
namespace {

TEST(ProgressTest, LineShowsCountsRateAndTimeLeft) {
  // 4,500 of 9,000 in 3 s: 1,500 per second, 3 s left, half the bar.
  EXPECT_EQ(FormatProgressLine("compare", 4500, 9000, 3.0),
            "compare  [##########..........]  4,500/9,000  1500/s  3s left");
  EXPECT_EQ(FormatProgressLine("calibrate", 0, 1000, 0.0), "calibrate  [....................]  0/1,000");
  // Done: a full bar and no time left.
  EXPECT_EQ(FormatProgressLine("x", 10, 10, 4.0), "x  [####################]  10/10  2.50/s");
  // 1 per second with 150 left: minutes and seconds.
  EXPECT_EQ(FormatProgressLine("x", 10, 160, 10.0), "x  [#...................]  10/160  1.00/s  2m30s left");
  EXPECT_EQ(FormatProgressLine("x", 1, 7201, 1.0), "x  [....................]  1/7,201  1.00/s  2h00m left");
}

TEST(ProgressTest, CountsEveryAdvanceFromManyThreads) {
  std::vector<std::string> drawn;
  {
    Progress progress("work", 40000, [&drawn](const std::string& s) { drawn.push_back(s); }, 0.0);
    const std::function<void()> tick = progress.Callback();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&tick] {
        for (int i = 0; i < 10000; ++i) tick();
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(progress.done(), 40000u);
  }
  // Something was drawn (the first Advance draws at once with no delay), and
  // the last text finishes the line with the final count.
  ASSERT_FALSE(drawn.empty());
  EXPECT_EQ(drawn.back().front(), '\r');
  EXPECT_EQ(drawn.back().back(), '\n');
  EXPECT_NE(drawn.back().find("40,000/40,000"), std::string::npos) << drawn.back();
}

TEST(ProgressTest, SilentBeforeTheDelay) {
  std::vector<std::string> drawn;
  {
    Progress progress("work", 10, [&drawn](const std::string& s) { drawn.push_back(s); }, 3600.0);
    for (int i = 0; i < 10; ++i) progress.Advance();
  }
  EXPECT_TRUE(drawn.empty());
}

TEST(ProgressTest, DisabledDrawsNothingAndStillCounts) {
  Progress progress("work", 3, false);
  progress.Advance(2);
  progress.Advance();
  EXPECT_EQ(progress.done(), 3u);
  progress.Finish();
  progress.Advance();  // after Finish: counted, not drawn
  EXPECT_EQ(progress.done(), 4u);
}

}  // namespace
}  // namespace tinyforge
