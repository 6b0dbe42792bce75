// Not a test: writes the seed corpora of the fuzz targets, one folder per
// target under OUT_DIR, from what tinyforge builds in code (so the seeds
// need no corpus and are the same on every machine):
//   model/        every one-operator example model (every kernel-table row)
//   npy/          small arrays of every dtype, as WriteNpy writes them
//   image/        tiny PNG, BMP, TGA and JPEG images (stb_image_write)
//   calibration/  the calibration table of CalibrationModel() on random data
//   reverse/      a small model as emit's tflite and c sources
// scripts/fuzz.sh adds the small real models of the shared corpus to model/.
//
//   make_fuzz_seeds OUT_DIR
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <stb_image_write.h>

#include "emit/byte_io.h"
#include "emit/c_array.h"
#include "libconvert/base/file_util.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/data/npy.h"
#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "tests/fuzz/fuzz_entry.h"

namespace fs = std::filesystem;

namespace {

void WriteBytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  tinyforge::WriteFileAtomic(path.string(), bytes.data(), bytes.size());
}

void WriteModelSeeds(const fs::path& dir) {
  for (const tinyforge::interp::OpExample& example : tinyforge::interp::OpExamples()) {
    WriteBytes(dir / (example.name + ".tflite"), tinyforge::SerializeModel(example.build()));
  }
}

void WriteNpySeeds(const fs::path& dir) {
  const std::vector<std::vector<int64_t>> shapes = {{}, {3}, {2, 3}, {1, 2, 2, 1}};
  for (size_t d = 0; d < tinyforge::kNumDTypes; ++d) {
    const auto dtype = static_cast<tinyforge::DType>(d);
    for (size_t s = 0; s < shapes.size(); ++s) {
      const tinyforge::NpyArray a = tinyforge::NpyArray::Zeros(dtype, shapes[s]);
      tinyforge::WriteNpy((dir / (std::string(tinyforge::DTypeName(dtype)) + "_" + std::to_string(s) + ".npy")).string(), a);
    }
  }
}

void WriteImageSeeds(const fs::path& dir) {
  const int w = 5, h = 4;
  for (int channels : {1, 3}) {
    std::vector<unsigned char> pixels(static_cast<size_t>(w * h * channels));
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<unsigned char>(i * 37);
    const std::string stem = (dir / ("c" + std::to_string(channels))).string();
    stbi_write_png((stem + ".png").c_str(), w, h, channels, pixels.data(), w * channels);
    stbi_write_bmp((stem + ".bmp").c_str(), w, h, channels, pixels.data());
    stbi_write_tga((stem + ".tga").c_str(), w, h, channels, pixels.data());
    stbi_write_jpg((stem + ".jpg").c_str(), w, h, channels, pixels.data(), 90);
  }
}

void WriteCalibrationSeed(const fs::path& dir) {
  const tinyforge::Model& model = tinyforge::fuzz::CalibrationModel();
  const tflite::TensorT& input = model.tensor(0, model.subgraph(0).inputs.at(0));
  std::vector<int64_t> shape = {4};
  shape.insert(shape.end(), input.shape.begin() + 1, input.shape.end());
  tinyforge::NpyArray samples = tinyforge::NpyArray::Zeros(tinyforge::DType::kFloat32, shape);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (float& x : samples.MutableView<float>()) x = uniform(rng);
  const tinyforge::ModelInputArrays arrays{{std::move(samples)}, {"random.npy"}};
  tinyforge::quantize::CalibrationOptions options;
  options.threads = 1;
  const tinyforge::quantize::CalibrationTable table =
      tinyforge::quantize::Calibrate(model, tinyforge::ViewModelInputs(model, arrays), options);
  const std::string text = tinyforge::quantize::CalibrationToJson(table).dump(1) + "\n";
  tinyforge::WriteFileAtomic((dir / "minmax.json").string(), text.data(), text.size());
}

void WriteReverseSeeds(const fs::path& dir) {
  const std::vector<uint8_t> model = tinyforge::SerializeModel(tinyforge::interp::OpExamples().front().build());
  for (tinyforge::emit::Format format : {tinyforge::emit::Format::kTflm, tinyforge::emit::Format::kC}) {
    tinyforge::emit::ArrayOptions options;
    options.format = format;
    options.name = "g_model";
    options.line_width = 40;
    tinyforge::emit::MemorySource source(model.data(), model.size());
    std::string text;
    tinyforge::emit::StringSink sink(text);
    tinyforge::emit::WriteArraySource(source, options, {"model.tflite", model.size(), "", nullptr}, "", sink);
    const std::string name = format == tinyforge::emit::Format::kTflm ? "model_data.cc" : "model_data.c";
    tinyforge::WriteFileAtomic((dir / name).string(), text.data(), text.size());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];
  try {
    for (const char* target : {"model", "npy", "image", "calibration", "reverse"}) fs::create_directories(out / target);
    WriteModelSeeds(out / "model");
    WriteNpySeeds(out / "npy");
    WriteImageSeeds(out / "image");
    WriteCalibrationSeed(out / "calibration");
    WriteReverseSeeds(out / "reverse");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_fuzz_seeds: %s\n", e.what());
    return 3;
  }
  return 0;
}
