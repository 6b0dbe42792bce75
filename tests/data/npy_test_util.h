// Helpers of the .npy tests: files, temp dirs, error text, a reference header.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>

#include "libconvert/base/error.h"
#include "libconvert/data/npy.h"
#include "libconvert/base/file_util.h"
#include "tests/test_util.h"

namespace tinyforge {

namespace fs = std::filesystem;

const std::string kSharedDir = testing::SharedDir();

inline std::vector<uint8_t> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A fresh empty directory per test (removed and recreated by test_util).
class TempDir {
 public:
  explicit TempDir(const std::string& tag) : path_(testing::TempDir("npy_" + tag)) {}
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A .npy file built by hand, independently of the code under test: the given
// dict text, padded with spaces and '\n' so the data starts at a multiple of
// `align`.
inline std::vector<uint8_t> HandMadeNpy(const std::string& dict, const std::vector<uint8_t>& data,
                                 int major = 1, size_t align = 64) {
  const size_t length_width = major == 1 ? 2 : 4;
  const size_t prefix = 8 + length_width;
  size_t total = prefix + dict.size() + 1;
  total = (total + align - 1) / align * align;
  const size_t header_length = total - prefix;
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  for (size_t i = 0; i < length_width; ++i) out.push_back((header_length >> (8 * i)) & 0xff);
  out.insert(out.end(), dict.begin(), dict.end());
  out.resize(total - 1, ' ');
  out.push_back('\n');
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// Runs ParseNpy and returns the Error's message; fails the test if it does
// not throw a tinyforge::Error.
inline std::string ParseNpyError(const std::vector<uint8_t>& bytes, const std::string& name = "bad.npy") {
  try {
    ParseNpy(bytes.data(), bytes.size(), name);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no tinyforge::Error";
  return "";
}

inline bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const std::string kF32x3Dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
const std::vector<uint8_t> kF32x3Data = {0, 0, 0x80, 0x3f,   // 1.0f
                                         0, 0, 0, 0xc0,      // -2.0f
                                         0, 0, 0xc0, 0x7f};  // NaN

}  // namespace tinyforge
