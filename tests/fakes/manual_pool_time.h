#pragma once
// The time a WorkerPool reads due times in (WorkerPool::Now), moved only by
// the test: advance() moves it and tells the pool, so parked work runs again
// exactly when a test says its time has come, and no test waits a retry out.
#include <atomic>
#include <chrono>

#include "taskmanager/worker_pool.h"

namespace automat::testing {

class ManualPoolTime {
 public:
  using Clock = taskmanager::WorkerPool::Clock;
  taskmanager::WorkerPool::Now now() {
    return [this] { return Clock::time_point(Clock::duration(ticks_.load())); };
  }
  void advance(taskmanager::WorkerPool& pool, std::chrono::milliseconds by) {
    ticks_ += std::chrono::duration_cast<Clock::duration>(by).count();
    pool.time_moved();
  }

 private:
  std::atomic<Clock::rep> ticks_{0};
};

}  // namespace automat::testing
