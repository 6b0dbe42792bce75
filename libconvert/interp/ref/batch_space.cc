#include "libconvert/interp/ref/batch_space.h"

#include <cstring>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

[[noreturn]] void Fail(const char* op, const std::string& what) { throw Error(std::string(op) + ": " + what); }

Shape ExtendTo4D(const Shape& s) {
  if (s.rank() == 4) return s;
  return Shape{s.dim(0), s.dim(1), 1, s.dim(2)};
}

std::string ValuesString(const std::vector<int64_t>& v) {
  std::string text = "[";
  for (size_t i = 0; i < v.size(); ++i) text += (i ? ", " : "") + std::to_string(v[i]);
  return text + "]";
}

// The checks both directions share; fills everything but the shapes.
BatchSpaceParams Common(const char* op, const char* edges_name, const Shape& input,
                        const std::vector<int64_t>& block_shape, const std::vector<int64_t>& edges,
                        const Shape& output) {
  if (input.rank() < 3 || input.rank() > 4 || output.rank() != input.rank()) {
    Fail(op, "input " + ShapeToString(input) + " and output " + ShapeToString(output) +
                 " must both be 3-D or both 4-D (TFLM supports nothing else)");
  }
  const size_t spatial = static_cast<size_t>(input.rank() - 2);
  if (block_shape.size() != spatial || edges.size() != 2 * spatial) {
    Fail(op, "a " + std::to_string(input.rank()) + "-D input needs " + std::to_string(spatial) +
                 " block sizes and " + std::to_string(2 * spatial) + " " + edges_name + ", got " +
                 ValuesString(block_shape) + " and " + ValuesString(edges));
  }
  for (int64_t b : block_shape) {
    if (b < 1 || b > 65536) Fail(op, "block sizes must be at least 1, got " + ValuesString(block_shape));
  }
  for (int64_t e : edges) {
    if (e < 0 || e > 65536) Fail(op, std::string(edges_name) + " must be non-negative, got " + ValuesString(edges));
  }
  BatchSpaceParams p;
  p.block_height = static_cast<int32_t>(block_shape[0]);
  p.block_width = spatial == 2 ? static_cast<int32_t>(block_shape[1]) : 1;
  p.before_height = static_cast<int32_t>(edges[0]);
  p.before_width = spatial == 2 ? static_cast<int32_t>(edges[2]) : 0;
  return p;
}

void RequireOutput(const char* op, const Shape& output, const Shape& expected_4d, int rank) {
  const Shape expected = rank == 4 ? expected_4d
                                   : Shape{expected_4d.dim(0), expected_4d.dim(1), expected_4d.dim(3)};
  if (output != expected) {
    Fail(op, "the output is " + ShapeToString(output) + ", but the input, block sizes and crops/paddings give " +
                 ShapeToString(expected));
  }
}

}  // namespace

BatchSpaceParams PrepareBatchToSpaceNd(const Shape& input, const std::vector<int64_t>& block_shape,
                                       const std::vector<int64_t>& crops, const Shape& output) {
  constexpr const char* kOp = "BATCH_TO_SPACE_ND";
  BatchSpaceParams p = Common(kOp, "crops", input, block_shape, crops, output);
  p.input = ExtendTo4D(input);
  p.output = ExtendTo4D(output);
  const int64_t blocks = int64_t{p.block_height} * p.block_width;
  if (p.input.dim(0) % blocks != 0) {
    Fail(kOp, "the input batch " + std::to_string(p.input.dim(0)) + " is not a multiple of the block (" +
                  std::to_string(blocks) + " positions)");
  }
  const int64_t crop_h = crops[0] + crops[1];
  const int64_t crop_w = input.rank() == 4 ? crops[2] + crops[3] : 0;
  const int64_t out_h = int64_t{p.input.dim(1)} * p.block_height - crop_h;
  const int64_t out_w = int64_t{p.input.dim(2)} * p.block_width - crop_w;
  if (out_h < 0 || out_w < 0) Fail(kOp, "the crops " + ValuesString(crops) + " are larger than the output");
  RequireOutput(kOp, output,
                Shape{static_cast<int32_t>(p.input.dim(0) / blocks), static_cast<int32_t>(out_h),
                      static_cast<int32_t>(out_w), p.input.dim(3)},
                input.rank());
  return p;
}

BatchSpaceParams PrepareSpaceToBatchNd(const Shape& input, const std::vector<int64_t>& block_shape,
                                       const std::vector<int64_t>& paddings, const Shape& output) {
  constexpr const char* kOp = "SPACE_TO_BATCH_ND";
  BatchSpaceParams p = Common(kOp, "paddings", input, block_shape, paddings, output);
  p.input = ExtendTo4D(input);
  p.output = ExtendTo4D(output);
  const int64_t padded_h = p.input.dim(1) + paddings[0] + paddings[1];
  const int64_t padded_w = p.input.dim(2) + (input.rank() == 4 ? paddings[2] + paddings[3] : 0);
  if (padded_h % p.block_height != 0 || padded_w % p.block_width != 0) {
    Fail(kOp, "the padded height and width " + std::to_string(padded_h) + "x" + std::to_string(padded_w) +
                  " must be multiples of the block " + std::to_string(p.block_height) + "x" +
                  std::to_string(p.block_width));
  }
  const int64_t batch = int64_t{p.input.dim(0)} * p.block_height * p.block_width;
  if (batch > (int64_t{1} << 30)) Fail(kOp, "the output batch is too large");
  RequireOutput(kOp, output,
                Shape{static_cast<int32_t>(batch), static_cast<int32_t>(padded_h / p.block_height),
                      static_cast<int32_t>(padded_w / p.block_width), p.input.dim(3)},
                input.rank());
  return p;
}

void BatchToSpaceNd(const BatchSpaceParams& p, size_t element_size, const void* input, void* output) {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  const int in_batches = p.input.dim(0), in_height = p.input.dim(1), in_width = p.input.dim(2);
  const int out_batches = p.output.dim(0), out_height = p.output.dim(1), out_width = p.output.dim(2);
  const size_t row_bytes = static_cast<size_t>(p.input.dim(3)) * element_size;
  for (int in_b = 0; in_b < in_batches; ++in_b) {
    const int out_b = in_b % out_batches;
    const int offset = in_b / out_batches;  // position inside the block
    for (int in_h = 0; in_h < in_height; ++in_h) {
      const int out_h = in_h * p.block_height + offset / p.block_width - p.before_height;
      if (out_h < 0 || out_h >= out_height) continue;
      for (int in_w = 0; in_w < in_width; ++in_w) {
        const int out_w = in_w * p.block_width + offset % p.block_width - p.before_width;
        if (out_w < 0 || out_w >= out_width) continue;
        const size_t src = (static_cast<size_t>(in_b) * in_height + in_h) * in_width + in_w;
        const size_t dst = (static_cast<size_t>(out_b) * out_height + out_h) * out_width + out_w;
        std::memcpy(out + dst * row_bytes, in + src * row_bytes, row_bytes);
      }
    }
  }
}

void SpaceToBatchNd(const BatchSpaceParams& p, size_t element_size, const void* input, void* output) {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  const int in_batches = p.input.dim(0), in_height = p.input.dim(1), in_width = p.input.dim(2);
  const int out_batches = p.output.dim(0), out_height = p.output.dim(1), out_width = p.output.dim(2);
  const size_t row_bytes = static_cast<size_t>(p.input.dim(3)) * element_size;
  for (int out_b = 0; out_b < out_batches; ++out_b) {
    const int in_b = out_b % in_batches;
    const int shift_w = (out_b / in_batches) % p.block_width;
    const int shift_h = (out_b / in_batches) / p.block_width;
    for (int out_h = 0; out_h < out_height; ++out_h) {
      const int in_h = out_h * p.block_height + shift_h - p.before_height;
      for (int out_w = 0; out_w < out_width; ++out_w) {
        const int in_w = out_w * p.block_width + shift_w - p.before_width;
        uint8_t* dst = out + ((static_cast<size_t>(out_b) * out_height + out_h) * out_width + out_w) * row_bytes;
        if (in_h < 0 || in_h >= in_height || in_w < 0 || in_w >= in_width) {
          std::memset(dst, 0, row_bytes);
        } else {
          std::memcpy(dst, in + ((static_cast<size_t>(in_b) * in_height + in_h) * in_width + in_w) * row_bytes,
                      row_bytes);
        }
      }
    }
  }
}

}  // namespace tinyforge::ref
