#include "libconvert/base/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "libconvert/base/text_format.h"

namespace tinyforge {
namespace {

constexpr double kRedrawSeconds = 0.1;
constexpr size_t kBarWidth = 20;

std::string Duration(double seconds) {
  const long s = std::lround(seconds);
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s / 60 % 60);
  }
  return text;
}

}  // namespace

std::string FormatProgressLine(const std::string& label, size_t done, size_t total, double elapsed_seconds) {
  const size_t shown = std::min(done, total);
  const size_t filled = total == 0 ? kBarWidth : shown * kBarWidth / total;
  std::string line = label + "  [" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "]  " +
                     Thousands(static_cast<int64_t>(done)) + "/" + Thousands(static_cast<int64_t>(total));
  if (elapsed_seconds > 0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed_seconds;
    char text[48];
    std::snprintf(text, sizeof text, rate >= 10 ? "  %.0f/s" : "  %.2f/s", rate);
    line += text;
    if (done < total) line += "  " + Duration(static_cast<double>(total - done) / rate) + " left";
  }
  return line;
}

Progress::Progress(std::string label, size_t total, bool enabled)
    : Progress(std::move(label), total,
               enabled && ::isatty(STDERR_FILENO) ? Sink([](const std::string& text) {
                 std::fputs(text.c_str(), stderr);
                 std::fflush(stderr);
               })
                                                   : Sink(),
               1.0) {}

Progress::Progress(std::string label, size_t total, Sink sink, double delay_seconds)
    : label_(std::move(label)),
      total_(total),
      sink_(std::move(sink)),
      delay_seconds_(delay_seconds),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(size_t n) {
  done_ += n;
  if (!sink_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (elapsed < delay_seconds_) return;
  // One thread draws; the others go on with their work.
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || finished_) return;
  if (last_draw_ >= 0 && elapsed - last_draw_ < kRedrawSeconds) return;
  last_draw_ = elapsed;
  sink_("\r" + FormatProgressLine(label_, done_.load(), total_, elapsed) + "\033[K");
}

std::function<void()> Progress::Callback() {
  return [this] { Advance(1); };
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (!sink_ || last_draw_ < 0) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  sink_("\r" + FormatProgressLine(label_, done_.load(), total_, elapsed) + "\033[K\n");
}

}  // namespace tinyforge
