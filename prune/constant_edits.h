// Edits of constant tensors that channel pruning makes: slicing along an
// axis, resizing an activation's channels, growing a reader's bias.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge::prune {

// Gives tensor `t` the bytes `data`: in its own buffer when it shares one.
void SetData(Model& m, size_t sg, int t, std::vector<uint8_t> data);

// Keeps the elements whose index along `axis` satisfies keep(index).
std::vector<uint8_t> KeepAlong(Span<const uint8_t> data, const std::vector<int32_t>& shape, size_t element,
                               size_t axis, const std::vector<bool>& keep);

// Slices a constant tensor along `axis` (data, shape, per-channel
// quantization on that axis).
void SliceConstant(Model& m, size_t sg, int t, size_t axis, const std::vector<bool>& keep);

// Resizes the last dim of an activation tensor.
void SetLastDim(Model& m, size_t sg, int t, int32_t dim);

// Mask over `n` columns where column j holds channel j % keep.size().
std::vector<bool> PeriodicMask(const std::vector<bool>& keep, int32_t n);

// Adds `delta` (real units, per output channel) to a reader's bias, creating
// the bias when the reader has none.
void AddToBias(Model& m, size_t sg, size_t op_index, const std::vector<double>& delta);

}  // namespace tinyforge::prune
