#include "libconvert/tflm/target.h"

namespace tinyforge {

std::string_view TflmTargetName(TflmTarget target) {
  return target == TflmTarget::kCortexM4 ? "cortex-m4" : "host";
}

std::string_view TflmTargetDescription(TflmTarget target) {
  return target == TflmTarget::kCortexM4 ? "Cortex-M4 (32-bit, arm-none-eabi)" : "host (x86-64)";
}

}  // namespace tinyforge
