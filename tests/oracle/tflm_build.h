// Building firmware-style programs against the prebuilt TFLM library of the
// corpus (../shared/tflm: lib/libtensorflow-microlite.a, include/,
// cxxflags.txt), for the oracle tests that compile what tinyforge emits:
//   TF_REQUIRE_TFLM_LIBRARY();   // skip (or fail when required) without it
//   ASSERT_EQ(Shell(TflmCompileCommand(...)), 0);
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge::testing {

inline std::string TflmBuildDir() { return SharedDir() + "/tflm"; }
inline std::string TflmLibrary() { return TflmBuildDir() + "/lib/libtensorflow-microlite.a"; }
inline bool HaveTflmLibrary() {
  return std::filesystem::exists(TflmLibrary()) && std::filesystem::exists(TflmBuildDir() + "/cxxflags.txt");
}

// The exit status of `command` run by /bin/sh; -1 when it did not exit.
inline int Shell(const std::string& command) {
  const int raw = std::system(command.c_str());
  return raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// g++ with TFLM's own flags and headers, compiling `sources` (with `includes`
// on the include path) and linking the library into `output`; the compiler's
// messages go to `log`.
inline std::string TflmCompileCommand(const std::vector<std::string>& sources, const std::vector<std::string>& includes,
                                      const std::string& extra_flags, const std::string& output,
                                      const std::string& log) {
  std::string command = "g++ $(cat " + ShellQuote(TflmBuildDir() + "/cxxflags.txt") + ") -I" +
                        ShellQuote(TflmBuildDir() + "/include") + " " + extra_flags;
  for (const std::string& dir : includes) command += " -I" + ShellQuote(dir);
  for (const std::string& source : sources) command += " " + ShellQuote(source);
  return command + " " + ShellQuote(TflmLibrary()) + " -lm -o " + ShellQuote(output) + " > " + ShellQuote(log) +
         " 2>&1";
}

}  // namespace tinyforge::testing

// Skips a test that builds against the TFLM library when the corpus has none,
// or fails it when the corpus is required (CI, TINYFORGE_SHARED_DIR set), as
// for the rest of the corpus; likewise without a g++.
#define TF_REQUIRE_TFLM_LIBRARY()                                                                     \
  do {                                                                                                \
    TF_REQUIRE_SHARED();                                                                              \
    const bool have_library = ::tinyforge::testing::HaveTflmLibrary();                                \
    const bool have_compiler = ::tinyforge::testing::Shell("command -v g++ >/dev/null 2>&1") == 0;    \
    if (!have_library || !have_compiler) {                                                            \
      const std::string why = !have_library ? "the TFLM library is not at " +                         \
                                                   ::tinyforge::testing::TflmBuildDir() +             \
                                                   " (lib/, include/, cxxflags.txt)"                  \
                                            : std::string("g++ not found");                           \
      if (::tinyforge::testing::SharedRequired()) FAIL() << why << ", and CI requires it";            \
      GTEST_SKIP() << why;                                                                            \
    }                                                                                                 \
  } while (0)
