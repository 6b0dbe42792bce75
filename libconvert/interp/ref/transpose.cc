#include "libconvert/interp/ref/transpose.h"

#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"
#include "libconvert/interp/ref/strided_copy.h"

namespace tinyforge::ref {
namespace {

std::string PermString(const std::vector<int32_t>& perm) {
  std::string s = "[";
  for (size_t i = 0; i < perm.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(perm[i]);
  }
  return s + "]";
}

}  // namespace

TransposeParams PrepareTranspose(const Shape& input, const std::vector<int32_t>& perm,
                                 const Shape& output) {
  const std::string where = "TRANSPOSE: input " + ShapeToString(input) + ", perm " +
                            PermString(perm) + ", output " + ShapeToString(output);
  const int rank = input.rank();
  if (rank > kMaxTransposeRank) {
    throw Error(where + ": rank " + std::to_string(rank) + " exceeds the supported maximum of " +
                std::to_string(kMaxTransposeRank));
  }
  if (static_cast<int>(perm.size()) != rank || output.rank() != rank) {
    throw Error(where + ": perm and output must have one entry per input axis");
  }
  std::array<bool, kMaxTransposeRank> seen{};
  for (int32_t p : perm) {
    if (p < 0 || p >= rank || seen[static_cast<size_t>(p)]) {
      throw Error(where + ": perm must list every axis 0.." + std::to_string(rank - 1) +
                  " exactly once");
    }
    seen[static_cast<size_t>(p)] = true;
  }
  std::array<int64_t, kMaxTransposeRank> strides{};
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    strides[static_cast<size_t>(i)] = stride;
    stride *= input.dim(i);
  }
  TransposeParams params;
  params.rank = rank;
  for (int i = 0; i < rank; ++i) {
    const auto k = static_cast<size_t>(i);
    const int source_axis = perm[k];
    if (output.dim(i) != input.dim(source_axis)) {
      throw Error(where + ": output axis " + std::to_string(i) + " should have size " +
                  std::to_string(input.dim(source_axis)));
    }
    params.output_dims[k] = output.dim(i);
    params.input_strides[k] = strides[static_cast<size_t>(source_axis)];
  }
  return params;
}

template <typename T>
void Transpose(const TransposeParams& params, const T* input, T* output) {
  // Left-pad to kMaxTransposeRank axes of size 1 so one fixed loop nest
  // serves every rank.
  std::array<int64_t, kMaxTransposeRank> d;
  std::array<int64_t, kMaxTransposeRank> s;
  d.fill(1);
  s.fill(0);
  const int lead = kMaxTransposeRank - params.rank;
  for (int i = 0; i < params.rank; ++i) {
    d[static_cast<size_t>(lead + i)] = params.output_dims[static_cast<size_t>(i)];
    s[static_cast<size_t>(lead + i)] = params.input_strides[static_cast<size_t>(i)];
  }
  static_assert(kMaxTransposeRank == kStridedCopyRank, "one strided copy serves every rank");
  StridedCopy(d, s, input, output);
}

template void Transpose<float>(const TransposeParams&, const float*, float*);
template void Transpose<int8_t>(const TransposeParams&, const int8_t*, int8_t*);
template void Transpose<uint8_t>(const TransposeParams&, const uint8_t*, uint8_t*);
template void Transpose<int16_t>(const TransposeParams&, const int16_t*, int16_t*);
template void Transpose<int32_t>(const TransposeParams&, const int32_t*, int32_t*);
template void Transpose<int64_t>(const TransposeParams&, const int64_t*, int64_t*);
template void Transpose<bool>(const TransposeParams&, const bool*, bool*);

}  // namespace tinyforge::ref
