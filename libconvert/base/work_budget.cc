#include "libconvert/base/work_budget.h"

#include <atomic>

#include "libconvert/base/error.h"
#include "libconvert/base/text_format.h"

namespace tinyforge {
namespace {

std::atomic<int64_t> g_work_budget{kDefaultWorkBudget};

}  // namespace

int64_t WorkBudget() { return g_work_budget.load(); }

void SetWorkBudget(int64_t operations) {
  if (operations <= 0) throw Error("the work budget must be positive", ErrorCode::kInternal);
  g_work_budget.store(operations);
}

int64_t ParseWorkCount(const std::string& text, const std::string& flag) {
  const std::optional<int64_t> count = ParseScaledCount(text, 1000, false);
  if (!count || *count == 0) {
    throw Error(flag + " '" + text + "' is not a count of operations (a number, or one with K, M, G or T, e.g. 500G)");
  }
  return *count;
}

}  // namespace tinyforge
