// Running the built `tinyforge` from CLI tests: its path, a run with stdout
// and stderr captured, and small text helpers.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace tinyforge::testing {

inline std::string Binary() { return std::string(TINYFORGE_BINARY_DIR) + "/apps/tinyforge"; }

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunResult {
  int status = -1;  // exit status; -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `tinyforge ARGS...` with stdout and stderr captured in files of `dir`
// (the shell reports a child killed by signal N as 128 + N: status -1).
inline RunResult RunTinyforge(const std::string& dir, const std::vector<std::string>& args) {
  std::string command = ShellQuote(Binary());
  for (const auto& a : args) command += " " + ShellQuote(a);
  command += " >" + ShellQuote(dir + "/stdout.txt") + " 2>" + ShellQuote(dir + "/stderr.txt");
  const int raw = std::system(command.c_str());
  RunResult r;
  if (raw != -1 && WIFEXITED(raw) && WEXITSTATUS(raw) < 128) r.status = WEXITSTATUS(raw);
  r.out = ReadText(dir + "/stdout.txt");
  r.err = ReadText(dir + "/stderr.txt");
  return r;
}

inline size_t CountLines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace tinyforge::testing

// Skips a test when the tinyforge executable is not built.
#define TF_REQUIRE_BINARY()                                                                   \
  do {                                                                                        \
    if (!std::filesystem::exists(::tinyforge::testing::Binary()))                             \
      GTEST_SKIP() << "tinyforge not built at " << ::tinyforge::testing::Binary();            \
  } while (0)

// Skips a test that needs both the built executable and the shared corpus.
#define TF_REQUIRE_BINARY_AND_SHARED() \
  do {                                 \
    TF_REQUIRE_SHARED();               \
    TF_REQUIRE_BINARY();               \
  } while (0)
