// preprocess.h: every numeric dtype through (v * scale - mean[c]) / std[c],
// with expected values written out by hand from the formula; the flags'
// parsing; and ConvertModelInput on non-float dtypes.
#include "libconvert/data/preprocess.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge {
namespace {

template <typename T>
NpyArray Make(std::vector<int64_t> shape, const std::vector<T>& values) {
  NpyArray a = NpyArray::Zeros(DTypeOf<T>::value, std::move(shape));
  std::memcpy(a.data.data(), values.data(), values.size() * sizeof(T));
  return a;
}

std::vector<float> Floats(const NpyArray& a) {
  EXPECT_EQ(a.dtype, DType::kFloat32);
  const Span<const float> v = a.View<float>();
  return std::vector<float>(v.begin(), v.end());
}

Preprocess Flags(const std::string& scale, std::vector<double> mean = {}, std::vector<double> stddev = {}) {
  return ParsePreprocess(scale, mean, stddev);
}

TEST(ApplyPreprocess, EveryNumericDType) {
  const Preprocess p = Flags("1/4");
  EXPECT_EQ(Floats(ApplyPreprocess(Make<uint8_t>({3}, {0, 2, 255}), p, Fraction(), "u8")),
            (std::vector<float>{0.0f, 0.5f, 63.75f}));
  EXPECT_EQ(Floats(ApplyPreprocess(Make<int8_t>({3}, {-128, -1, 127}), p, Fraction(), "i8")),
            (std::vector<float>{-32.0f, -0.25f, 31.75f}));
  EXPECT_EQ(Floats(ApplyPreprocess(Make<int16_t>({2}, {-32768, 32767}), p, Fraction(), "i16")),
            (std::vector<float>{-8192.0f, 8191.75f}));
  EXPECT_EQ(Floats(ApplyPreprocess(Make<int32_t>({2}, {-400, 1 << 24}), p, Fraction(), "i32")),
            (std::vector<float>{-100.0f, 4194304.0f}));
  EXPECT_EQ(Floats(ApplyPreprocess(Make<double>({2}, {1.5, -3.0}), p, Fraction(), "f64")),
            (std::vector<float>{0.375f, -0.75f}));
  EXPECT_EQ(Floats(ApplyPreprocess(Make<float>({2}, {8.0f, -0.5f}), p, Fraction(), "f32")),
            (std::vector<float>{2.0f, -0.125f}));
  // float16 bits 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504.
  NpyArray half = NpyArray::Zeros(DType::kFloat16, {3});
  const uint16_t bits[] = {0x3c00, 0xc000, 0x7bff};
  std::memcpy(half.data.data(), bits, sizeof bits);
  EXPECT_EQ(Floats(ApplyPreprocess(half, p, Fraction(), "f16")), (std::vector<float>{0.25f, -0.5f, 16376.0f}));
}

TEST(ApplyPreprocess, FractionIsDivisionLikeNumpy) {
  // numpy: np.float32(np.arange(256) / 255.0): v / 255 in float64, rounded once.
  NpyArray pixels = NpyArray::Zeros(DType::kUInt8, {256});
  for (int v = 0; v < 256; ++v) pixels.data[static_cast<size_t>(v)] = static_cast<uint8_t>(v);
  const std::vector<float> got = Floats(ApplyPreprocess(pixels, Flags("1/255"), Fraction(), "p"));
  for (int v = 0; v < 256; ++v) EXPECT_EQ(got[static_cast<size_t>(v)], static_cast<float>(v / 255.0)) << v;
}

TEST(ApplyPreprocess, MeanAndStdPerChannelAlongTheLastDim) {
  // Two samples of 3 channels: (v * 0.5 - mean[c]) / std[c].
  const NpyArray a = Make<uint8_t>({2, 3}, {10, 20, 30, 40, 50, 60});
  const NpyArray out = ApplyPreprocess(a, Flags("0.5", {1, 2, 3}, {1, 2, 4}), Fraction(), "rgb");
  EXPECT_EQ(Floats(out), (std::vector<float>{4.0f, 4.0f, 3.0f, 19.0f, 11.5f, 6.75f}));
  EXPECT_EQ(out.shape, a.shape);
  // The default scale applies when --scale is unset.
  EXPECT_EQ(Floats(ApplyPreprocess(a, Flags(""), Fraction{1, 10}, "d")),
            (std::vector<float>{1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}));
  try {
    ApplyPreprocess(a, Flags("1", {1, 2}), Fraction(), "rgb.npy");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("rgb.npy: --mean gives 2 values", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("3 channels"), std::string::npos) << e.what();
  }
}

TEST(ParsePreprocess, FractionsAndErrors) {
  EXPECT_FALSE(Flags("").given());
  EXPECT_TRUE(Flags("", {0.5}).given());
  EXPECT_DOUBLE_EQ(Flags("1/127.5").scale->value(), 1 / 127.5);
  EXPECT_DOUBLE_EQ(Flags("2").scale->value(), 2.0);
  for (const char* bad : {"abc", "1/0", "0", "1/", "/2", "nan", "inf", " 1"}) {
    try {
      Flags(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--scale: '", 0), 0u) << e.what();
      EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    }
  }
  EXPECT_THROW(Flags("", {}, {0}), Error);
  EXPECT_THROW(Flags("", {1.0 / 0.0}), Error);
}

// A one-op float model and its int8 twin over [1,4] inputs.
Model ReluModel(tflite::TensorType type) {
  ModelBuilder b;
  const Quant quant = type == tflite::TensorType_INT8 ? Quant::PerTensor(0.5f, -10) : Quant::None();
  const int x = b.AddTensor("x", type, {1, 4}, quant);
  const int y = b.AddTensor("y", type, {1, 4}, quant);
  b.AddOperator(tflite::BuiltinOperator_RELU, {x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build("relu.tflite");
}

TEST(ConvertModelInput, AnyNumericDTypeByValue) {
  const Model f = ReluModel(tflite::TensorType_FLOAT32);
  const NpyArray i16 = Make<int16_t>({2, 4}, {-3, 0, 1, 300, 7, 8, 9, -10});
  EXPECT_EQ(Floats(ConvertModelInput(f, 0, i16, "i16.npy", false)),
            (std::vector<float>{-3, 0, 1, 300, 7, 8, 9, -10}));

  const Model q = ReluModel(tflite::TensorType_INT8);
  // Its own dtype: unchanged, flags or not.
  const NpyArray i8 = Make<int8_t>({1, 4}, {-128, -10, 5, 127});
  EXPECT_EQ(ConvertModelInput(q, 0, i8, "i8.npy", true).data, i8.data);
  // uint8 values quantized as values: q = round(v / 0.5) - 10, clamped.
  const NpyArray u8 = Make<uint8_t>({1, 4}, {0, 3, 60, 200});
  const NpyArray got = ConvertModelInput(q, 0, u8, "u8.npy", true);
  ASSERT_EQ(got.dtype, DType::kInt8);
  const Span<const int8_t> v = got.View<int8_t>();
  EXPECT_EQ(std::vector<int8_t>(v.begin(), v.end()), (std::vector<int8_t>{-10, -4, 110, 127}));
  // Without quantize_floats: one line naming the file and the flag.
  try {
    ConvertModelInput(q, 0, u8, "u8.npy", false);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("u8.npy: dtype uint8 does not match model input 0", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("--quantize-inputs"), std::string::npos) << e.what();
  }
}

TEST(ApplyPreprocess, PerChannelAlongDim1ForChannelsFirst) {
  // [1,2,2,2]: channel c of element (c, y, x) is its dim-1 index.
  const NpyArray a = Make<float>({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  const NpyArray out = ApplyPreprocess(a, Flags("1", {1, 2}, {1, 2}), Fraction(), "nchw", 1);
  EXPECT_EQ(Floats(out), (std::vector<float>{0, 1, 2, 3, 1.5f, 2, 2.5f, 3}));
  try {
    ApplyPreprocess(a, Flags("1", {1, 2, 3}), Fraction(), "nchw.npy", 1);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("2 channels (dim 1)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tinyforge
