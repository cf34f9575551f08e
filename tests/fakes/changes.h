#pragma once
// Lets a test wait for a fake to have seen something (a publish, an ack, a
// destroy) without sleeping: the fake bump()s on every event it records, and
// await(pred) re-checks `pred` after each bump until it holds or `patience`
// runs out. `pred` is called without any lock held, so it may use the
// fake's own locking accessors.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace automat::testing {

class Changes {
 public:
  void bump() {
    {
      std::lock_guard<std::mutex> l(mu_);
      ++version_;
    }
    cv_.notify_all();
  }

  template <typename Pred>
  bool await(Pred pred, std::chrono::milliseconds patience = std::chrono::seconds(5)) {
    const auto until = std::chrono::steady_clock::now() + patience;
    while (true) {
      uint64_t seen = 0;
      {
        std::lock_guard<std::mutex> l(mu_);
        seen = version_;
      }
      if (pred()) return true;  // read after `seen`: a later event bumps past it
      std::unique_lock<std::mutex> l(mu_);
      if (!cv_.wait_until(l, until, [&] { return version_ != seen; })) {
        l.unlock();
        return pred();
      }
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t version_ = 0;
};

}  // namespace automat::testing
