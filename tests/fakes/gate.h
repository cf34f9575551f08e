#pragma once
// A gate a test opens by hand: code under test waits at it, so the test
// decides when a piece of work (a step, a guest job) may end.
#include <condition_variable>
#include <mutex>

namespace automat::testing {

struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void release() {
    {
      std::lock_guard<std::mutex> l(mu);
      open = true;
    }
    cv.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [this] { return open; });
  }
};

}  // namespace automat::testing
