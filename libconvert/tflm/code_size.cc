#include "libconvert/tflm/code_size.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "libconvert/tflm/ops.h"

namespace tinyforge {
namespace {

struct CodeSizeRow {
  std::string_view method;
  int64_t flash;
  int64_t ram;
};

// The data file's rows: "core" first, then one per resolver method.
#define TFLM_CODE_SIZE(method, flash, ram) {method, flash, ram},
constexpr CodeSizeRow kCodeSizeRows[] = {
#include "libconvert/tflm/code_size_data.inc"
};
#undef TFLM_CODE_SIZE
constexpr const CodeSizeRow& kCodeSizeCore = kCodeSizeRows[0];

const CodeSizeRow* FindCodeSizeRow(std::string_view method) {
  for (const CodeSizeRow& row : kCodeSizeRows) {
    if (row.method == method && &row != &kCodeSizeCore) return &row;
  }
  return nullptr;
}

// What an operator without a measurement is assumed to take: the largest
// measured kernel, so a fit is never claimed on a guess that is too small.
CodeSizeRow LargestCodeSizeRow() {
  CodeSizeRow largest = {"", 0, 0};
  for (const CodeSizeRow& row : kCodeSizeRows) {
    if (&row == &kCodeSizeCore) continue;
    if (row.flash > largest.flash) largest = row;
  }
  return largest;
}

}  // namespace

int64_t TflmCodeSize::KernelFlashBytes() const {
  int64_t total = 0;
  for (const TflmKernelCodeSize& k : kernels) total += k.flash_bytes;
  return total;
}

int64_t TflmCodeSize::StaticRamBytes() const {
  int64_t total = core_static_ram_bytes;
  for (const TflmKernelCodeSize& k : kernels) total += k.static_ram_bytes;
  return total;
}

int64_t TflmKernelFlashBytes(const std::string& resolver_method) {
  const CodeSizeRow* row = FindCodeSizeRow(resolver_method);
  return row ? row->flash : -1;
}

TflmCodeSize EstimateTflmCodeSize(const Model& model) {
  std::set<std::string> methods;
  for (const auto& subgraph : model.raw().subgraphs) {
    for (const auto& op : subgraph->operators) {
      if (const auto method = TflmResolverMethod(model, *op)) methods.insert(std::string(*method));
    }
  }
  TflmCodeSize size;
  size.core_flash_bytes = kCodeSizeCore.flash;
  size.core_static_ram_bytes = kCodeSizeCore.ram;
  for (const std::string& method : methods) {
    const CodeSizeRow* row = FindCodeSizeRow(method);
    const CodeSizeRow use = row ? *row : LargestCodeSizeRow();
    size.kernels.push_back({method, use.flash, use.ram, row != nullptr});
  }
  std::stable_sort(size.kernels.begin(), size.kernels.end(),
                   [](const TflmKernelCodeSize& a, const TflmKernelCodeSize& b) {
                     return a.flash_bytes > b.flash_bytes;
                   });
  return size;
}

}  // namespace tinyforge
