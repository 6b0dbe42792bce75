#include "libconvert/base/text_format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>

#include "libconvert/base/checked_math.h"

namespace tinyforge {

std::string Thousands(int64_t value) {
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  const std::string digits = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string SiUnits(int64_t value) {
  static const char* const kUnits[] = {"", " k", " M", " G", " T"};
  double x = static_cast<double>(value);
  size_t unit = 0;
  while (x >= 1000.0 && unit + 1 < std::size(kUnits)) {
    x /= 1000.0;
    ++unit;
  }
  if (unit == 0) return std::to_string(value);
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g%s", x, kUnits[unit]);
  return text;
}

std::optional<int64_t> ParseScaledCount(const std::string& text, int64_t base, bool bytes) {
  size_t i = 0;
  std::optional<int64_t> value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const std::optional<int64_t> tens = value ? CheckedMul(*value, 10) : std::nullopt;
    value = tens ? CheckedAdd(*tens, text[i] - '0') : std::nullopt;
    ++i;
  }
  if (i == 0 || !value) return std::nullopt;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.empty() || (bytes && unit == "B")) return value;
  const size_t power = std::string("KMGT").find(unit[0]);
  const std::string rest = unit.substr(1);
  if (power == std::string::npos || !(rest.empty() || (bytes && (rest == "B" || rest == "IB")))) return std::nullopt;
  for (size_t p = 0; p <= power && value; ++p) value = CheckedMul(*value, base);
  return value;
}

std::string BinaryBytes(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB"};
  double x = static_cast<double>(bytes);
  size_t unit = 0;
  while (x >= 1024.0 && unit + 1 < std::size(kUnits)) {
    x /= 1024.0;
    ++unit;
  }
  if (unit == 0) return std::to_string(bytes) + " B";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", x, kUnits[unit]);
  return text;
}

std::string FormatFloat(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value);
  return text;
}

std::string CountOf(int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : right_(std::move(right_aligned)) {
  rows_.push_back(std::move(header));
}

void TextTable::AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

std::string TextTable::Render(const std::string& indent) const {
  std::vector<size_t> width(rows_[0].size(), 0);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line = indent;
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      if (c) line += "  ";
      line += right_[c] ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace tinyforge
