#include "libconvert/base/memory_budget.h"

#include <atomic>
#include <utility>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/base/text_format.h"

namespace tinyforge {
namespace {

std::atomic<int64_t> g_budget{kDefaultMemoryBudget};
std::atomic<int64_t> g_in_use{0};

}  // namespace

int64_t MemoryBudget() { return g_budget.load(); }

void SetMemoryBudget(int64_t bytes) {
  if (bytes <= 0) throw Error("the memory budget must be positive", ErrorCode::kInternal);
  g_budget.store(bytes);
}

int64_t ParseMemorySize(const std::string& text, const std::string& flag) {
  const std::optional<int64_t> bytes = ParseScaledCount(text, 1024, true);
  if (!bytes || *bytes == 0) {
    throw Error(flag + " '" + text + "' is not a memory size (bytes, or a number with K, M, G or T, e.g. 512M)");
  }
  return *bytes;
}

MemoryReservation::MemoryReservation(int64_t bytes, const std::string& what) {
  const int64_t before = g_in_use.fetch_add(bytes);
  const std::optional<int64_t> after = CheckedAdd(before, bytes);
  if (!after || *after > g_budget.load()) {
    g_in_use.fetch_sub(bytes);
    throw Error(what + " needs " + BinaryBytes(bytes) +
                (before > 0 ? ", which with " + BinaryBytes(before) + " already in use" : std::string(", which")) +
                " exceeds the memory budget of " + BinaryBytes(g_budget.load()) + " (raise it with --max-memory)");
  }
  bytes_ = bytes;
}

MemoryReservation::~MemoryReservation() {
  if (bytes_ > 0) g_in_use.fetch_sub(bytes_);
}

MemoryReservation::MemoryReservation(MemoryReservation&& other) noexcept
    : bytes_(std::exchange(other.bytes_, 0)) {}

MemoryReservation& MemoryReservation::operator=(MemoryReservation&& other) noexcept {
  if (this != &other) {
    if (bytes_ > 0) g_in_use.fetch_sub(bytes_);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

}  // namespace tinyforge
