// Threads that share one operator's work, so that one inference uses
// several cores (InterpreterOptions::threads). The fast kernels split their
// work into tasks whose results do not depend on which thread runs them, or
// on how many threads there are.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tinyforge::interp {

class ThreadPool {
 public:
  // `threads` threads in all: the caller of Run and threads - 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls task(i) for every i in [0, tasks), spread over the threads, and
  // returns when all have returned. Tasks must not throw. One Run at a time.
  void Run(int64_t tasks, const std::function<void(int64_t)>& task);

 private:
  void Work();
  void WorkerLoop();

  std::vector<std::thread> workers_;
  // Workers spin a little before they sleep on start_, and Run spins before
  // it sleeps on done_: an inference runs one Run per operator, tens of
  // microseconds apart, and a wake-up from sleep costs about as much as a
  // small operator takes. The mutex orders every sleep against the change
  // that ends it, so no wake-up is lost.
  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::atomic<uint64_t> generation_{0};  // one per Run
  std::atomic<bool> stop_{false};
  std::atomic<int> busy_{0};  // workers still in the current Run
  const std::function<void(int64_t)>* task_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
};

// Calls task(i) for i in [0, tasks) on `pool`, or in order on this thread
// when pool is null.
template <typename Task>
void ParallelFor(ThreadPool* pool, int64_t tasks, Task task) {
  if (pool == nullptr || tasks <= 1) {
    for (int64_t i = 0; i < tasks; ++i) task(i);
    return;
  }
  pool->Run(tasks, std::function<void(int64_t)>(task));
}

}  // namespace tinyforge::interp
