#pragma once
// A common::Clock that tests move by hand (no sleeping).
#include <chrono>

#include "common/clock.h"

namespace automat::testing {

class ManualClock : public common::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  template <typename Rep, typename Period>
  void advance(std::chrono::duration<Rep, Period> d) {
    now_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }

 private:
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

}  // namespace automat::testing
