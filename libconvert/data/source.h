// The one place that opens a sample source by its kind, for every command
// that reads samples (run, compare, quantize, prune, pipeline, emit, data):
//   FILE.npy     any numeric dtype; kept as it is unless --scale, --mean or
//                --std are given, then float32 by preprocess.h's formula
//                (default scale 1). ConvertModelInput (model_inputs.h) then
//                makes it the input's type, so an integer input fed its own
//                dtype without those flags gets the bytes unchanged.
//   DIR of images, flat or one subfolder per class (image_dataset.h):
//                float32 by the same formula, default scale 1/255.
//   FILE.csv     one sample per row, optional header and label column
//                (csv_dataset.h): float32 by the formula, default scale 1.
//   DIR of .csv  one sample per file, flat or class subfolders: the same.
//   FILE.wav or a DIR of .wav files, flat or class subfolders
//                (wav_dataset.h): int16 kept as it is for an int16 input
//                without flags, else float32 by the formula, default scale
//                1/32768, so [-1, 1).
// Every problem is one Error (kBadInput) line naming the file (or row).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/data/data_options.h"
#include "libconvert/data/samples.h"

namespace tinyforge {

enum class SourceKind { kNpy, kImages, kCsv, kWav };

// What `path` is: a directory of .wav files (or of class folders of them)
// is WAV, one of .csv files CSV, any other directory images; a file by its extension, .csv, .wav,
// anything else .npy.
SourceKind SourceKindOf(const std::string& path);

// The samples of `path` for a model input of `input_shape` and `input_dtype`
// (CSV rows and WAV clips are made to fit the shape; image folders and .npy
// files are checked against it later, by the caller).
Samples LoadSamples(const std::string& path, const DataOptions& options, const std::vector<int32_t>& input_shape,
                    DType input_dtype);

}  // namespace tinyforge
