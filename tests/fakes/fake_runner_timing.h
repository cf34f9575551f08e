#pragma once
// Runner timing for unit tests (taskmanager::RunnerOptions::now/pause, and
// the lease keepers' timer, which moves only when a test advances it): a
// step's retry happens at once and the runner's time jumps by its
// retry_after, so a step's timeout is reached without sleeping. `on_pause`
// (optional) runs at each pause, before the retry: the test plays the
// world's next move there (a node joins, a guest job ends) instead of from
// a thread that sleeps.
#include <chrono>
#include <functional>
#include <memory>

#include "taskmanager/operation_runner.h"
#include "tests/fakes/manual_lease_timer.h"

namespace automat::testing {

struct FakeRunnerTiming {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  // The lease keepers' time: still unless a test moves it.
  ManualLeaseTimer lease;
  std::function<void(std::chrono::milliseconds)> on_pause;
  int pauses = 0;

  // `options` with this timing; `this` must outlive the runner.
  taskmanager::RunnerOptions apply(taskmanager::RunnerOptions options) {
    options.now = [this] { return now; };
    options.lease_timer = &lease;
    options.pause = [this](common::StopSignal& stop, std::chrono::milliseconds d) {
      ++pauses;
      now += d;
      if (on_pause) on_pause(d);
      return stop.requested();
    };
    return options;
  }
};

}  // namespace automat::testing
