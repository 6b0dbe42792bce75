#include "libconvert/base/buffer_plan.h"

#include <algorithm>

namespace tinyforge {

PlannerResult PlanGreedy(const std::vector<PlannerBuffer>& buffers) {
  PlannerResult result;
  const size_t n = buffers.size();
  result.offsets.assign(n, 0);
  if (n == 0) return result;

  // Placement order: offline buffers as added, then online ones by size,
  // largest first, ties to the later-added buffer (TFLM fills its sort array
  // in reverse add order and sorts it stably).
  std::vector<size_t> order;
  std::vector<size_t> online;
  for (size_t i = 0; i < n; ++i) {
    (buffers[i].offline_offset == kOnlinePlanned ? online : order).push_back(i);
  }
  std::reverse(online.begin(), online.end());
  std::stable_sort(online.begin(), online.end(),
                   [&](size_t a, size_t b) { return buffers[a].size > buffers[b].size; });
  order.insert(order.end(), online.begin(), online.end());

  // Placed buffers in offset order; a new one goes after those at the same offset.
  std::vector<size_t> placed;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t id = order[k];
    const PlannerBuffer& want = buffers[id];
    int64_t offset = 0;
    if (want.offline_offset != kOnlinePlanned) {
      offset = want.offline_offset;
    } else if (k > 0) {
      for (size_t other : placed) {
        const PlannerBuffer& b = buffers[other];
        if (b.first_use > want.last_use || want.first_use > b.last_use) continue;
        if (result.offsets[other] - offset >= want.size) break;  // the gap before it fits
        offset = std::max(offset, result.offsets[other] + b.size);
      }
    }
    result.offsets[id] = offset;
    const auto at = std::upper_bound(placed.begin(), placed.end(), offset,
                                     [&](int64_t value, size_t p) { return value < result.offsets[p]; });
    placed.insert(at, id);
  }
  for (size_t i = 0; i < n; ++i) {
    result.total_bytes = std::max(result.total_bytes, result.offsets[i] + buffers[i].size);
  }
  return result;
}

}  // namespace tinyforge
