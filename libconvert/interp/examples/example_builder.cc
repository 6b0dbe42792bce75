#include "libconvert/interp/examples/example_builder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "libconvert/base/error.h"
#include "libconvert/model/dtype.h"

namespace tinyforge::interp::examples {
namespace {

// FNV-1a: a seed that depends only on the example's name, on every platform.
uint32_t SeedOf(const std::string& name) {
  uint32_t h = 2166136261u;
  for (const char c : name) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

template <typename T>
std::vector<uint8_t> RandomInts(std::mt19937& rng, size_t n, double lo, double hi) {
  std::uniform_int_distribution<int64_t> dist(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
  std::vector<T> values(n);
  for (T& v : values) v = static_cast<T>(dist(rng));
  return Bytes(values);
}

}  // namespace

std::string TypeTag(Type type) {
  switch (type) {
    case kF32: return "float";
    case kBool: return "bool";
    default: return TypeShortName(type);
  }
}

std::string OpTag(Op op) {
  std::string tag = tflite::EnumNameBuiltinOperator(op);
  std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tag;
}

Quant ActQuant(Type type, float lo, float hi) {
  if (type == kI8) {
    const float min = std::min(lo, 0.0f), max = std::max(hi, 0.0f);
    const float scale = (max - min) / 255.0f;
    const long zero_point = std::lround(-128.0 - static_cast<double>(min) / scale);
    return Quant::PerTensor(scale, std::clamp(zero_point, -128l, 127l));
  }
  if (type == kI16) return Quant::PerTensor(std::max(std::fabs(lo), std::fabs(hi)) / 32767.0f, 0);
  return Quant::None();
}

Quant FixedOutputQuant(Op op, Type type) {
  if (type == kI16) return Quant::PerTensor(1.0f / 32768.0f, 0);
  if (type != kI8) return Quant::None();
  switch (op) {
    case tflite::BuiltinOperator_SOFTMAX:
    case tflite::BuiltinOperator_LOGISTIC: return Quant::PerTensor(1.0f / 256.0f, -128);
    case tflite::BuiltinOperator_TANH: return Quant::PerTensor(1.0f / 128.0f, 0);
    default: throw Error(std::string("no fixed output parameters for ") + tflite::EnumNameBuiltinOperator(op),
                         ErrorCode::kInternal);
  }
}

ExampleBuilder::ExampleBuilder(const std::string& name) : name_(name), rng_(SeedOf(name)) {}

std::string ExampleBuilder::NextName(const char* what) { return std::string(what) + "_" + std::to_string(count_++); }

int ExampleBuilder::Input(Type type, Dims shape, const Quant& quant) {
  const int t = b_.AddTensor("input_" + std::to_string(inputs_.size()), type, std::move(shape), quant);
  inputs_.push_back(t);
  return t;
}

int ExampleBuilder::Output(Type type, Dims shape, const Quant& quant) {
  const int t = b_.AddTensor("output_" + std::to_string(outputs_.size()), type, std::move(shape), quant);
  outputs_.push_back(t);
  return t;
}

int ExampleBuilder::Variable(Type type, Dims shape, const Quant& quant) {
  const int t = b_.AddTensor(NextName("state"), type, std::move(shape), quant);
  b_.MarkVariable(t);
  return t;
}

std::vector<float> ExampleBuilder::RandomFloats(size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> values(n);
  for (float& v : values) v = dist(rng_);
  return values;
}

int ExampleBuilder::Random(Type type, Dims shape, double lo, double hi, const Quant& quant) {
  const size_t n = static_cast<size_t>(ElementCount(shape));
  std::vector<uint8_t> bytes;
  switch (type) {
    case kF32: bytes = Bytes(RandomFloats(n, static_cast<float>(lo), static_cast<float>(hi))); break;
    case kI8: bytes = RandomInts<int8_t>(rng_, n, lo, hi); break;
    case kU8: bytes = RandomInts<uint8_t>(rng_, n, lo, hi); break;
    case kI16: bytes = RandomInts<int16_t>(rng_, n, lo, hi); break;
    case kI32: bytes = RandomInts<int32_t>(rng_, n, lo, hi); break;
    case kI64: bytes = RandomInts<int64_t>(rng_, n, lo, hi); break;
    case kBool: bytes = RandomInts<uint8_t>(rng_, n, 0, 1); break;
    default: throw Error("ExampleBuilder: no random constants of type " + TypeName(type), ErrorCode::kInternal);
  }
  return b_.AddConstantBytes(NextName("const"), type, std::move(shape), std::move(bytes), quant);
}

int ExampleBuilder::Weights(Dims shape, std::vector<float> scales, int axis) {
  const Quant quant = scales.size() == 1 ? Quant::PerTensor(scales[0], 0) : Quant::PerChannel(std::move(scales), axis);
  return Random(kI8, std::move(shape), -127, 127, quant);
}

std::vector<float> ExampleBuilder::ChannelScales(int n, float base) {
  std::vector<float> scales = RandomFloats(static_cast<size_t>(n), 0.5f * base, 1.5f * base);
  return scales;
}

int ExampleBuilder::Bias(Type type, float input_scale, const std::vector<float>& weight_scales, int n, double spread) {
  if (type == kF32) return Random(kF32, {n}, -1, 1);
  std::vector<float> scales(static_cast<size_t>(n));
  for (size_t c = 0; c < scales.size(); ++c) {
    scales[c] = input_scale * weight_scales[weight_scales.size() == 1 ? 0 : c];
  }
  const Quant quant = weight_scales.size() == 1 ? Quant::PerTensor(scales[0], 0) : Quant::PerChannel(scales, 0);
  return Random(type, {n}, -spread, spread, quant);
}

Model ExampleBuilder::Build() {
  b_.SetInputs(inputs_);
  b_.SetOutputs(outputs_);
  return b_.Build(name_);
}

float DotOutputScale(float s1, double q1, float s2, double q2, int fan_in, double target) {
  return static_cast<float>(s1 * q1 * s2 * q2 * std::sqrt(static_cast<double>(fan_in)) / target);
}

Dims BroadcastDims(const Dims& a, const Dims& b) {
  const size_t rank = std::max(a.size(), b.size());
  Dims out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int x = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const int y = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    out[i] = std::max(x, y);
  }
  return out;
}

void AddExample(std::vector<OpExample>& out, const std::string& name, Op op, Type type,
                std::function<void(ExampleBuilder&)> body, std::vector<std::optional<InputRange>> ranges) {
  for (const OpExample& e : out) {
    if (e.name == name) throw Error("two op examples are named " + name, ErrorCode::kInternal);
  }
  out.push_back({name, op, type,
                 [name, body] {
                   ExampleBuilder b(name);
                   body(b);
                   return b.Build();
                 },
                 std::move(ranges)});
}

}  // namespace tinyforge::interp::examples
