// The arithmetic every sample source shares: numbers as a source holds them
// (pixels 0..255, uint8/int16/float .npy elements, CSV values, PCM samples)
// become model-input values by
//   x = (v * scale - mean[c]) / std[c]
// computed in double and stored as float32, with c the channel: the index
// along the last dim (NHWC), or along the second for channels-first data
// (--layout nchw). The flags --scale, --mean and --std set it for
// every command and every source kind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/data/npy.h"

namespace tinyforge {

// A scale as typed, "1/255" kept as 1 and 255, so that v * 1 / 255 is
// exactly numpy's v / 255.0 (v * (1/255.0) can differ in the last bit).
struct Fraction {
  double numerator = 1;
  double denominator = 1;
  double value() const { return numerator / denominator; }
};

struct Preprocess {
  std::optional<Fraction> scale;  // unset: the source's default (1/255 for images, 1/32768 for WAV, else 1)
  std::vector<double> mean;     // empty: 0; else one value, or one per channel
  std::vector<double> stddev;   // empty: 1; else one value, or one per channel; never 0

  // True when a flag set any of the three.
  bool given() const { return scale.has_value() || !mean.empty() || !stddev.empty(); }
};

// A number or a fraction such as "1/255" or "1/127.5"; throws Error
// (kBadInput) naming `flag` otherwise, or for 0, inf or NaN.
Fraction ParseScale(const std::string& text, const std::string& flag = "--scale");

// The flags as given (`scale` empty: unset). Throws Error (kBadInput)
// naming the flag for a value that is not finite or a zero --std.
Preprocess ParsePreprocess(const std::string& scale, const std::vector<double>& mean,
                           const std::vector<double>& stddev);

// "0.485,0.456,0.406": how messages show the values of a flag (%g each).
std::string JoinNumbers(const std::vector<double>& values);

// The value at element `e` of a numeric array as a double (float16 exact,
// bool as 0/1). Throws Error (kInternal) on an index out of range.
double ElementAsDouble(const NpyArray& array, size_t e);

// One formula for every source: (v * scale - mean) / stddev.
inline double PreprocessValue(double v, const Fraction& scale, double mean, double stddev) {
  return (v * scale.numerator / scale.denominator - mean) / stddev;
}

// The channels of an array along one dim, as --mean/--std and the data
// summary count them: element e (row-major) is in channel Of(e). The first
// dim holds samples, so an array of rank < 2 is one channel.
struct Channels {
  size_t axis = 0;   // the dim holding them
  size_t count = 1;
  size_t inner = 1;  // elements per step along the axis: 1 for the last dim
  size_t Of(size_t element) const { return (element / inner) % count; }
};

// The channels of `shape` along dim `axis` (default: the last).
Channels ChannelsAlong(const std::vector<int64_t>& shape, std::optional<size_t> axis = std::nullopt);

// `in` (any numeric dtype) through the formula above into float32 of the
// same shape, with `default_scale` where `p.scale` is unset. The channels
// are along dim `channel_axis` (default: the last); a per-channel mean or std
// of another length is an Error (kBadInput) starting with `name`.
NpyArray ApplyPreprocess(const NpyArray& in, const Preprocess& p, Fraction default_scale, const std::string& name,
                         std::optional<size_t> channel_axis = std::nullopt);

}  // namespace tinyforge
