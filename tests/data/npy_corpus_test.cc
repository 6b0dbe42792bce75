// Every .npy of the shared corpus reads, re-encodes byte-identical, and holds what its README says.
#include "tests/data/npy_test_util.h"

namespace tinyforge {
namespace {

TEST(NpyCorpus, EveryFileRereadsAndReencodesByteIdentical) {
  TF_REQUIRE_SHARED();
  size_t count = 0;
  for (const char* sub : {"data", "golden"}) {
    const fs::path root = fs::path(kSharedDir) / sub;
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".npy") continue;
      const std::string path = entry.path().string();
      SCOPED_TRACE(path);
      const NpyArray a = ReadNpy(path);
      // numpy.save wrote these: our encoding of the same array must match.
      std::vector<uint8_t> ours = EncodeNpyHeader(a.dtype, a.shape);
      ours.insert(ours.end(), a.data.begin(), a.data.end());
      EXPECT_TRUE(ours == Slurp(path));
      ++count;
    }
  }
  EXPECT_GE(count, 100u) << "expected the full corpus under " << kSharedDir;
}

TEST(NpyCorpus, MnistLabels) {
  TF_REQUIRE_SHARED();
  const NpyArray labels = ReadNpy(kSharedDir + "/data/mnist/calib_labels.npy");
  EXPECT_EQ(labels.dtype, DType::kUInt8);
  ASSERT_EQ(labels.shape, std::vector<int64_t>{1000});
  int counts[10] = {};
  for (uint8_t l : labels.View<uint8_t>()) {
    ASSERT_LT(l, 10);
    ++counts[l];
  }
  for (int c = 0; c < 10; ++c) EXPECT_GT(counts[c], 50) << "class " << c;
}

// README: calib_images_f32 = calib_images / 255.0 computed in float64, stored
// float32.
TEST(NpyCorpus, MnistFloatImagesAreUint8Over255) {
  TF_REQUIRE_SHARED();
  const NpyArray u8 = ReadNpy(kSharedDir + "/data/mnist/calib_images.npy");
  const NpyArray f32 = ReadNpy(kSharedDir + "/data/mnist/calib_images_f32.npy");
  EXPECT_EQ(u8.shape, (std::vector<int64_t>{1000, 28, 28}));
  EXPECT_EQ(f32.shape, (std::vector<int64_t>{1000, 28, 28, 1}));
  const Span<const uint8_t> pixels = u8.View<uint8_t>();
  const Span<const float> values = f32.View<float>();
  ASSERT_EQ(pixels.size(), values.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < pixels.size(); ++i) {
    if (values[i] != static_cast<float>(pixels[i] / 255.0)) ++mismatches;
  }
  EXPECT_EQ(mismatches, 0u);
}

// README: person.npy holds the BMP's pixels (top row first) and
// person_input_int8.npy the same bytes as the int8 model input.
TEST(NpyCorpus, PersonImageMatchesBmpAndInt8Input) {
  TF_REQUIRE_SHARED();
  const NpyArray image = ReadNpy(kSharedDir + "/data/person/person.npy");
  const NpyArray input = ReadNpy(kSharedDir + "/data/person/person_input_int8.npy");
  EXPECT_EQ(image.dtype, DType::kUInt8);
  EXPECT_EQ(image.shape, (std::vector<int64_t>{96, 96}));
  EXPECT_EQ(input.dtype, DType::kInt8);
  EXPECT_EQ(input.shape, (std::vector<int64_t>{1, 96, 96, 1}));
  EXPECT_EQ(image.data, input.data);

  const std::vector<uint8_t> bmp = Slurp(kSharedDir + "/data/person/person.bmp");
  ASSERT_GT(bmp.size(), 54u);
  const auto le32 = [&](size_t at) {
    return static_cast<int32_t>(bmp[at] | bmp[at + 1] << 8 | bmp[at + 2] << 16 |
                                static_cast<uint32_t>(bmp[at + 3]) << 24);
  };
  const size_t offset = static_cast<size_t>(le32(10));
  const int32_t height = le32(22);
  ASSERT_EQ(le32(18), 96);
  ASSERT_EQ(std::abs(height), 96);
  ASSERT_GE(bmp.size(), offset + 96 * 96);
  for (size_t r = 0; r < 96; ++r) {
    const size_t bmp_row = height > 0 ? 95 - r : r;  // positive height: bottom-up
    for (size_t c = 0; c < 96; ++c) {
      ASSERT_EQ(image.data[r * 96 + c], bmp[offset + bmp_row * 96 + c]) << r << "," << c;
    }
  }
}

TEST(NpyCorpus, GoldenPersonDetect) {
  TF_REQUIRE_SHARED();
  const NpyArray in = ReadNpy(kSharedDir + "/golden/person_detect/input_0.npy");
  EXPECT_EQ(in.dtype, DType::kInt8);
  EXPECT_EQ(in.shape, (std::vector<int64_t>{1, 96, 96, 1}));
  EXPECT_EQ(in.data.size(), 9216u);
  const NpyArray out = ReadNpy(kSharedDir + "/golden/person_detect/output_0.npy");
  EXPECT_EQ(out.dtype, DType::kInt8);
  EXPECT_EQ(out.shape, (std::vector<int64_t>{1, 2}));
  // The last two bytes of the file are the data.
  const std::vector<uint8_t> raw = Slurp(kSharedDir + "/golden/person_detect/output_0.npy");
  EXPECT_EQ(out.data, std::vector<uint8_t>(raw.end() - 2, raw.end()));
  const NpyArray eq = ReadNpy(kSharedDir + "/golden/single_equal/output_0.npy");
  EXPECT_EQ(eq.dtype, DType::kBool);
  EXPECT_EQ(eq.shape, (std::vector<int64_t>{2, 3}));
}

}  // namespace
}  // namespace tinyforge
