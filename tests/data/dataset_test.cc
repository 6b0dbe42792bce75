#include "libconvert/data/dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "libconvert/base/error.h"
#include "tests/test_util.h"


namespace tinyforge {
namespace {

const std::string kSharedDir = testing::SharedDir();
const std::string kMnistInput = "model input 0 'serving_default_conv2d_input:0'";

static_assert(!std::is_constructible_v<DatasetView, NpyArray&&, std::string,
                                       const std::vector<int32_t>&, DType, std::string>,
              "a view over a temporary array must not compile");

// float32 array whose element i holds i (set byte by byte, independently of
// NpyArray's views).
NpyArray Iota(std::vector<int64_t> shape) {
  NpyArray a;
  a.dtype = DType::kFloat32;
  size_t n = 1;
  for (int64_t d : shape) n *= static_cast<size_t>(d);
  a.shape = std::move(shape);
  a.data.resize(n * 4);
  for (size_t i = 0; i < n; ++i) {
    const float v = static_cast<float>(i);
    std::memcpy(a.data.data() + 4 * i, &v, 4);
  }
  return a;
}

float FirstFloat(const uint8_t* p) {
  float v;
  std::memcpy(&v, p, 4);
  return v;
}

std::string ErrorOf(const NpyArray& a, const std::vector<int32_t>& input, DType dtype) {
  try {
    DatasetView view(a, "calib.npy", input, dtype, kMnistInput);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    return e.what();
  }
  ADD_FAILURE() << "no tinyforge::Error";
  return "";
}

TEST(DatasetView, OneSampleWhenShapeEqualsInput) {
  const NpyArray a = Iota({1, 28, 28, 1});
  const DatasetView v(a, "x.npy", {1, 28, 28, 1}, DType::kFloat32, kMnistInput);
  EXPECT_EQ(v.num_samples(), 1u);
  EXPECT_EQ(v.bytes_per_sample(), 28u * 28 * 4);
  EXPECT_EQ(v.elements_per_sample(), 784u);
  EXPECT_FALSE(v.batched());
  EXPECT_EQ(v.sample(0), a.data.data());
  EXPECT_EQ(v.dtype(), DType::kFloat32);
}

TEST(DatasetView, LeadingSampleDimOverWholeInputShape) {
  const NpyArray a = Iota({5, 1, 28, 28, 1});
  const DatasetView v(a, "x.npy", {1, 28, 28, 1}, DType::kFloat32, kMnistInput);
  EXPECT_EQ(v.num_samples(), 5u);
  EXPECT_TRUE(v.batched());
  EXPECT_EQ(FirstFloat(v.sample(3)), 3.0f * 784);
}

TEST(DatasetView, BatchOneDimReplacedBySampleDim) {
  const NpyArray a = Iota({10, 28, 28, 1});
  const DatasetView v(a, "x.npy", {1, 28, 28, 1}, DType::kFloat32, kMnistInput);
  EXPECT_EQ(v.num_samples(), 10u);
  EXPECT_TRUE(v.batched());
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(v.sample(i), a.data.data() + i * 784 * 4);
    EXPECT_EQ(FirstFloat(v.sample(i)), static_cast<float>(i * 784));
  }
  EXPECT_THROW(v.sample(10), Error);
}

TEST(DatasetView, InputWithoutBatchOne) {
  const NpyArray one = Iota({3, 4});
  EXPECT_EQ(DatasetView(one, "x.npy", {3, 4}, DType::kFloat32, "in").num_samples(), 1u);
  const NpyArray two = Iota({2, 3, 4});
  EXPECT_EQ(DatasetView(two, "x.npy", {3, 4}, DType::kFloat32, "in").num_samples(), 2u);
  // s0 = 3 is not a batch dim of 1, so [6,4] is not 6 samples of [4].
  const NpyArray six = Iota({6, 4});
  const std::string msg = ErrorOf(six, {3, 4}, DType::kFloat32);
  EXPECT_EQ(msg, "calib.npy: shape [6,4] does not match " + kMnistInput +
                     " [3,4] (expected [3,4] or [N,3,4])");
  const NpyArray flat = Iota({12});
  ErrorOf(flat, {3, 4}, DType::kFloat32);
}

TEST(DatasetView, ScalarInputAndEmptyDataset) {
  const NpyArray scalar = Iota({});
  EXPECT_EQ(DatasetView(scalar, "s.npy", {}, DType::kFloat32, "in").num_samples(), 1u);
  const NpyArray seven = Iota({7});
  const DatasetView v(seven, "s.npy", {}, DType::kFloat32, "in");
  EXPECT_EQ(v.num_samples(), 7u);
  EXPECT_EQ(v.bytes_per_sample(), 4u);
  const NpyArray none = Iota({0, 2});
  EXPECT_EQ(DatasetView(none, "e.npy", {1, 2}, DType::kFloat32, "in").num_samples(), 0u);
}

TEST(DatasetView, ShapeMismatchMessage) {
  const NpyArray a = Iota({1000, 28, 28});
  EXPECT_EQ(ErrorOf(a, {1, 28, 28, 1}, DType::kFloat32),
            "calib.npy: shape [1000,28,28] does not match model input 0 "
            "'serving_default_conv2d_input:0' [1,28,28,1] (expected [1,28,28,1] or "
            "[N,28,28,1])");
}

TEST(DatasetView, DTypeMismatchMessageNamesBoth) {
  NpyArray a = Iota({4, 28, 28, 1});
  a.dtype = DType::kInt32;  // same element size, different type
  const std::string msg = ErrorOf(a, {1, 28, 28, 1}, DType::kFloat32);
  EXPECT_EQ(msg,
            "calib.npy: dtype int32 does not match " + kMnistInput +
                " float32 (got int32 [4,28,28,1], expected float32 [1,28,28,1] or [N,28,28,1])");
}

TEST(DatasetView, UnknownInputDimIsAnError) {
  const NpyArray a = Iota({2, 3});
  const std::string msg = ErrorOf(a, {-1, 3}, DType::kFloat32);
  EXPECT_NE(msg.find("unknown dim"), std::string::npos) << msg;
}

TEST(DatasetView, FindsFirstNonFiniteSample) {
  NpyArray a = Iota({4, 3});
  const DatasetView v(a, "nan.npy", {1, 3}, DType::kFloat32, "in");
  EXPECT_FALSE(v.HasNonFinite());
  EXPECT_NO_THROW(v.CheckFinite());
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(a.data.data() + 4 * (3 * 3 + 2), &inf, 4);  // sample 3, element 2
  std::memcpy(a.data.data() + 4 * (2 * 3 + 1), &nan, 4);  // sample 2, element 1
  const auto bad = v.FindNonFinite();
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->sample, 2u);
  EXPECT_EQ(bad->element, 1u);
  EXPECT_TRUE(std::isnan(bad->value));
  try {
    v.CheckFinite();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "nan.npy: sample 2 holds NaN at element 1 (of 3 per sample)");
  }
}

TEST(DatasetView, NonFiniteFloat64AndIntegers) {
  NpyArray d;
  d.dtype = DType::kFloat64;
  d.shape = {2, 2};
  d.data.assign(32, 0);
  const double minus_inf = -std::numeric_limits<double>::infinity();
  std::memcpy(d.data.data() + 8 * 3, &minus_inf, 8);
  const auto bad = DatasetView(d, "d.npy", {2}, DType::kFloat64, "in").FindNonFinite();
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->sample, 1u);
  EXPECT_EQ(bad->element, 1u);
  EXPECT_EQ(bad->value, minus_inf);

  NpyArray i;
  i.dtype = DType::kUInt8;
  i.shape = {2, 2};
  i.data.assign(4, 0xff);
  EXPECT_FALSE(DatasetView(i, "u.npy", {2}, DType::kUInt8, "in").HasNonFinite());
}

TEST(DatasetView, RealMnistCalibrationSet) {
  TF_REQUIRE_SHARED();
  const NpyArray f32 = ReadNpy(kSharedDir + "/data/mnist/calib_images_f32.npy");
  const NpyArray u8 = ReadNpy(kSharedDir + "/data/mnist/calib_images.npy");
  const DatasetView v(f32, "calib_images_f32.npy", {1, 28, 28, 1}, DType::kFloat32, kMnistInput);
  EXPECT_EQ(v.num_samples(), 1000u);
  EXPECT_EQ(v.bytes_per_sample(), 3136u);
  EXPECT_FALSE(v.HasNonFinite());
  // README: the float images are uint8 / 255; sample 7 must be image 7.
  for (size_t k = 0; k < 784; ++k) {
    float value;
    std::memcpy(&value, v.sample(7) + 4 * k, 4);
    ASSERT_EQ(value, static_cast<float>(u8.data[7 * 784 + k] / 255.0)) << k;
  }
  // The uint8 images do not fit the float input, and say why.
  try {
    DatasetView bad(u8, "calib_images.npy", {1, 28, 28, 1}, DType::kFloat32, kMnistInput);
    FAIL() << "uint8 images accepted for a float32 input";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("calib_images.npy: dtype uint8"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[1000,28,28]"), std::string::npos) << msg;
  }
  // Labels: [1000] uint8 against a scalar-per-sample uint8 "input".
  const NpyArray labels = ReadNpy(kSharedDir + "/data/mnist/calib_labels.npy");
  EXPECT_EQ(DatasetView(labels, "calib_labels.npy", {1}, DType::kUInt8, "labels").num_samples(),
            1000u);
}

TEST(DatasetView, RealPersonInput) {
  TF_REQUIRE_SHARED();
  const NpyArray in = ReadNpy(kSharedDir + "/golden/person_detect/input_0.npy");
  const DatasetView v(in, "input_0.npy", {1, 96, 96, 1}, DType::kInt8, "model input 0 'input'");
  EXPECT_EQ(v.num_samples(), 1u);
  EXPECT_FALSE(v.batched());
  EXPECT_EQ(v.bytes_per_sample(), 9216u);
}

}  // namespace
}  // namespace tinyforge
