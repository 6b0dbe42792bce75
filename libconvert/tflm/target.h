// The TFLM builds tinyforge answers for. What TFLM takes from the arena
// depends on the build: a 32-bit microcontroller build has smaller runtime
// structures (4-byte pointers, and arm-none-eabi's short enums shrink every
// struct that holds a TfLiteType or another small C enum).
#pragma once

#include <string_view>

namespace tinyforge {

enum class TflmTarget {
  kHost,      // x86-64 (8-byte pointers, 4-byte enums): ../shared/tflm
  kCortexM4,  // Cortex-M4 with arm-none-eabi-gcc (4-byte pointers, short enums): ../shared/tflm-m4
};

// Every target, in the order --help lists them.
inline constexpr TflmTarget kTflmTargets[] = {TflmTarget::kHost, TflmTarget::kCortexM4};

// Where firmware runs: the default of every command that takes --target.
inline constexpr TflmTarget kDefaultTflmTarget = TflmTarget::kCortexM4;

// The --target spelling: "host", "cortex-m4".
std::string_view TflmTargetName(TflmTarget target);
// A phrase for reports: "Cortex-M4 (32-bit, arm-none-eabi)".
std::string_view TflmTargetDescription(TflmTarget target);

}  // namespace tinyforge
