// Numbers and tables as people read them in tinyforge's text output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge {

// 1234567 -> "1,234,567" (digits grouped by thousands, sign kept).
std::string Thousands(int64_t value);

// 7489664 -> "7.49 M" (three significant digits, SI prefixes); below 1000
// the plain number.
std::string SiUnits(int64_t value);

// 217184 -> "212.1 KiB" (binary prefixes, one decimal); below 1024 "N B".
std::string BinaryBytes(int64_t bytes);

// A count as people type it on a command line: digits, then optionally one
// of K, M, G, T (any case) for base^1 .. base^4; with `bytes`, a trailing
// "B" or "iB" is allowed too ("512M", "8GiB", "100B"). nullopt when `text`
// is not that or the count does not fit int64.
std::optional<int64_t> ParseScaledCount(const std::string& text, int64_t base, bool bytes);

// A float in the shortest form that keeps six significant digits ("%.6g").
std::string FormatFloat(double value);

// "1 operator", "31 operators".
std::string CountOf(int64_t n, const std::string& noun);

// Rows of cells printed as columns two spaces apart, each as wide as its
// widest cell; columns marked right-aligned are padded on the left. No
// trailing spaces.
class TextTable {
 public:
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned);
  void AddRow(std::vector<std::string> row);
  // Every line starts with `indent` and ends with '\n'.
  std::string Render(const std::string& indent) const;

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace tinyforge
