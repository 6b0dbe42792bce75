#include "libconvert/data/preprocess.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

// The whole of `text` as a finite number, or false.
bool ParseNumber(const std::string& text, double* value) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  errno = 0;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(*value);
}

template <typename T>
double Load(const NpyArray& a, size_t e) {
  T v;
  std::memcpy(&v, a.data.data() + e * sizeof(T), sizeof(T));
  return static_cast<double>(v);
}

// Per-channel values for `channels` channels: one value repeated, or as given.
std::vector<double> PerChannel(const std::vector<double>& values, double fallback, size_t channels,
                               const std::string& flag, const std::string& name, const std::string& where) {
  if (values.empty()) return std::vector<double>(channels, fallback);
  if (values.size() == 1) return std::vector<double>(channels, values[0]);
  if (values.size() != channels) {
    throw Error(name + ": " + flag + " gives " + std::to_string(values.size()) + " values (" + JoinNumbers(values) +
                "), but the data has " + std::to_string(channels) + " channels (" + where + "); give one value or " +
                std::to_string(channels));
  }
  return values;
}

}  // namespace

std::string JoinNumbers(const std::vector<double>& values) {
  std::string s;
  for (double v : values) {
    if (!s.empty()) s += ",";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    s += buf;
  }
  return s;
}

Fraction ParseScale(const std::string& text, const std::string& flag) {
  const size_t slash = text.find('/');
  double numerator = 0, denominator = 1;
  const bool ok = slash == std::string::npos
                      ? ParseNumber(text, &numerator)
                      : ParseNumber(text.substr(0, slash), &numerator) &&
                            ParseNumber(text.substr(slash + 1), &denominator) && denominator != 0;
  if (!ok) throw Error(flag + ": '" + text + "' is not a number or a fraction such as 1/255");
  const Fraction scale{numerator, denominator};
  if (!std::isfinite(scale.value()) || scale.value() == 0) {
    throw Error(flag + ": '" + text + "' would map every value to one value; give a finite, non-zero scale");
  }
  return scale;
}

Preprocess ParsePreprocess(const std::string& scale, const std::vector<double>& mean,
                           const std::vector<double>& stddev) {
  Preprocess p;
  if (!scale.empty()) p.scale = ParseScale(scale);
  for (double m : mean) {
    if (!std::isfinite(m)) throw Error("--mean: " + JoinNumbers(mean) + " holds a value that is not finite");
  }
  for (double s : stddev) {
    if (!std::isfinite(s) || s == 0) {
      throw Error("--std: " + JoinNumbers(stddev) + " holds " + JoinNumbers({s}) +
                  "; a standard deviation must be finite and non-zero");
    }
  }
  p.mean = mean;
  p.stddev = stddev;
  return p;
}

double ElementAsDouble(const NpyArray& a, size_t e) {
  if (e >= a.NumElements()) {
    throw Error("element " + std::to_string(e) + " of a " + ShapeToString(a.shape) + " array", ErrorCode::kInternal);
  }
  switch (a.dtype) {
    case DType::kFloat32: return Load<float>(a, e);
    case DType::kFloat64: return Load<double>(a, e);
    case DType::kInt8: return Load<int8_t>(a, e);
    case DType::kUInt8: return Load<uint8_t>(a, e);
    case DType::kInt16: return Load<int16_t>(a, e);
    case DType::kUInt16: return Load<uint16_t>(a, e);
    case DType::kInt32: return Load<int32_t>(a, e);
    case DType::kUInt32: return Load<uint32_t>(a, e);
    case DType::kInt64: return Load<int64_t>(a, e);
    case DType::kBool: return a.data[e] != 0 ? 1.0 : 0.0;
    case DType::kFloat16: {
      uint16_t bits;
      std::memcpy(&bits, a.data.data() + e * 2, 2);
      return HalfToFloat(bits);
    }
  }
  throw Error("invalid DType", ErrorCode::kInternal);
}

Channels ChannelsAlong(const std::vector<int64_t>& shape, std::optional<size_t> axis) {
  Channels c;
  c.axis = axis.value_or(shape.empty() ? 0 : shape.size() - 1);
  if (shape.size() < 2 || c.axis >= shape.size() || shape[c.axis] <= 0) return c;
  c.count = static_cast<size_t>(shape[c.axis]);
  for (size_t d = c.axis + 1; d < shape.size(); ++d) c.inner *= static_cast<size_t>(shape[d]);
  return c;
}

NpyArray ApplyPreprocess(const NpyArray& in, const Preprocess& p, Fraction default_scale, const std::string& name,
                         std::optional<size_t> channel_axis) {
  const Channels channels = ChannelsAlong(in.shape, channel_axis);
  const std::string where =
      channels.axis + 1 == in.shape.size() ? "its last dim" : "dim " + std::to_string(channels.axis);
  const std::vector<double> mean = PerChannel(p.mean, 0.0, channels.count, "--mean", name, where);
  const std::vector<double> stddev = PerChannel(p.stddev, 1.0, channels.count, "--std", name, where);
  const Fraction scale = p.scale.value_or(default_scale);
  NpyArray out = NpyArray::Zeros(DType::kFloat32, in.shape);
  Span<float> dst = out.MutableView<float>();
  for (size_t e = 0; e < dst.size(); ++e) {
    const size_t c = channels.Of(e);
    dst[e] = static_cast<float>(PreprocessValue(ElementAsDouble(in, e), scale, mean[c], stddev[c]));
  }
  return out;
}

}  // namespace tinyforge
