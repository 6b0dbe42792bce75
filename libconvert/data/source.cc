#include "libconvert/data/source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "libconvert/base/error.h"
#include "libconvert/data/csv_dataset.h"
#include "libconvert/data/image_dataset.h"
#include "libconvert/data/wav_dataset.h"
#include "libconvert/data/model_inputs.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

// The preprocessing of an image folder for an input of `shape`: without
// --image-size, the input's H x W; a one-channel input decodes gray.
ImagePreprocess ImageOptions(const DataOptions& o, const std::vector<int32_t>& shape) {
  std::string size = o.image_size;
  bool gray = o.grayscale;
  if (const std::optional<ImageDims> dims = ImageInputDims(shape, o.layout)) {
    if (size.empty() && dims->height > 0 && dims->width > 0) {
      size = std::to_string(dims->height) + "x" + std::to_string(dims->width);
    }
    gray = gray || dims->channels == 1;
  }
  ImagePreprocess p = ParseImagePreprocess(size, "", o.preprocess.mean, o.preprocess.stddev, gray);
  if (o.preprocess.scale) p.scale = o.preprocess.scale->value();
  return p;
}

// Datasets ship images without a channel dim of 1 (MNIST's [N,28,28] for an
// input [1,28,28,1]): such an array gets the dim appended, the bytes as they are.
void AddMissingChannelDim(NpyArray& array, const std::vector<int32_t>& input) {
  if (input.size() < 3 || input.front() != 1 || input.back() != 1 || array.shape.size() + 1 != input.size()) return;
  for (size_t i = 1; i + 1 < input.size(); ++i) {
    if (array.shape[i] != input[i]) return;
  }
  array.shape.push_back(1);
}

}  // namespace

ClipMode ParseClipMode(const std::string& text) {
  if (text == "pad") return ClipMode::kPad;
  if (text == "cut") return ClipMode::kCut;
  if (text == "error") return ClipMode::kError;
  throw Error("--clip: '" + text + "' is not one of pad, cut, error");
}

Layout ParseLayout(const std::string& text) {
  if (text == "nhwc") return Layout::kNhwc;
  if (text == "nchw") return Layout::kNchw;
  throw Error("--layout: '" + text + "' is not one of nhwc (channels last), nchw (channels first)");
}

std::optional<size_t> ChannelAxis(const std::vector<int64_t>& shape, Layout layout) {
  if (layout == Layout::kNchw && shape.size() >= 3) return 1;
  return std::nullopt;  // the last
}

SourceKind SourceKindOf(const std::string& path) {
  std::error_code ec;
  if (IsWavSource(path)) return SourceKind::kWav;
  if (fs::is_directory(path, ec)) return IsCsvFolder(path) ? SourceKind::kCsv : SourceKind::kImages;
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".csv" ? SourceKind::kCsv : SourceKind::kNpy;
}

Samples LoadSamples(const std::string& path, const DataOptions& options, const std::vector<int32_t>& input_shape,
                    DType input_dtype) {
  switch (SourceKindOf(path)) {
    case SourceKind::kCsv: {
      std::error_code ec;
      const bool folder = fs::is_directory(path, ec);
      if (folder && !options.label_column.empty()) {
        throw Error(path + ": --label-column: a folder of CSV files takes its labels from class folders");
      }
      Samples s = folder ? LoadCsvFolder(path, input_shape) : LoadCsv(path, input_shape, options.label_column);
      s.array = ApplyPreprocess(s.array, options.preprocess, Fraction(), path, ChannelAxis(s.array.shape, options.layout));
      return s;
    }
    case SourceKind::kWav: {
      Samples s = LoadWav(path, input_shape, options.clip);
      if (options.preprocess.given() || input_dtype != DType::kInt16) {
        s.array = ApplyPreprocess(s.array, options.preprocess, Fraction{1, 32768}, path);
      }
      return s;
    }
    case SourceKind::kImages: {
      Samples s = LoadImageFolder(path, ImageOptions(options, input_shape));
      if (options.layout == Layout::kNchw) s.array = ImagesToChannelsFirst(s.array);
      return s;
    }
    case SourceKind::kNpy: {
      Samples s;
      s.array = ReadNpy(path);
      if (options.preprocess.given()) {
        s.array = ApplyPreprocess(s.array, options.preprocess, Fraction(), path, ChannelAxis(s.array.shape, options.layout));
      }
      return s;
    }
  }
  throw Error(path + ": unknown source kind", ErrorCode::kInternal);
}

ModelInputArrays LoadModelData(const Model& model, const std::vector<std::string>& paths,
                               const DataOptions& options) {
  const auto& g = model.subgraph(0);
  if (paths.size() != g.inputs.size()) {
    throw Error(model.source() + ": the model has " + std::to_string(g.inputs.size()) + " input" +
                (g.inputs.size() == 1 ? "" : "s") + " but " + std::to_string(paths.size()) + " data source" +
                (paths.size() == 1 ? " was" : "s were") +
                " given (one .npy file, image folder, CSV or WAV source per model input, in order)");
  }
  ModelInputArrays result;
  for (size_t k = 0; k < paths.size(); ++k) {
    const tflite::TensorT& input = model.tensor(0, g.inputs[k]);
    const std::vector<int32_t>& shape = input.shape;
    Samples samples = LoadSamples(paths[k], options, shape, NpyDTypeOf(input.type).value_or(DType::kFloat32));
    AddMissingChannelDim(samples.array, shape);
    if (SourceKindOf(paths[k]) == SourceKind::kImages) CheckImagesFitInput(model, k, samples.array, paths[k], options.layout);
    result.arrays.push_back(std::move(samples.array));
    result.names.push_back(paths[k]);
    if (result.labels.empty() && !samples.labels.empty()) {
      result.labels = std::move(samples.labels);
      result.classes = std::move(samples.classes);
    }
  }
  return result;
}

ModelInputArrays ReadModelInputs(const Model& model, const std::vector<std::string>& paths, bool quantize_floats,
                                 const DataOptions& options) {
  ModelInputArrays result = LoadModelData(model, paths, options);
  for (size_t k = 0; k < result.arrays.size(); ++k) {
    result.arrays[k] = ConvertModelInput(model, k, std::move(result.arrays[k]), result.names[k], quantize_floats);
  }
  return result;
}

}  // namespace tinyforge
