// Helpers shared by the test binaries: where the shared corpus is, and which
// models it holds.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::testing {

inline std::string SharedDir() { return TINYFORGE_SHARED_DIR; }
inline bool HaveShared() { return std::filesystem::is_directory(SharedDir() + "/models"); }
// The corpus must be there, and a test that needs it fails instead of
// skipping, when the environment says so: TINYFORGE_SHARED_DIR set
// explicitly, or CI set (scripts/test.sh passes the first to CMake).
inline bool SharedRequired() { return std::getenv("TINYFORGE_SHARED_DIR") != nullptr || std::getenv("CI") != nullptr; }
inline std::string ModelPath(const std::string& name) { return SharedDir() + "/models/" + name + ".tflite"; }
inline std::string GoldenDir(const std::string& name) { return SharedDir() + "/golden/" + name; }

// Every .tflite in the shared models folder, sorted (names without extension).
inline std::vector<std::string> SharedModelNames() {
  std::vector<std::string> names;
  if (!HaveShared()) return names;
  for (const auto& entry : std::filesystem::directory_iterator(SharedDir() + "/models")) {
    if (entry.path().extension() == ".tflite") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every model the corpus has TFLM's outputs for (a folder under golden/),
// sorted.
inline std::vector<std::string> GoldenModelNames() {
  std::vector<std::string> names;
  if (!HaveShared()) return names;
  for (const auto& entry : std::filesystem::directory_iterator(SharedDir() + "/golden")) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// GoldenModelNames() for a parameterized suite: with the corpus absent, one
// placeholder parameter, so the suite still runs once and its
// TF_REQUIRE_SHARED() skips with a message (or fails when the corpus is
// required) instead of the suite vanishing.
inline std::vector<std::string> GoldenModelParams() {
  std::vector<std::string> names = GoldenModelNames();
  if (names.empty()) names.push_back("corpus_missing");
  return names;
}

// A fresh, empty directory under the system temp dir for one test.
inline std::string TempDir(const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tinyforge_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace tinyforge::testing

// Skips a test that needs the shared corpus when it is absent, or fails it
// when the corpus is required (SharedRequired).
#define TF_REQUIRE_SHARED()                                                                  \
  do {                                                                                       \
    if (!::tinyforge::testing::HaveShared()) {                                               \
      if (::tinyforge::testing::SharedRequired())                                            \
        FAIL() << "shared corpus required but not found at "                                 \
               << ::tinyforge::testing::SharedDir();                                         \
      GTEST_SKIP() << "shared corpus not found at " << ::tinyforge::testing::SharedDir()     \
                   << " (configure with -DTINYFORGE_SHARED_DIR=...)";                       \
    }                                                                                        \
  } while (0)
