#pragma once
// A cli::PollClock whose time moves only when the code under test sleeps.
#include <chrono>
#include <vector>

#include "cli/poll_clock.h"

namespace automat::cli::testing {

class FakePollClock : public PollClock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    now_ += duration;
  }
  std::vector<std::chrono::milliseconds> sleeps;

 private:
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
};

}  // namespace automat::cli::testing
