// Turning .npy files into inputs for a model: type checks against each model
// input and, on request, quantization of float data with the input's own
// scale and zero point. Used by every command that feeds data to a model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libconvert/data/data_options.h"
#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"
#include "libconvert/data/npy.h"

namespace tinyforge {

// The .npy element type that holds a tensor of `type`, if there is one.
std::optional<DType> NpyDTypeOf(tflite::TensorType type);

struct ModelInputArrays {
  std::vector<NpyArray> arrays;   // one per model input, in the model's dtype
  std::vector<std::string> names; // the file each came from (for messages)
  // `{}` so that `ModelInputArrays{arrays, names}` stays warning-free.
  std::vector<int64_t> labels{};       // from a labelled source (class folders, CSV label column), else empty
  std::vector<std::string> classes{};  // its class names, when it has them
};

// Reads one source per input of subgraph 0 (a .npy, an image folder, a CSV
// or WAV file or folder; see source.h) with `options`, then converts each
// array with ConvertModelInput. Labels come from the first labelled source.
// Defined in source.cc, the one place that opens a source by its kind.
ModelInputArrays ReadModelInputs(const Model& model, const std::vector<std::string>& paths,
                                 bool quantize_floats, const DataOptions& options = DataOptions());
// The same without ConvertModelInput: the arrays as the sources give them
// (for comparing two models whose input types differ). `model` supplies the
// input count and shapes.
ModelInputArrays LoadModelData(const Model& model, const std::vector<std::string>& paths,
                               const DataOptions& options = DataOptions());

// One array already in memory for model input k; `name` names it in
// messages. An array of the input's dtype is returned unchanged. Any other
// numeric array becomes float32 by value for a float32 input; for an int8,
// uint8 or int16 input it is quantized (q = clamp(round(x / scale) +
// zero_point), as TFLM's QUANTIZE computes it) when `quantize_floats` is
// set, and otherwise an Error naming the file, the input and both dtypes.
NpyArray ConvertModelInput(const Model& model, size_t k, NpyArray array, const std::string& name,
                           bool quantize_floats);

// ConvertModelInput for every array (array k for model input k), copies
// kept with their names: the same data made ready for several models.
ModelInputArrays ConvertModelInputs(const Model& model, const std::vector<NpyArray>& arrays,
                                    const std::vector<std::string>& names, bool quantize_floats);

// Quantizes `n` floats into `out` (n values of `type`: int8, uint8 or
// int16) as TFLM's QUANTIZE computes it: q = clamp(round(x / scale) +
// zero_point), the division in float. Throws Error for another type or a
// scale that is not positive and finite.
void QuantizeFloats(const float* values, size_t n, tflite::TensorType type, float scale, int32_t zero_point,
                    void* out);

// Views over the arrays, checked against the model inputs' shapes (one sample
// or N samples each; see dataset.h). The arrays must outlive the views.
std::vector<DatasetView> ViewModelInputs(const Model& model, const ModelInputArrays& inputs);

// "model input 0 'serving_default_x:0' [1,28,28,1] int8": how messages name
// an input.
std::string DescribeModelInput(const Model& model, size_t k);

}  // namespace tinyforge
