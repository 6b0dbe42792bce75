// Models built in code for benchmarks and tests (see model_builder.h), with
// seeded random weights: the same name and seed give the same model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge {

// The names BuildSyntheticModel knows:
//   mobilenet_v2  224x224x3 int8 MobileNetV2 (width 1.0, the layer shapes of
//                 Sandler et al. 2018: 3x3 stem conv, 17 inverted residual
//                 blocks, 1x1 conv to 1280, 7x7 average pool, 1000-way fully
//                 connected, softmax), per-channel int8 weights, about 300 M
//                 MACs per inference.
//   mobilenet_v2_float  its float32 twin (random float weights).
//   mobilenet_v2_pt, mobilenet_v2_pt_float  laid out as PyTorch exporters
//                 write it: NCHW input and a TRANSPOSE to NHWC, an explicit
//                 PAD before each 3x3 conv (which is then VALID), MEAN over
//                 H and W in place of AVERAGE_POOL_2D and RESHAPE.
//   mobilenet_v2_tiny, mobilenet_v2_float_tiny, mobilenet_v2_pt_tiny,
//   mobilenet_v2_pt_float_tiny  the same graphs at 32x32 with width 0.25
//                 (channels rounded to multiples of 8): seconds under
//                 sanitizers, for tests.
std::vector<std::string> SyntheticModelNames();

// Throws Error naming the known models when `name` is not one of them.
Model BuildSyntheticModel(const std::string& name, uint32_t seed);

}  // namespace tinyforge
