#include "libconvert/data/csv_dataset.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

#include "libconvert/base/error.h"
#include "libconvert/data/class_folders.h"
#include "libconvert/base/file_util.h"

namespace tinyforge {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string t = s.substr(b, e - b);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(Trim(field));
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

bool ParseDouble(const std::string& text, double* value) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return errno != ERANGE && end == text.c_str() + text.size();
}

struct Row {
  size_t line = 0;  // 1-based
  std::vector<std::string> fields;
};

// Which field is the label: -1 for none.
int LabelIndex(const std::string& path, const std::string& column, const std::vector<std::string>* header,
               size_t fields) {
  if (column.empty()) return -1;
  if (header != nullptr) {
    const auto it = std::find(header->begin(), header->end(), column);
    if (it != header->end()) return static_cast<int>(it - header->begin());
  }
  const bool digits = std::all_of(column.begin(), column.end(), [](unsigned char c) { return std::isdigit(c); });
  if (digits && column.size() < 9 && static_cast<size_t>(std::atoi(column.c_str())) < fields) {
    return std::atoi(column.c_str());
  }
  throw Error(path + ": --label-column '" + column + "' is neither a header name nor a column index 0.." +
              std::to_string(fields - 1) + (header == nullptr ? " (the file has no header row)" : ""));
}

}  // namespace

Samples LoadCsv(const std::string& path, const std::vector<int32_t>& input_shape, const std::string& label_column) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  std::vector<Row> rows;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Trim(line).empty()) continue;
    rows.push_back(Row{number, SplitFields(line)});
  }
  if (rows.empty()) throw Error(path + ": the CSV file holds no rows");

  // A header when a field of the first row is not a number.
  std::vector<std::string> header;
  double scratch = 0;
  if (std::any_of(rows[0].fields.begin(), rows[0].fields.end(),
                  [&](const std::string& f) { return !ParseDouble(f, &scratch); })) {
    header = rows[0].fields;
    rows.erase(rows.begin());
  }
  const int label = LabelIndex(path, label_column, header.empty() ? nullptr : &header,
                               rows.empty() ? header.size() : rows[0].fields.size());

  std::vector<int64_t> sample_shape(input_shape.begin() + (input_shape.size() > 1 && input_shape[0] == 1 ? 1 : 0),
                                    input_shape.end());
  if (input_shape.empty() && !rows.empty()) {  // no shape given: a row is one flat sample
    sample_shape = {static_cast<int64_t>(rows[0].fields.size() - (label >= 0 ? 1 : 0))};
  }
  size_t per_sample = 1;
  std::string dims;
  for (int64_t d : sample_shape) {
    per_sample *= static_cast<size_t>(std::max<int64_t>(d, 0));
    dims += (dims.empty() ? "" : "x") + std::to_string(d);
  }
  std::vector<int64_t> shape{static_cast<int64_t>(rows.size())};
  shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
  Samples s;
  s.array = NpyArray::Zeros(DType::kFloat64, shape);
  Span<double> values = s.array.MutableView<double>();
  std::vector<std::string> label_text;
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    const std::string where = path + ": row " + std::to_string(row.line);
    const size_t count = row.fields.size() - (label >= 0 && static_cast<size_t>(label) < row.fields.size() ? 1 : 0);
    if (count != per_sample || (label >= 0 && static_cast<size_t>(label) >= row.fields.size())) {
      throw Error(where + " has " + std::to_string(count) + " values" + (label >= 0 ? " besides the label" : "") +
                  ", but one sample of the model input holds " + std::to_string(per_sample) + " (" + dims + ")");
    }
    size_t e = 0;
    for (size_t f = 0; f < row.fields.size(); ++f) {
      if (static_cast<int>(f) == label) {
        label_text.push_back(row.fields[f]);
        continue;
      }
      double v = 0;
      if (!ParseDouble(row.fields[f], &v) || !std::isfinite(v)) {
        throw Error(where + ", column " + std::to_string(f) + ": '" + row.fields[f] + "' is not a finite number");
      }
      values[r * per_sample + e++] = v;
    }
  }
  if (label < 0) return s;
  // Integer labels as they are; otherwise text classes in sorted order.
  const bool integers = std::all_of(label_text.begin(), label_text.end(), [](const std::string& t) {
    return !t.empty() && t.size() < 10 && std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
  });
  if (integers) {
    for (const std::string& t : label_text) s.labels.push_back(std::atoll(t.c_str()));
    return s;
  }
  std::map<std::string, int64_t> classes;
  for (const std::string& t : label_text) classes.emplace(t, 0);
  for (auto& [name, index] : classes) {
    index = static_cast<int64_t>(s.classes.size());
    s.classes.push_back(name);
  }
  for (const std::string& t : label_text) s.labels.push_back(classes[t]);
  return s;
}

namespace {
bool IsCsvName(const std::filesystem::path& p) { return HasExtension(p, {".csv"}); }
}  // namespace

bool IsCsvFolder(const std::string& dir) { return FolderHolds(dir, IsCsvName); }

Samples LoadCsvFolder(const std::string& dir, const std::vector<int32_t>& input_shape) {
  FolderFiles list = ListClassFolders(dir, IsCsvName, ".csv file");
  std::vector<int64_t> sample_shape(input_shape.begin() + (input_shape.size() > 1 && input_shape[0] == 1 ? 1 : 0),
                                    input_shape.end());
  Samples s;
  for (size_t i = 0; i < list.files.size(); ++i) {
    const std::string file = list.files[i].string();
    const NpyArray one = LoadCsv(file, {}, "").array;  // [rows, columns]
    if (input_shape.empty() && i == 0) sample_shape = one.shape;
    if (i == 0) {
      std::vector<int64_t> shape{static_cast<int64_t>(list.files.size())};
      shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
      s.array = NpyArray::Zeros(DType::kFloat64, shape);
    }
    const size_t per_sample = s.array.NumElements() / list.files.size();
    if (one.NumElements() != per_sample) {
      throw Error(file + ": holds " + std::to_string(one.shape[0]) + " rows of " + std::to_string(one.shape[1]) +
                  " values (" + std::to_string(one.NumElements()) + "), but one sample of the model input holds " +
                  std::to_string(per_sample) + " " + ShapeToString(sample_shape));
    }
    std::copy(one.data.begin(), one.data.end(), s.array.data.begin() + static_cast<std::ptrdiff_t>(i * per_sample * sizeof(double)));
  }
  s.labels = std::move(list.labels);
  s.classes = std::move(list.classes);
  return s;
}

}  // namespace tinyforge
