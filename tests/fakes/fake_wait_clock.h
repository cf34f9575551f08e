#pragma once
// A common::WaitClock whose time moves only when the code under test pauses
// (or the test advances it), so a grace period or a login timeout is reached
// without waiting for it. `on_sleep` (optional) runs after each pause has
// moved the time: the test plays the world's next move there (e.g. waits
// for a real child it signalled to be gone) instead of from a thread that
// sleeps. Thread-safe; `on_sleep` runs without the lock held.
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "common/wait_clock.h"

namespace automat::testing {

class FakeWaitClock : public common::WaitClock {
 public:
  std::chrono::steady_clock::time_point now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void sleep_for(std::chrono::milliseconds d) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      now_ += d;
      sleeps_.push_back(d);
    }
    if (on_sleep) on_sleep(d);
  }
  void advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  // Every pause so far, in order.
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

  std::function<void(std::chrono::milliseconds)> on_sleep;

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace automat::testing
