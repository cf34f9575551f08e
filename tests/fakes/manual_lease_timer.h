#pragma once
// A taskmanager::LeaseTimer that moves only when the test says: advance(d)
// moves its time and returns once every keeper it woke has renewed and waits
// again (or has ended), so a test plays minutes of renewals without
// sleeping and without racing the keepers' threads.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "taskmanager/lease_keeper.h"

namespace automat::testing {

class ManualLeaseTimer : public taskmanager::LeaseTimer {
 public:
  Clock::time_point now() override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }

  bool wait_until(Clock::time_point deadline, const std::function<bool()>& stopping) override {
    std::unique_lock<std::mutex> l(mu_);
    awake_.erase(std::this_thread::get_id());
    const auto it = deadlines_.insert(deadline);
    cv_.notify_all();
    cv_.wait(l, [&] { return stopping() || now_ >= deadline; });
    deadlines_.erase(it);
    awake_.insert(std::this_thread::get_id());
    cv_.notify_all();
    return stopping();
  }

  void wake() override {
    { std::lock_guard<std::mutex> l(mu_); }
    cv_.notify_all();
  }

  void leave() override {
    std::lock_guard<std::mutex> l(mu_);
    awake_.erase(std::this_thread::get_id());
    cv_.notify_all();
  }

  // Returns once `n` keepers wait (a new keeper's thread has started).
  void await_waiters(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    EXPECT_TRUE(cv_.wait_for(l, kPatience, [&] { return deadlines_.size() >= n; }))
        << "no keeper waited";
  }

  // Moves the time by `d`; returns once every keeper due by then has done
  // its round (renewed and waits again, or ended).
  void advance(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> l(mu_);
    now_ += d;
    cv_.notify_all();
    EXPECT_TRUE(cv_.wait_for(l, kPatience, [&] {
      return awake_.empty() && (deadlines_.empty() || *deadlines_.begin() > now_);
    })) << "a keeper never finished its round";
  }

  // `total` in steps of `step`, each settled as advance() does.
  void advance_by_steps(std::chrono::milliseconds total, std::chrono::milliseconds step) {
    for (std::chrono::milliseconds done{0}; done < total; done += step) advance(step);
  }

 private:
  // How long a keeper's round may take on a loaded machine (not a wait in
  // a passing test: rounds end in microseconds).
  static constexpr std::chrono::seconds kPatience{10};
  std::mutex mu_;
  std::condition_variable cv_;
  Clock::time_point now_ = Clock::now();
  std::multiset<Clock::time_point> deadlines_;
  std::set<std::thread::id> awake_;
};

}  // namespace automat::testing
