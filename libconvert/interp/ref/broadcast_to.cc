#include "libconvert/interp/ref/broadcast_to.h"

#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/strided_copy.h"

namespace tinyforge::ref {

BroadcastToParams PrepareBroadcastTo(const Shape& input, const std::vector<int64_t>& target,
                                     const Shape& output) {
  const std::string where = "BROADCAST_TO: input " + ShapeToString(input) + ", output " + ShapeToString(output);
  constexpr int kMaxBroadcastToRank = 5;
  if (output.rank() > kMaxBroadcastToRank) throw Error(where + ": rank exceeds 5");
  if (input.rank() > output.rank()) throw Error(where + ": the input has more axes than the output");
  if (static_cast<int>(target.size()) != output.rank()) {
    throw Error(where + ": the shape input has " + std::to_string(target.size()) + " values");
  }
  for (int i = 0; i < output.rank(); ++i) {
    if (target[static_cast<size_t>(i)] != output.dim(i)) {
      throw Error(where + ": the shape input's value " + std::to_string(target[static_cast<size_t>(i)]) +
                  " differs from output axis " + std::to_string(i));
    }
  }
  const int lead = output.rank() - input.rank();
  for (int i = 0; i < input.rank(); ++i) {
    if (input.dim(i) != 1 && input.dim(i) != output.dim(lead + i)) {
      throw Error(where + ": input axis " + std::to_string(i) + " cannot be broadcast");
    }
  }
  BroadcastToParams p;
  p.flat_size = output.FlatSize();
  const Shape in = input.Extended(kMaxBroadcastRank);
  const Shape out = output.Extended(kMaxBroadcastRank);
  int64_t stride = 1;
  for (int i = kMaxBroadcastRank - 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    p.output_dims[k] = out.dim(i);
    p.input_strides[k] = in.dim(i) == 1 ? 0 : stride;
    stride *= in.dim(i);
  }
  return p;
}

template <typename T>
void BroadcastTo(const BroadcastToParams& p, const T* input, T* output) {
  if (p.flat_size == 0) return;
  static_assert(kMaxBroadcastRank == kStridedCopyRank, "one strided copy serves every rank");
  StridedCopy(p.output_dims, p.input_strides, input, output);
}

template void BroadcastTo<float>(const BroadcastToParams&, const float*, float*);
template void BroadcastTo<int8_t>(const BroadcastToParams&, const int8_t*, int8_t*);
template void BroadcastTo<uint8_t>(const BroadcastToParams&, const uint8_t*, uint8_t*);
template void BroadcastTo<int16_t>(const BroadcastToParams&, const int16_t*, int16_t*);
template void BroadcastTo<int32_t>(const BroadcastToParams&, const int32_t*, int32_t*);
template void BroadcastTo<int64_t>(const BroadcastToParams&, const int64_t*, int64_t*);
template void BroadcastTo<bool>(const BroadcastToParams&, const bool*, bool*);

}  // namespace tinyforge::ref
