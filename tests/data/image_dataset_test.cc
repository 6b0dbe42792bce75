// Image directories as datasets: images written here with stb_image_write,
// loaded back, and compared with the preprocessing formula applied to the
// pixels we wrote (PNG and BMP are lossless: exact; JPG within a tolerance).
#include "libconvert/data/image_dataset.h"

#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/data/preprocess.h"
#include "libconvert/model/model_builder.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

// Pixels of test image `seed`: HWC, values spread over 0..255.
std::vector<uint8_t> Pattern(int height, int width, int channels, int seed) {
  std::vector<uint8_t> pixels;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) pixels.push_back(static_cast<uint8_t>((seed * 37 + y * 11 + x * 7 + c * 85) % 256));
    }
  }
  return pixels;
}

// A smooth image (JPEG keeps it nearly intact).
std::vector<uint8_t> Gradient(int height, int width, int channels) {
  std::vector<uint8_t> pixels;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) pixels.push_back(static_cast<uint8_t>(40 + 4 * x + 3 * y + 30 * c));
    }
  }
  return pixels;
}

void WriteImage(const std::string& path, int height, int width, int channels, const std::vector<uint8_t>& pixels) {
  const std::string ext = fs::path(path).extension().string();
  int ok = 0;
  if (ext == ".png" || ext == ".PNG") {
    ok = stbi_write_png(path.c_str(), width, height, channels, pixels.data(), width * channels);
  } else if (ext == ".bmp") {
    ok = stbi_write_bmp(path.c_str(), width, height, channels, pixels.data());
  } else {
    ok = stbi_write_jpg(path.c_str(), width, height, channels, pixels.data(), 100);
  }
  ASSERT_NE(ok, 0) << path;
}

// The formula of image_dataset.h, for image `pixels` (HWC, 3 channels).
std::vector<float> Expected(const std::vector<uint8_t>& pixels, double scale, const std::vector<double>& mean,
                            const std::vector<double>& stddev, int channels) {
  std::vector<float> out;
  for (size_t i = 0; i < pixels.size(); ++i) {
    const size_t c = i % static_cast<size_t>(channels);
    const double m = mean.size() == 1 ? mean[0] : mean[c];
    const double s = stddev.size() == 1 ? stddev[0] : stddev[c];
    out.push_back(static_cast<float>((pixels[i] * scale - m) / s));
  }
  return out;
}

// Floats of image i of a [N,H,W,C] array.
std::vector<float> ImageValues(const NpyArray& a, size_t i) {
  const size_t per_image = a.NumElements() / static_cast<size_t>(a.shape[0]);
  const Span<const float> v = a.View<float>();
  return std::vector<float>(v.begin() + static_cast<std::ptrdiff_t>(i * per_image),
                            v.begin() + static_cast<std::ptrdiff_t>((i + 1) * per_image));
}

std::string ErrorOf(const std::string& dir, const ImagePreprocess& p) {
  try {
    LoadImageDataset(dir, p);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for " << dir;
  return "";
}

std::string ParseError(const std::string& size, const std::string& scale, const std::vector<double>& mean,
                       const std::vector<double>& stddev, bool grayscale = false) {
  try {
    ParseImagePreprocess(size, scale, mean, stddev, grayscale);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    return e.what();
  }
  ADD_FAILURE() << "no error for size '" << size << "' scale '" << scale << "'";
  return "";
}

class ImageDataset : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("image_dataset"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ImageDataset, PngAndBmpAreExact) {
  const auto a = Pattern(4, 5, 3, 1), b = Pattern(4, 5, 3, 2);
  WriteImage(dir_ + "/a.png", 4, 5, 3, a);
  WriteImage(dir_ + "/b.bmp", 4, 5, 3, b);
  const NpyArray out = LoadImageDataset(dir_, ImagePreprocess{});
  EXPECT_EQ(out.dtype, DType::kFloat32);
  EXPECT_EQ(out.shape, (std::vector<int64_t>{2, 4, 5, 3}));
  // The default is [0, 1]: pixel / 255 (computed in double).
  std::vector<float> want_a, want_b;
  for (uint8_t p : a) want_a.push_back(static_cast<float>(p / 255.0));
  for (uint8_t p : b) want_b.push_back(static_cast<float>(p / 255.0));
  EXPECT_EQ(ImageValues(out, 0), want_a);
  EXPECT_EQ(ImageValues(out, 1), want_b);
}

TEST_F(ImageDataset, JpgWithinTolerance) {
  const auto pixels = Gradient(16, 16, 3);
  WriteImage(dir_ + "/x.jpg", 16, 16, 3, pixels);
  ImagePreprocess p;
  p.scale = 1.0;
  const NpyArray out = LoadImageDataset(dir_, p);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{1, 16, 16, 3}));
  const std::vector<float> got = ImageValues(out, 0);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], pixels[i], 8.0) << "element " << i;  // JPEG at quality 100 on a smooth image
  }
}

TEST_F(ImageDataset, SortedByNameAndOtherFilesIgnored) {
  // Each image is one gray level, so its position shows the order.
  const std::vector<std::pair<std::string, int>> files = {
      {"b.png", 20}, {"A.PNG", 10}, {"c.jpeg", 200}, {"B2.bmp", 90}, {"a.JPG", 150}};
  for (const auto& [name, level] : files) {
    WriteImage(dir_ + "/" + name, 3, 3, 3, std::vector<uint8_t>(27, static_cast<uint8_t>(level)));
  }
  std::ofstream(dir_ + "/notes.txt") << "not an image";
  std::ofstream(dir_ + "/image.png.txt") << "not an image";
  fs::create_directories(dir_ + "/sub.png");
  WriteImage(dir_ + "/sub.png/inner.png", 3, 3, 3, std::vector<uint8_t>(27, 1));
  ImagePreprocess p;
  p.scale = 1.0;
  const NpyArray out = LoadImageDataset(dir_, p);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{5, 3, 3, 3}));
  // Byte order of names: A.PNG, B2.bmp, a.JPG, b.png, c.jpeg.
  const std::vector<int> want = {10, 90, 150, 20, 200};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(ImageValues(out, i)[4], want[i], 2.0) << "image " << i;  // JPG: near
  }
  // Loading again gives the same bytes.
  EXPECT_EQ(LoadImageDataset(dir_, p).data, out.data);
}

TEST_F(ImageDataset, GrayscaleDecodesOneChannel) {
  const auto gray = Pattern(6, 4, 1, 3);
  WriteImage(dir_ + "/g.png", 6, 4, 1, gray);
  ImagePreprocess p;
  p.grayscale = true;
  p.scale = 1.0;
  const NpyArray out = LoadImageDataset(dir_, p);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{1, 6, 4, 1}));
  EXPECT_EQ(ImageValues(out, 0), std::vector<float>(gray.begin(), gray.end()));

  // Without --grayscale a gray image is repeated into R, G and B.
  p.grayscale = false;
  const NpyArray rgb = LoadImageDataset(dir_, p);
  ASSERT_EQ(rgb.shape, (std::vector<int64_t>{1, 6, 4, 3}));
  const std::vector<float> values = ImageValues(rgb, 0);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i], gray[i / 3]) << i;
}

TEST_F(ImageDataset, GrayscaleOfColorIsLuma) {
  const auto rgb = Pattern(5, 5, 3, 4);
  WriteImage(dir_ + "/c.png", 5, 5, 3, rgb);
  ImagePreprocess p;
  p.grayscale = true;
  p.scale = 1.0;
  const std::vector<float> got = ImageValues(LoadImageDataset(dir_, p), 0);
  ASSERT_EQ(got.size(), 25u);
  for (size_t i = 0; i < got.size(); ++i) {
    // ITU-R BT.601 luma; stb rounds its integer approximation down.
    const double luma = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
    EXPECT_NEAR(got[i], luma, 1.5) << "pixel " << i;
  }
}

TEST_F(ImageDataset, ResizesToTheGivenSize) {
  // A constant image stays constant whatever the filter; sizes differ per
  // file, both down and up.
  WriteImage(dir_ + "/big.png", 12, 9, 3, std::vector<uint8_t>(12 * 9 * 3, 77));
  WriteImage(dir_ + "/small.bmp", 2, 3, 3, std::vector<uint8_t>(2 * 3 * 3, 200));
  WriteImage(dir_ + "/same.png", 4, 6, 3, Pattern(4, 6, 3, 5));
  ImagePreprocess p = ParseImagePreprocess("4x6", "1", {}, {}, false);
  EXPECT_EQ(p.height, 4);
  EXPECT_EQ(p.width, 6);
  const NpyArray out = LoadImageDataset(dir_, p);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{3, 4, 6, 3}));
  for (float v : ImageValues(out, 0)) EXPECT_NEAR(v, 77, 1.0);
  // An image already at the size is not resampled.
  const auto same = Pattern(4, 6, 3, 5);
  EXPECT_EQ(ImageValues(out, 1), std::vector<float>(same.begin(), same.end()));
  for (float v : ImageValues(out, 2)) EXPECT_NEAR(v, 200, 1.0);

  p = ParseImagePreprocess("5", "1", {}, {}, false);
  EXPECT_EQ(LoadImageDataset(dir_, p).shape, (std::vector<int64_t>{3, 5, 5, 3}));
}

TEST_F(ImageDataset, DifferentSizesNeedImageSize) {
  WriteImage(dir_ + "/a.png", 4, 4, 3, Pattern(4, 4, 3, 1));
  WriteImage(dir_ + "/b.png", 4, 5, 3, Pattern(4, 5, 3, 1));
  const std::string e = ErrorOf(dir_, ImagePreprocess{});
  EXPECT_NE(e.find("b.png: the image is 4x5"), std::string::npos) << e;
  EXPECT_NE(e.find("a.png is 4x4"), std::string::npos) << e;
  EXPECT_NE(e.find("--image-size"), std::string::npos) << e;
}

TEST_F(ImageDataset, MeanAndStdPerChannel) {
  const auto pixels = Pattern(3, 4, 3, 6);
  WriteImage(dir_ + "/a.png", 3, 4, 3, pixels);
  // [-1, 1] as MobileNet wants it.
  ImagePreprocess p = ParseImagePreprocess("", "1/127.5", {1}, {}, false);
  EXPECT_EQ(ImageValues(LoadImageDataset(dir_, p), 0), Expected(pixels, 1 / 127.5, {1}, {1}, 3));
  std::vector<float> minus_one_to_one;
  for (uint8_t v : pixels) minus_one_to_one.push_back(static_cast<float>(v / 127.5 - 1));
  EXPECT_EQ(ImageValues(LoadImageDataset(dir_, p), 0), minus_one_to_one);
  // ImageNet statistics, one per channel.
  const std::vector<double> mean = {0.485, 0.456, 0.406}, stddev = {0.229, 0.224, 0.225};
  p = ParseImagePreprocess("", "0.00392156862745098", mean, stddev, false);
  const std::vector<float> got = ImageValues(LoadImageDataset(dir_, p), 0);
  const std::vector<float> want = Expected(pixels, 1 / 255.0, mean, stddev, 3);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << i;
  // Channel 0 of pixel 0 by hand.
  EXPECT_NEAR(got[0], (pixels[0] / 255.0 - 0.485) / 0.229, 1e-6);
}

TEST_F(ImageDataset, Errors) {
  // No image in the directory.
  std::ofstream(dir_ + "/readme.txt") << "x";
  std::string e = ErrorOf(dir_, ImagePreprocess{});
  EXPECT_EQ(e.rfind(dir_ + ": no .png", 0), 0u) << e;
  // A missing directory.
  e = ErrorOf(dir_ + "/missing", ImagePreprocess{});
  EXPECT_EQ(e.rfind(dir_ + "/missing: cannot read", 0), 0u) << e;
  // A corrupt image, named with stb's reason.
  WriteImage(dir_ + "/good.png", 2, 2, 3, Pattern(2, 2, 3, 1));
  std::ofstream(dir_ + "/broken.png", std::ios::binary) << "\x89PNG not really";
  e = ErrorOf(dir_, ImagePreprocess{});
  EXPECT_EQ(e.rfind(dir_ + "/broken.png: cannot decode the image (stb: ", 0), 0u) << e;
  // Bad preprocessing values, in the library and from the flags.
  ImagePreprocess p;
  p.stddev = {0};
  EXPECT_NE(ErrorOf(dir_, p).find("--std"), std::string::npos);
  p = ImagePreprocess{};
  p.mean = {1, 2};
  EXPECT_NE(ErrorOf(dir_, p).find("--mean: 2 values"), std::string::npos);
  EXPECT_NE(ParseError("", "1/255", {}, {0}).find("--std: 0 holds 0"), std::string::npos);
  EXPECT_NE(ParseError("", "1/255", {}, {1, 1, 0}).find("--std"), std::string::npos);
  EXPECT_NE(ParseError("", "1/255", {0.5, 0.5, 0.5}, {}, true).find("--mean: 3 values"), std::string::npos);
  EXPECT_NE(ParseError("", "1/255", {}, {1, 2}).find("one per channel (3"), std::string::npos);
  for (const char* size : {"28x", "x28", "0", "0x4", "-3", "abc", "28x28x3", "1x99999"}) {
    EXPECT_NE(ParseError(size, "1/255", {}, {}).find("--image-size: '"), std::string::npos) << size;
  }
  EXPECT_DOUBLE_EQ(ParseImagePreprocess("", "", {}, {}, false).scale, 1 / 255.0);  // "": the default
  for (const char* scale : {"abc", "1/0", "0", "1/", "nan", "inf"}) {
    EXPECT_NE(ParseError("", scale, {}, {}).find("--scale"), std::string::npos) << scale;
  }
  EXPECT_EQ(ParseImagePreprocess("28X32", "2", {}, {}, false).width, 32);
  EXPECT_DOUBLE_EQ(ParseImagePreprocess("", "1/127.5", {}, {}, false).scale, 1 / 127.5);
}

// A float model with one input 'image' of `shape` (RELU to an output of the
// same shape).
Model ModelWithInput(const std::vector<int32_t>& shape) {
  ModelBuilder b;
  const int x = b.AddTensor("image", tflite::TensorType_FLOAT32, shape);
  const int y = b.AddTensor("out", tflite::TensorType_FLOAT32, shape);
  b.AddOperator(tflite::BuiltinOperator_RELU, {x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build("image_model.tflite");
}

// Input [1,4,6,C].
Model ImageModel(int channels) { return ModelWithInput({1, 4, 6, channels}); }

TEST_F(ImageDataset, ModelInputsFromImagesOrNpy) {
  WriteImage(dir_ + "/a.png", 4, 6, 3, Pattern(4, 6, 3, 1));
  WriteImage(dir_ + "/b.png", 8, 8, 3, Pattern(8, 8, 3, 2));
  const Model model = ImageModel(1);
  // Fits with the size and one channel.
  DataOptions fit;
  fit.image_size = "4x6";
  fit.grayscale = true;
  const ModelInputArrays inputs = ReadModelInputs(model, {dir_}, false, fit);
  ASSERT_EQ(inputs.arrays.size(), 1u);
  EXPECT_EQ(inputs.arrays[0].shape, (std::vector<int64_t>{2, 4, 6, 1}));
  EXPECT_EQ(inputs.names[0], dir_);
  EXPECT_EQ(ViewModelInputs(model, inputs)[0].num_samples(), 2u);

  // Neither size nor channels fit: what the images gave, what the input
  // expects, and the flags.
  try {
    DataOptions misfit;
    misfit.image_size = "8";
    ReadModelInputs(model, {dir_}, false, misfit);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    // (A one-channel input decodes gray without --grayscale.)
    EXPECT_EQ(m, dir_ + ": the images give float32 [2,8,8,1] (2 images, 8x8, 1 channel), but model input 0 "
                        "'image' [1,4,6,1] float32 expects [N,4,6,1]; pass --image-size 4x6");
  }
  try {
    ReadModelInputs(ImageModel(3), {dir_}, false, fit);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expects [N,4,6,3]; pass without --grayscale"), std::string::npos)
        << e.what();
  }
  // The count of paths is checked.
  EXPECT_THROW(ReadModelInputs(model, {dir_, dir_}, false, fit), Error);

  // A .npy path still goes through ReadModelInputs.
  NpyArray npy = NpyArray::Zeros(DType::kFloat32, {3, 4, 6, 1});
  WriteNpy(dir_ + "/x.npy", npy);
  EXPECT_EQ(ReadModelInputs(model, {dir_ + "/x.npy"}, false, fit).arrays[0].shape, npy.shape);
}

// Input [1,C,4,6], channels first.
Model ChannelsFirstModel(int channels) { return ModelWithInput({1, channels, 4, 6}); }

TEST_F(ImageDataset, ChannelsFirstInputsGetImagesTransposedAndPerChannelStatsOnDim1) {
  const std::vector<uint8_t> pixels = Pattern(4, 6, 3, 5);
  WriteImage(dir_ + "/a.png", 4, 6, 3, pixels);
  DataOptions nchw;
  nchw.layout = Layout::kNchw;
  nchw.preprocess = ParsePreprocess("1/255", {0.5, 0.25, 0.125}, {2, 4, 8});
  const ModelInputArrays in = ReadModelInputs(ChannelsFirstModel(3), {dir_}, false, nchw);
  ASSERT_EQ(in.arrays[0].shape, (std::vector<int64_t>{1, 3, 4, 6}));
  const Span<const float> got = in.arrays[0].View<float>();
  const double mean[3] = {0.5, 0.25, 0.125}, stddev[3] = {2, 4, 8};
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < 4; ++y) {
      for (int x = 0; x < 6; ++x) {
        const double p = pixels[static_cast<size_t>((y * 6 + x) * 3 + c)];
        EXPECT_NEAR(got[static_cast<size_t>((c * 4 + y) * 6 + x)], (p / 255.0 - mean[c]) / stddev[c], 1e-6)
            << c << "," << y << "," << x;
      }
    }
  }
  // Without --layout nchw the same model is refused, naming the flag.
  try {
    ReadModelInputs(ChannelsFirstModel(3), {dir_}, false, DataOptions());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--layout nchw"), std::string::npos) << e.what();
  }
}

TEST_F(ImageDataset, WithoutFlagsImagesAreResizedToTheInputAndGrayForOneChannel) {
  WriteImage(dir_ + "/a.png", 8, 12, 3, Pattern(8, 12, 3, 1));
  const ModelInputArrays gray = ReadModelInputs(ImageModel(1), {dir_}, false, DataOptions());
  EXPECT_EQ(gray.arrays[0].shape, (std::vector<int64_t>{1, 4, 6, 1}));
  DataOptions explicit_flags;
  explicit_flags.image_size = "4x6";
  explicit_flags.grayscale = true;
  EXPECT_EQ(gray.arrays[0].data, ReadModelInputs(ImageModel(1), {dir_}, false, explicit_flags).arrays[0].data);
  const ModelInputArrays rgb = ReadModelInputs(ImageModel(3), {dir_}, false, DataOptions());
  EXPECT_EQ(rgb.arrays[0].shape, (std::vector<int64_t>{1, 4, 6, 3}));
}

}  // namespace
}  // namespace tinyforge
