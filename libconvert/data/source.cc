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

ImagePreprocess ImageOptions(const DataOptions& o) {
  ImagePreprocess p = ParseImagePreprocess(o.image_size, "", o.preprocess.mean, o.preprocess.stddev, o.grayscale);
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

SourceKind SourceKindOf(const std::string& path) {
  std::error_code ec;
  if (IsWavSource(path)) return SourceKind::kWav;
  if (fs::is_directory(path, ec)) return SourceKind::kImages;
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".csv" ? SourceKind::kCsv : SourceKind::kNpy;
}

Samples LoadSamples(const std::string& path, const DataOptions& options, const std::vector<int32_t>& input_shape,
                    DType input_dtype) {
  switch (SourceKindOf(path)) {
    case SourceKind::kCsv: {
      Samples s = LoadCsv(path, input_shape, options.label_column);
      s.array = ApplyPreprocess(s.array, options.preprocess, Fraction(), path);
      return s;
    }
    case SourceKind::kWav: {
      Samples s = LoadWav(path, input_shape, options.clip);
      if (options.preprocess.given() || input_dtype != DType::kInt16) {
        s.array = ApplyPreprocess(s.array, options.preprocess, Fraction{1, 32768}, path);
      }
      return s;
    }
    case SourceKind::kImages:
      return LoadImageFolder(path, ImageOptions(options));
    case SourceKind::kNpy: {
      Samples s;
      s.array = ReadNpy(path);
      if (options.preprocess.given()) s.array = ApplyPreprocess(s.array, options.preprocess, Fraction(), path);
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
    if (SourceKindOf(paths[k]) == SourceKind::kImages) CheckImagesFitInput(model, k, samples.array, paths[k]);
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
