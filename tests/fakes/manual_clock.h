#pragma once
// A common::Clock that tests move by hand (no sleeping).
#include <chrono>

#include "common/clock.h"

namespace automat::testing {

class ManualClock : public common::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::seconds d) { now_ += d; }

 private:
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

}  // namespace automat::testing
