#pragma once
// Stopping a service: StopSignal is a one-way "please stop" flag that
// sleeping loops wait on, so SIGTERM ends a back-off, a retry wait or a scan
// interval at once instead of after it; block_stop_signals()/
// wait_for_stop_signal() route SIGTERM and SIGINT to one waiting thread.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace automat::common {

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

// Blocks SIGTERM and SIGINT in the calling thread and in every thread it
// starts later, so only wait_for_stop_signal() receives them. Call first
// thing in main(), before any thread exists.
inline sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Waits for one of the signals blocked by block_stop_signals(); returns it.
inline int wait_for_stop_signal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace automat::common
