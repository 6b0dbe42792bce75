#include "libconvert/interp/shared_memory.h"

#include <algorithm>
#include <optional>

#include "libconvert/base/cache_aligned.h"
#include "libconvert/base/checked_math.h"
#include "libconvert/interp/kernel.h"

namespace tinyforge::interp {

SharedMemoryPlan PlanSharedMemory(const tflite::SubGraphT& g, const std::vector<tflite::BuiltinOperator>& codes,
                                  const std::vector<int64_t>& bytes) {
  constexpr int kNone = -1;
  const size_t n = bytes.size();
  const int ops = static_cast<int>(g.operators.size());
  std::vector<int> first_write(n, kNone), last_use(n, kNone), first_read(n, ops), readers(n, 0), reader(n, kNone);
  std::vector<bool> kept(n, false);
  const auto valid = [n](int t) { return t >= 0 && static_cast<size_t>(t) < n; };
  for (int t : g.inputs) {
    if (valid(t)) kept[static_cast<size_t>(t)] = true;
  }
  for (int t : g.outputs) {
    if (valid(t)) kept[static_cast<size_t>(t)] = true;
  }
  for (int o = 0; o < ops; ++o) {
    for (int t : g.operators[static_cast<size_t>(o)]->inputs) {
      if (!valid(t)) continue;
      const size_t i = static_cast<size_t>(t);
      first_read[i] = std::min(first_read[i], o);
      last_use[i] = std::max(last_use[i], o);
      ++readers[i];
      reader[i] = o;
    }
    for (int t : g.operators[static_cast<size_t>(o)]->outputs) {
      if (!valid(t)) continue;
      const size_t i = static_cast<size_t>(t);
      if (first_write[i] == kNone) first_write[i] = o;
      last_use[i] = std::max(last_use[i], o);
    }
  }
  // Reading through a sole producer (one that runs before its reader, as
  // PrepareContext::SoleProducer requires): its inputs live until its
  // reader, and its outputs, usually never written, come second. Without a
  // code for every operator nothing can say which reads happen: nothing
  // shares.
  if (codes.size() != g.operators.size()) return {};
  std::vector<bool> second(n, false);
  for (int o = 0; o < ops; ++o) {
    const tflite::OperatorT& op = *g.operators[static_cast<size_t>(o)];
    for (int u : op.outputs) {
      if (!valid(u) || readers[static_cast<size_t>(u)] != 1) continue;
      const int through = reader[static_cast<size_t>(u)];
      const bool folds =
          through > o && MayFoldProducer(codes[static_cast<size_t>(through)], codes[static_cast<size_t>(o)]);
      if (!folds) continue;
      second[static_cast<size_t>(u)] = true;
      for (int t : op.inputs) {
        if (valid(t)) last_use[static_cast<size_t>(t)] = std::max(last_use[static_cast<size_t>(t)], through);
      }
    }
  }
  SharedMemoryPlan plan;
  std::vector<PlannerBuffer> buffers;
  size_t first_round = 0;
  // Every offset the planner gives is at most the sum of the sizes: where
  // that sum does not fit int64 (a hostile shape), nothing shares and the
  // memory budget refuses the tensors one by one.
  int64_t sum = 0;
  for (bool round_two : {false, true}) {
    for (size_t i = 0; i < n; ++i) {
      // A tensor read before it is written (or never written) holds what the
      // last run left there, or zeros: it keeps its own bytes.
      if (second[i] != round_two || bytes[i] <= 0 || kept[i] || first_write[i] == kNone ||
          first_read[i] <= first_write[i]) {
        continue;
      }
      constexpr int64_t kLine = static_cast<int64_t>(kCacheLineBytes);
      const std::optional<int64_t> padded = CheckedAdd(bytes[i], kLine - 1);
      const std::optional<int64_t> total = padded ? CheckedAdd(sum, *padded) : std::nullopt;
      if (!total) return {};
      sum = *total;
      plan.tensors.push_back(static_cast<int>(i));
      buffers.push_back({*padded / kLine * kLine, first_write[i], last_use[i]});
    }
    if (!round_two) first_round = buffers.size();
  }
  if (plan.tensors.size() > kMaxSharedTensors) return {};
  // The first round where the planner places it alone, the second around it.
  const auto split = buffers.begin() + static_cast<std::ptrdiff_t>(first_round);
  const PlannerResult first = PlanGreedy(std::vector<PlannerBuffer>(buffers.begin(), split));
  for (size_t k = 0; k < first_round; ++k) buffers[k].offline_offset = first.offsets[k];
  PlannerResult placed = split == buffers.end() ? first : PlanGreedy(buffers);
  plan.offsets = std::move(placed.offsets);
  plan.total_bytes = placed.total_bytes;
  return plan;
}

}  // namespace tinyforge::interp
