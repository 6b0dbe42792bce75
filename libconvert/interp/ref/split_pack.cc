#include "libconvert/interp/ref/split_pack.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {
namespace {

int NormalizeAxis(const std::string& where, int axis, int rank) {
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw Error(where + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return a;
}

Shape WithoutAxis(const Shape& s, int axis) {
  std::vector<int32_t> d = s.dims();
  d.erase(d.begin() + axis);
  return Shape(std::move(d));
}

}  // namespace

AxisParts PrepareSplit(const Shape& input, int axis, const std::vector<Shape>& outputs) {
  const std::string where = "SPLIT: input " + ShapeToString(input);
  const int a = NormalizeAxis(where, axis, input.rank());
  if (outputs.empty()) throw Error(where + ": needs at least one output");
  AxisParts parts;
  parts.outer_size = input.SizeOfDims(0, a);
  parts.inner_size = input.SizeOfDims(a + 1, input.rank());
  int64_t total = 0;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Shape& o = outputs[k];
    if (o.rank() != input.rank() || WithoutAxis(o, a) != WithoutAxis(input, a)) {
      throw Error(where + ": output " + std::to_string(k) + " has shape " + ShapeToString(o) +
                  ", which differs from the input outside axis " + std::to_string(a));
    }
    parts.part_sizes.push_back(o.dim(a));
    total += o.dim(a);
  }
  if (total != input.dim(a)) {
    throw Error(where + ": the outputs' sizes along axis " + std::to_string(a) + " add up to " +
                std::to_string(total) + ", not " + std::to_string(input.dim(a)));
  }
  return parts;
}

AxisParts PrepareUnpack(const Shape& input, int axis, const std::vector<Shape>& outputs) {
  const std::string where = "UNPACK: input " + ShapeToString(input);
  const int a = NormalizeAxis(where, axis, input.rank());
  if (static_cast<int64_t>(outputs.size()) != input.dim(a)) {
    throw Error(where + ": has " + std::to_string(outputs.size()) + " outputs, expected " +
                std::to_string(input.dim(a)));
  }
  const Shape expected = WithoutAxis(input, a);
  for (size_t k = 0; k < outputs.size(); ++k) {
    if (outputs[k] != expected) {
      throw Error(where + ": output " + std::to_string(k) + " has shape " + ShapeToString(outputs[k]) +
                  ", expected " + ShapeToString(expected));
    }
  }
  AxisParts parts;
  parts.outer_size = input.SizeOfDims(0, a);
  parts.inner_size = input.SizeOfDims(a + 1, input.rank());
  parts.part_sizes.assign(outputs.size(), 1);
  return parts;
}

AxisParts PreparePack(const std::vector<Shape>& inputs, int axis, const Shape& output) {
  const std::string where = "PACK: output " + ShapeToString(output);
  const int a = NormalizeAxis(where, axis, output.rank());
  if (static_cast<int64_t>(inputs.size()) != output.dim(a)) {
    throw Error(where + ": has " + std::to_string(inputs.size()) + " inputs, but the output axis " +
                std::to_string(a) + " has size " + std::to_string(output.dim(a)));
  }
  const Shape expected = WithoutAxis(output, a);
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (inputs[k] != expected) {
      throw Error(where + ": input " + std::to_string(k) + " has shape " + ShapeToString(inputs[k]) +
                  ", expected " + ShapeToString(expected));
    }
  }
  AxisParts parts;
  parts.outer_size = output.SizeOfDims(0, a);
  parts.inner_size = output.SizeOfDims(a + 1, output.rank());
  parts.part_sizes.assign(inputs.size(), 1);
  return parts;
}

template <typename T>
void SplitParts(const AxisParts& parts, const T* input, T* const* outputs) {
  // Only the parts that hold something: SPLIT_V may list thousands of empty
  // outputs, and visiting each for every outer index is work no element
  // count bounds (the work budget counts elements, interp/work.h).
  std::vector<std::pair<size_t, int64_t>> filled;  // (output, values per outer index)
  for (size_t k = 0; k < parts.part_sizes.size(); ++k) {
    const int64_t n = parts.part_sizes[k] * parts.inner_size;
    if (n > 0) filled.emplace_back(k, n);
  }
  for (int64_t o = 0; o < parts.outer_size; ++o) {
    for (const auto& [k, n] : filled) {
      std::copy(input, input + n, outputs[k] + o * n);
      input += n;
    }
  }
}

template <typename T>
void JoinParts(const AxisParts& parts, const T* const* inputs, T* output) {
  for (int64_t o = 0; o < parts.outer_size; ++o) {
    for (size_t k = 0; k < parts.part_sizes.size(); ++k) {
      const int64_t n = parts.part_sizes[k] * parts.inner_size;
      const T* source = inputs[k] + o * n;
      output = std::copy(source, source + n, output);
    }
  }
}

#define TINYFORGE_SPLIT(T)                                                 \
  template void SplitParts<T>(const AxisParts&, const T*, T* const*); \
  template void JoinParts<T>(const AxisParts&, const T* const*, T*);
TINYFORGE_SPLIT(float)
TINYFORGE_SPLIT(int8_t)
TINYFORGE_SPLIT(int16_t)
TINYFORGE_SPLIT(int32_t)
TINYFORGE_SPLIT(int64_t)
TINYFORGE_SPLIT(bool)
#undef TINYFORGE_SPLIT

}  // namespace tinyforge::ref
