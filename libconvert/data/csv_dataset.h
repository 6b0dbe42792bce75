// CSV files as samples, for sensor and tabular data: one sample per row,
// comma-separated numbers, an optional header row (taken as a header when a
// field of the first row is not a number), blank lines skipped. With a label
// column (--label-column NAME|INDEX; NAME needs the header, INDEX counts
// from 0) that column is the class: integer labels as they are, any other
// text as classes numbered in sorted order. The other values of a row are one
// sample, reshaped into the model input's shape (row-major), so a row must
// hold exactly as many values as one sample of the input has elements.
#pragma once

#include <string>
#include <vector>

#include "libconvert/data/samples.h"

namespace tinyforge {

// Reads `path` into float64 [N, sample dims...] where the sample dims are
// `input_shape` without a leading batch dim of 1 (an empty `input_shape`:
// the first row's value count, flat). Throws Error (kBadInput)
// with one line naming the file and the row (1-based, as an editor counts
// lines) for a row of the wrong length, a field that is not a number, an
// unknown label column or a bad label.
Samples LoadCsv(const std::string& path, const std::vector<int32_t>& input_shape, const std::string& label_column);

// True when `dir` (or a class subfolder of it) holds a .csv file.
bool IsCsvFolder(const std::string& dir);

// A folder of CSV files, one sample per file (a sensor capture: one row per
// time step, e.g. 128 rows of x,y,z), flat or in class folders
// (class_folders.h). Each file is read as above without a label column; all
// its values, row by row, are one sample, so a file must hold exactly as many
// values as one sample of the input (with an empty `input_shape`, the first
// file's [rows, columns] is the shape). float64 [N, sample dims...].
Samples LoadCsvFolder(const std::string& dir, const std::vector<int32_t>& input_shape);

}  // namespace tinyforge
