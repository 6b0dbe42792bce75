#include "libconvert/interp/ref/space_depth.h"

#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {
namespace {

SpaceDepthParams Prepare(const char* op, const Shape& space, const Shape& depth_side, int block_size) {
  const std::string where = std::string(op) + ": space shape " + ShapeToString(space) + ", depth shape " +
                            ShapeToString(depth_side) + ", block_size " + std::to_string(block_size);
  if (space.rank() != 4 || depth_side.rank() != 4) throw Error(where + ": shapes must be 4D (NHWC)");
  if (block_size <= 0) throw Error(where + ": block_size must be positive");
  const int32_t bs = block_size;
  if (space.dim(1) % bs != 0 || space.dim(2) % bs != 0) {
    throw Error(where + ": height and width must be multiples of block_size");
  }
  const Shape expected{space.dim(0), space.dim(1) / bs, space.dim(2) / bs, space.dim(3) * bs * bs};
  if (expected != depth_side) throw Error(where + ": the depth-side shape should be " + ShapeToString(expected));
  return {bs, space.dim(0), space.dim(1), space.dim(2), space.dim(3)};
}

// Calls move(space_index, depth_index) for every element.
template <typename Move>
void ForEachPair(const SpaceDepthParams& p, Move move) {
  const int64_t bs = p.block_size;
  const int64_t out_h = p.height / bs, out_w = p.width / bs, out_d = p.depth * bs * bs;
  int64_t space_index = 0;
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t h = 0; h < p.height; ++h) {
      for (int64_t w = 0; w < p.width; ++w) {
        const int64_t depth_base =
            ((b * out_h + h / bs) * out_w + w / bs) * out_d + ((h % bs) * bs + w % bs) * p.depth;
        for (int64_t c = 0; c < p.depth; ++c) move(space_index++, depth_base + c);
      }
    }
  }
}

}  // namespace

SpaceDepthParams PrepareSpaceToDepth(const Shape& input, int block_size, const Shape& output) {
  return Prepare("SPACE_TO_DEPTH", input, output, block_size);
}

SpaceDepthParams PrepareDepthToSpace(const Shape& input, int block_size, const Shape& output) {
  return Prepare("DEPTH_TO_SPACE", output, input, block_size);
}

template <typename T>
void SpaceToDepth(const SpaceDepthParams& params, const T* input, T* output) {
  ForEachPair(params, [&](int64_t s, int64_t d) { output[d] = input[s]; });
}

template <typename T>
void DepthToSpace(const SpaceDepthParams& params, const T* input, T* output) {
  ForEachPair(params, [&](int64_t s, int64_t d) { output[s] = input[d]; });
}

template void SpaceToDepth<float>(const SpaceDepthParams&, const float*, float*);
template void SpaceToDepth<int8_t>(const SpaceDepthParams&, const int8_t*, int8_t*);
template void DepthToSpace<float>(const SpaceDepthParams&, const float*, float*);
template void DepthToSpace<int8_t>(const SpaceDepthParams&, const int8_t*, int8_t*);

}  // namespace tinyforge::ref
