#include "libconvert/base/memory_budget.h"

#include <atomic>
#include <cctype>
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
  const auto bad = [&]() -> Error {
    return Error(flag + " '" + text + "' is not a memory size (bytes, or a number with K, M, G or T, e.g. 512M)");
  };
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const std::optional<int64_t> tens = CheckedMul(value, 10);
    const std::optional<int64_t> next = tens ? CheckedAdd(*tens, text[i] - '0') : std::nullopt;
    if (!next) throw bad();
    value = *next;
    ++i;
  }
  if (i == 0) throw bad();
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = 0;
  if (!unit.empty() && unit != "B") {
    const std::string units = "KMGT";
    const size_t u = units.find(unit[0]);
    const std::string rest = unit.substr(1);
    if (u == std::string::npos || !(rest.empty() || rest == "B" || rest == "IB")) throw bad();
    shift = 10 * static_cast<int>(u + 1);
  }
  const std::optional<int64_t> bytes = CheckedMul(value, int64_t{1} << shift);
  if (!bytes || *bytes == 0) throw bad();
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
