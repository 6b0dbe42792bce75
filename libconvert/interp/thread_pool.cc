#include "libconvert/interp/thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tinyforge::interp {
namespace {

// How long a thread keeps checking before it sleeps: longer than the gap
// between two operators of one inference, short enough that an idle pool
// gives its cores back at once.
constexpr auto kSpin = std::chrono::microseconds(200);

void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Spins until done() or kSpin has passed; returns done().
template <typename Done>
bool SpinUntil(Done done) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 1;; ++i) {
    if (done()) return true;
    Pause();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  start_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::Run(int64_t tasks, const std::function<void(int64_t)>& task) {
  if (workers_.empty() || tasks <= 1) {
    for (int64_t i = 0; i < tasks; ++i) task(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    tasks_ = tasks;
    next_.store(0);
    busy_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  Work();
  const auto finished = [this] { return busy_.load(std::memory_order_acquire) == 0; };
  if (!SpinUntil(finished)) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, finished);
  }
  task_ = nullptr;
}

// Takes tasks from the shared counter until none are left.
void ThreadPool::Work() {
  for (int64_t i = next_.fetch_add(1); i < tasks_; i = next_.fetch_add(1)) (*task_)(i);
}

void ThreadPool::WorkerLoop() {
  uint64_t seen = 0;
  const auto started = [&] { return stop_.load() || generation_.load(std::memory_order_acquire) != seen; };
  for (;;) {
    if (!SpinUntil(started)) {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, started);
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    Work();
    // The last worker out wakes Run if it went to sleep; taking the mutex
    // orders this against Run's check of busy_.
    if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace tinyforge::interp
