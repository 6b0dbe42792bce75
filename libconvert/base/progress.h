// A progress bar for long runs (comparison, calibration, pruning search):
//
//   Progress progress("compare", samples, !quiet);
//   options.on_sample = progress.Callback();   // Advance() from any thread
//   ... run ...
//   // the destructor finishes the line
//
// It draws on stderr only when stderr is a terminal and the work has taken
// over a second, and redraws at most ten times a second:
//   compare  [#########...........]  4,500/9,000  1,234/s  4s left
// Otherwise it prints nothing, so logs and pipes stay clean.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace tinyforge {

class Progress {
 public:
  // Where the bar is drawn: each call gets the whole text to show, starting
  // with '\r' (and ending with '\n' for the last one).
  using Sink = std::function<void(const std::string&)>;

  // Draws to stderr when `enabled` and stderr is a terminal.
  Progress(std::string label, size_t total, bool enabled);
  // Draws to `sink` once `delay_seconds` have passed (for tests).
  Progress(std::string label, size_t total, Sink sink, double delay_seconds);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Counts `n` more units done. Safe from any thread.
  void Advance(size_t n = 1);
  // A callable that calls Advance(1); it must not outlive this object.
  std::function<void()> Callback();
  // Finishes the line now (when anything was drawn); later Advance calls
  // draw nothing. The destructor calls it.
  void Finish();

  size_t done() const { return done_.load(); }

 private:
  void Draw(bool final_line);

  std::string label_;
  size_t total_;
  Sink sink_;
  double delay_seconds_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<size_t> done_{0};
  std::mutex mutex_;           // guards what follows
  double last_draw_ = -1;      // seconds since start; -1: never drawn
  bool finished_ = false;
};

// The text of one bar (no '\r' or '\n'): label, a 20-character bar, done of
// total with thousands separators, the rate per second and the time left
// (when it can be estimated).
std::string FormatProgressLine(const std::string& label, size_t done, size_t total, double elapsed_seconds);

}  // namespace tinyforge
