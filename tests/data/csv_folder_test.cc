// A folder of CSV files as a source, one sample per file (sensor captures),
// flat or in class folders: the values come back as the test wrote them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/data/source.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

// Capture `seed` of 4 time steps x 3 axes, with a header row.
std::vector<double> WriteCapture(const std::string& path, int seed) {
  std::ofstream out(path);
  out << "x,y,z\n";
  std::vector<double> values;
  for (int t = 0; t < 4; ++t) {
    for (int a = 0; a < 3; ++a) {
      values.push_back(seed * 10 + t + a * 0.25);
      out << values.back() << (a == 2 ? "\n" : ",");
    }
  }
  return values;
}

class CsvFolder : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("csv_folder"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(CsvFolder, OneSamplePerFileWithClassFolders) {
  fs::create_directories(dir_ + "/walk");
  fs::create_directories(dir_ + "/idle");
  // Classes in sorted order: idle 0, walk 1; files by name within each.
  std::vector<double> want;
  for (const auto& [file, seed] : std::vector<std::pair<std::string, int>>{
           {"/idle/a.csv", 1}, {"/idle/b.csv", 2}, {"/walk/a.csv", 3}}) {
    const std::vector<double> v = WriteCapture(dir_ + file, seed);
    want.insert(want.end(), v.begin(), v.end());
  }
  std::ofstream(dir_ + "/walk/notes.txt") << "not a capture";
  ASSERT_EQ(SourceKindOf(dir_), SourceKind::kCsv);
  const Samples s = LoadSamples(dir_, DataOptions(), {1, 4, 3}, DType::kFloat32);
  EXPECT_EQ(s.array.shape, (std::vector<int64_t>{3, 4, 3}));
  ASSERT_EQ(s.array.dtype, DType::kFloat32);
  const Span<const float> got = s.array.View<float>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(got[i], static_cast<float>(want[i])) << i;
  EXPECT_EQ(s.labels, (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(s.classes, (std::vector<std::string>{"idle", "walk"}));
}

TEST_F(CsvFolder, AFileOfAnotherSizeOrALabelColumnIsNamed) {
  WriteCapture(dir_ + "/a.csv", 1);
  std::ofstream(dir_ + "/b.csv") << "1,2,3\n4,5,6\n";
  try {
    LoadSamples(dir_, DataOptions(), {1, 4, 3}, DType::kFloat32);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir_ + "/b.csv: holds 2 rows of 3 values (6), but one sample of the model input "
                                            "holds 12 [4,3]");
  }
  DataOptions labelled;
  labelled.label_column = "x";
  try {
    LoadSamples(dir_, labelled, {1, 4, 3}, DType::kFloat32);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--label-column: a folder of CSV files takes its labels from class folders"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tinyforge
