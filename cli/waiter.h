#pragma once
// --wait: polls an operation until it ends or the deadline passes, showing
// its progress as it goes.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/api_client.h"
#include "cli/poll_clock.h"
#include "cli/progress.h"

namespace automat::cli {

enum class WaitOutcome { kCompleted, kFailed, kTimedOut };

struct WaitResult {
  WaitOutcome outcome = WaitOutcome::kTimedOut;
  nlohmann::json operation;  // the last operation object seen (null if none)
};

// One look at a resource being waited on: whether it is done, and what the
// progress line should say.
struct PollStep {
  WaitOutcome outcome = WaitOutcome::kTimedOut;  // kTimedOut: still going on
  double progress = 0;                           // 0..1
  std::string message;
};

struct WaitOptions {
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds timeout{600000};
};

// Process exit codes for a wait: 0 completed, 1 failed, 2 timed out.
int exit_code_of(WaitOutcome outcome);

class OperationWaiter {
 public:
  // None of the references are owned; all must outlive the waiter.
  OperationWaiter(ApiClient& api, PollClock& clock, ProgressPrinter& progress, WaitOptions options);

  // Polls GET /operations/<id> every poll_interval. COMPLETED -> kCompleted;
  // FAILED (or any other final state) -> kFailed; still SUBMITTED/RUNNING at
  // the deadline -> kTimedOut. An unreachable API or a 5xx answer is shown and
  // retried until the deadline; any other error answer (404, 401, ...) is
  // thrown as common::Error.
  WaitResult wait_for_operation(const std::string& operation_id);

  // Polls `probe` every poll_interval until it returns true (kCompleted) or
  // the deadline passes (kTimedOut), showing `message`. The deadline is the
  // same one wait_for_operation started (or starts now if none was).
  WaitOutcome wait_until(const std::function<bool()>& probe, const std::string& message);

  // Calls `poll` every poll_interval until it answers kCompleted or kFailed
  // (returned as is) or the deadline passes (kTimedOut), showing its
  // progress and message. Like wait_for_operation, an unreachable API or a
  // 5xx answer thrown by `poll` is shown and retried; any other
  // common::Error is thrown. Shares the deadline of the waits before it.
  WaitOutcome poll_until(const std::function<PollStep()>& poll);

  // Seconds since the first wait started.
  double elapsed_seconds() const;

 private:
  void start_clock();
  bool past_deadline() const;
  void pause();

  ApiClient& api_;
  PollClock& clock_;
  ProgressPrinter& progress_;
  WaitOptions options_;
  bool started_ = false;
  std::chrono::steady_clock::time_point start_;
};

// The operation's failure as lines for the user:
//   operation <id> (instance.create) FAILED: <message>
//     <host>: <error message>
std::string describe_failure(const nlohmann::json& operation);

}  // namespace automat::cli
