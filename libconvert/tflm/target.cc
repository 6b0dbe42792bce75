#include "libconvert/tflm/target.h"

namespace tinyforge {
namespace {

struct TargetRow {
  TflmTarget target;
  std::string_view name;
  std::string_view description;
};

constexpr TargetRow kTargets[] = {
    {TflmTarget::kHost, "host", "host (x86-64)"},
    {TflmTarget::kCortexM4, "cortex-m4", "Cortex-M4 (32-bit, arm-none-eabi)"},
};

const TargetRow& Row(TflmTarget target) {
  for (const TargetRow& row : kTargets) {
    if (row.target == target) return row;
  }
  return kTargets[0];
}

}  // namespace

std::string_view TflmTargetName(TflmTarget target) { return Row(target).name; }

std::string_view TflmTargetDescription(TflmTarget target) { return Row(target).description; }

std::optional<TflmTarget> ParseTflmTarget(std::string_view name) {
  for (const TargetRow& row : kTargets) {
    if (row.name == name) return row.target;
  }
  return std::nullopt;
}

std::string TflmTargetNameList() {
  std::string list;
  for (const TargetRow& row : kTargets) {
    if (!list.empty()) list += ", ";
    list += row.name;
  }
  return list;
}

}  // namespace tinyforge
