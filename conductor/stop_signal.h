#pragma once
// A one-way "please stop" flag that sleeping loops can wait on, so SIGTERM
// ends a back-off or an interval at once instead of after it.
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace automat::conductor {

class StopSignal {
 public:
  // Wakes every waiter; requested() is true from then on. Thread-safe.
  void request() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requested_ = true;
    }
    cv_.notify_all();
  }

  bool requested() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requested_;
  }

  // Sleeps up to `d`; returns true (early) when a stop was requested.
  bool wait_for(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [this] { return requested_; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
};

}  // namespace automat::conductor
