// `tinyforge data`: the arrays it writes and the summary it prints, checked
// against values computed here from the inputs the test wrote.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::RunResult;
using testing::RunTinyforge;

std::string G(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

class DataCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("data_cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult Run(const std::vector<std::string>& args) { return RunTinyforge(dir_, args); }
  std::string dir_;
};

TEST_F(DataCli, Uint8NpyScaledToFloat32WithSummary) {
  TF_REQUIRE_BINARY();
  // 2 samples of 2x3 values, uint8.
  NpyArray u8 = NpyArray::Zeros(DType::kUInt8, {2, 2, 3});
  const std::vector<uint8_t> values = {0, 51, 255, 10, 20, 30, 255, 0, 128, 1, 2, 3};
  std::copy(values.begin(), values.end(), u8.data.begin());
  WriteNpy(dir_ + "/u8.npy", u8);
  const RunResult r = Run({"data", dir_ + "/u8.npy", "--scale", "1/255", "-o", dir_ + "/f.npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  const NpyArray f = ReadNpy(dir_ + "/f.npy");
  EXPECT_EQ(f.dtype, DType::kFloat32);
  EXPECT_EQ(f.shape, u8.shape);
  std::vector<double> min(3, 1e9), max(3, -1e9), sum(3, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const float want = static_cast<float>(values[i] / 255.0);
    EXPECT_EQ(f.View<float>()[i], want) << i;
    min[i % 3] = std::min<double>(min[i % 3], want);
    max[i % 3] = std::max<double>(max[i % 3], want);
    sum[i % 3] += want;
  }
  EXPECT_NE(r.out.find("samples  2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shape    [2,2,3] float32\n"), std::string::npos) << r.out;
  for (int c = 0; c < 3; ++c) {
    const std::string line = "channel " + std::to_string(c) + "  min " + G(min[c]) + "  max " + G(max[c]) + "  mean " +
                             G(sum[c] / 4) + "\n";
    EXPECT_NE(r.out.find(line), std::string::npos) << line << r.out;
  }
  // Without flags the array is written as it is.
  ASSERT_EQ(Run({"data", dir_ + "/u8.npy", "-o", dir_ + "/same.npy", "-q"}).status, 0);
  EXPECT_EQ(ReadNpy(dir_ + "/same.npy").data, u8.data);
}

TEST_F(DataCli, ClassFoldersGiveLabelsAndClassCounts) {
  TF_REQUIRE_BINARY();
  const std::vector<std::pair<std::string, int>> classes = {{"cat", 2}, {"dog", 3}, {"owl", 1}};
  std::vector<int64_t> want_labels;
  for (size_t c = 0; c < classes.size(); ++c) {
    fs::create_directories(dir_ + "/img/" + classes[c].first);
    for (int i = 0; i < classes[c].second; ++i) {
      const std::vector<uint8_t> pixels(4 * 4, static_cast<uint8_t>(40 * c + i));
      const std::string path = dir_ + "/img/" + classes[c].first + "/" + std::to_string(i) + ".png";
      ASSERT_NE(stbi_write_png(path.c_str(), 4, 4, 1, pixels.data(), 4), 0);
      want_labels.push_back(static_cast<int64_t>(c));
    }
  }
  const RunResult r = Run({"data", dir_ + "/img", "--grayscale", "-o", dir_ + "/x.npy", "--labels-out", dir_ + "/y.npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  const NpyArray y = ReadNpy(dir_ + "/y.npy");
  ASSERT_EQ(y.dtype, DType::kInt64);
  EXPECT_EQ(std::vector<int64_t>(y.View<int64_t>().begin(), y.View<int64_t>().end()), want_labels);
  EXPECT_EQ(ReadNpy(dir_ + "/x.npy").shape, (std::vector<int64_t>{6, 4, 4, 1}));
  EXPECT_NE(r.out.find("classes  3: cat (0) 2, dog (1) 3, owl (2) 1\n"), std::string::npos) << r.out;
  // Pixels 0,1 | 40,41,42 | 80, scaled by the default 1/255.
  EXPECT_NE(r.out.find("values   min 0  max " + G(static_cast<float>(80 / 255.0))), std::string::npos) << r.out;

  // A flat folder has no labels to write.
  const RunResult flat = Run({"data", dir_ + "/img/dog", "-o", dir_ + "/d.npy", "--labels-out", dir_ + "/dy.npy"});
  EXPECT_EQ(flat.status, 2);
  EXPECT_NE(flat.err.find("--labels-out: the source has no labels"), std::string::npos) << flat.err;
}

TEST_F(DataCli, CsvRowsReshapedWithLabels) {
  TF_REQUIRE_BINARY();
  std::ofstream csv(dir_ + "/t.csv");
  csv << "a,b,c,d,e,f,label\n1,2,3,4,5,6,7\n-1,-2,-3,-4,-5,-6,0\n";
  csv.close();
  const RunResult r = Run({"data", dir_ + "/t.csv", "--label-column", "label", "--shape", "2,3", "-o", dir_ + "/x.npy",
                           "--labels-out", dir_ + "/y.npy", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const NpyArray x = ReadNpy(dir_ + "/x.npy");
  EXPECT_EQ(x.shape, (std::vector<int64_t>{2, 2, 3}));
  const std::vector<float> want = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
  EXPECT_EQ(std::vector<float>(x.View<float>().begin(), x.View<float>().end()), want);
  const NpyArray y = ReadNpy(dir_ + "/y.npy");
  EXPECT_EQ(std::vector<int64_t>(y.View<int64_t>().begin(), y.View<int64_t>().end()), (std::vector<int64_t>{7, 0}));
  // A shape the rows do not fit names the row.
  const RunResult bad = Run({"data", dir_ + "/t.csv", "--label-column", "6", "--shape", "4", "-o", dir_ + "/z.npy"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("t.csv: row 2 has 6 values besides the label, but one sample of the model input holds 4"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(dir_ + "/z.npy"));
}

}  // namespace
}  // namespace tinyforge
