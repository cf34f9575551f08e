#pragma once
// Time for --wait as a seam: a monotonic "now" and a sleep, so the waiter can
// be tested without sleeping.
#include <chrono>
#include <thread>

namespace automat::cli {

class PollClock {
 public:
  virtual ~PollClock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Blocks the caller for about `duration`.
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SteadyPollClock : public PollClock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    std::this_thread::sleep_for(duration);
  }
};

}  // namespace automat::cli
