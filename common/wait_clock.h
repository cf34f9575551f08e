#pragma once
// The time a wait is measured in, and the pause between its looks: a loop
// that waits for something (a process to exit, a login to be accepted) asks
// this seam for both, so a unit test's fake moves time at once instead of
// sleeping (tests/fakes/fake_wait_clock.h). The service's is steady time
// and a real sleep (steady_wait_clock()).
#include <chrono>
#include <thread>

namespace automat::common {

class WaitClock {
 public:
  virtual ~WaitClock() = default;
  virtual std::chrono::steady_clock::time_point now() = 0;
  // Pauses the calling thread for `d` (a fake: moves its time by `d`).
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

class SteadyWaitClock : public WaitClock {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

// The process's steady clock; thread-safe, lives as long as the process.
inline WaitClock& steady_wait_clock() {
  static SteadyWaitClock clock;
  return clock;
}

}  // namespace automat::common
