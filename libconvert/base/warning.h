// Warnings: things a user should know that do not stop the work (a range of
// data that does not look like what a model expects, too few calibration
// samples). Every part of tinyforge reports them through Warn, so they look
// the same everywhere ("warning: ..." on stderr, one line) and each distinct
// message is printed once per process, however many samples or threads hit
// it.
#pragma once

#include <functional>
#include <string>

namespace tinyforge {

// Reports `message` (one line, no trailing newline) unless it was reported
// before. Thread-safe.
void Warn(const std::string& message);

// Where warnings go instead of stderr (tests); an empty function restores
// stderr. Returns the previous sink.
using WarningSink = std::function<void(const std::string&)>;
WarningSink SetWarningSink(WarningSink sink);

}  // namespace tinyforge
