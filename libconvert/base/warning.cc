#include "libconvert/base/warning.h"

#include <cstdio>
#include <mutex>
#include <set>
#include <utility>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

std::mutex& WarningMutex() {
  static std::mutex mutex;
  return mutex;
}

struct WarningState {
  std::set<std::string> seen;
  WarningSink sink;
};

WarningState& State() {
  static WarningState state;
  return state;
}

}  // namespace

void Warn(const std::string& message) {
  const std::string line = EscapeControl(message);
  std::lock_guard<std::mutex> lock(WarningMutex());
  WarningState& state = State();
  if (!state.seen.insert(line).second) return;
  if (state.sink) {
    state.sink(line);
  } else {
    std::fprintf(stderr, "warning: %s\n", line.c_str());
  }
}

WarningSink SetWarningSink(WarningSink sink) {
  std::lock_guard<std::mutex> lock(WarningMutex());
  WarningState& state = State();
  state.seen.clear();
  return std::exchange(state.sink, std::move(sink));
}

}  // namespace tinyforge
