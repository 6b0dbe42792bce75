// int8 binary operators through a table of the reference's results.
#include <memory>
#include <vector>

#include "libconvert/interp/fast/fast_kernels.h"

namespace tinyforge::interp::fast {
namespace {

// Below this many output elements a table costs more to build than it saves.
constexpr int64_t kMinTableElements = 1024;

}  // namespace

EvalFn Int8BinaryByTable(const ref::BroadcastPlan& plan, const Int8BinaryFn& reference, const int8_t* input1,
                         const int8_t* input2, int8_t* output) {
  if (plan.flat_size < kMinTableElements) return {};
  // Every (x, y) pair once: entry (uint8 x) * 256 + (uint8 y).
  constexpr int kPairs = 256 * 256;
  std::vector<int8_t> x(kPairs), y(kPairs);
  for (int i = 0; i < kPairs; ++i) {
    x[static_cast<size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(i >> 8));
    y[static_cast<size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(i & 255));
  }
  auto table = std::make_shared<std::vector<int8_t>>(kPairs);
  const ref::Shape pairs{kPairs};
  reference(ref::MakeBroadcastPlan(pairs, pairs, pairs), x.data(), y.data(), table->data());
  return [table, plan, input1, input2, output] {
    const int8_t* t = table->data();
    ref::BroadcastBinary(plan, input1, input2, output, [t](int8_t a, int8_t b) {
      return t[static_cast<uint32_t>(static_cast<uint8_t>(a)) << 8 | static_cast<uint8_t>(b)];
    });
  };
}

}  // namespace tinyforge::interp::fast
