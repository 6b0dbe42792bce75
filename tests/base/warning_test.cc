// Warnings: each distinct message once per process, one line, escaped.
#include "libconvert/base/warning.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace tinyforge {
namespace {

TEST(Warn, EachMessageOnceEvenFromManyThreadsAndOnOneLine) {
  std::vector<std::string> got;
  const WarningSink previous = SetWarningSink([&](const std::string& m) { got.push_back(m); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 100; ++i) Warn("data.npy: values clip");
    });
  }
  for (std::thread& t : threads) t.join();
  Warn("other");
  Warn("name\nwith a newline");
  SetWarningSink(previous);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "data.npy: values clip");
  EXPECT_EQ(got[1], "other");
  EXPECT_EQ(got[2].find('\n'), std::string::npos) << got[2];
}

}  // namespace
}  // namespace tinyforge
