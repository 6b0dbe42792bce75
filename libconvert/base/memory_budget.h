// The process's budget for memory whose size a model file claims (tensor
// storage, output arrays): a hostile shape gets a clear bad-input error
// naming what it asked for, before anything is allocated, instead of an
// out-of-memory death. The CLI sets it from --max-memory; the default fits a
// laptop.
//
//   MemoryReservation r(bytes, "m.tflite: subgraph 0's tensors (largest: ...)");
//   ... allocate `bytes` ...          // r releases them when it goes away
//
// Reservations from all threads share the budget, so N interpreters running
// in parallel count N times.
#pragma once

#include <cstdint>
#include <string>

namespace tinyforge {

constexpr int64_t kDefaultMemoryBudget = int64_t{4} << 30;  // 4 GiB

int64_t MemoryBudget();
// bytes > 0.
void SetMemoryBudget(int64_t bytes);

// Parses a --max-memory value: bytes, or a number with K, M, G or T (powers
// of 1024, an optional trailing "B" or "iB"), e.g. "512M", "8GiB". An Error
// naming `flag` when it is not one or is 0.
int64_t ParseMemorySize(const std::string& text, const std::string& flag);

class MemoryReservation {
 public:
  MemoryReservation() = default;
  // Reserves `bytes` (>= 0); throws Error (kBadInput) when they would take
  // the process over the budget: "<what> needs <bytes>, which with <n>
  // already in use exceeds the memory budget of <budget> (--max-memory)".
  MemoryReservation(int64_t bytes, const std::string& what);
  ~MemoryReservation();
  MemoryReservation(MemoryReservation&& other) noexcept;
  MemoryReservation& operator=(MemoryReservation&& other) noexcept;
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  int64_t bytes() const { return bytes_; }

 private:
  int64_t bytes_ = 0;
};

}  // namespace tinyforge
