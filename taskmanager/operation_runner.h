#pragma once
// Runs one claimed operation: finds its datastore's workflow, runs the steps
// from the saved cursor, saves the cursor after every step, retries waiting
// steps until their timeout, and finishes the operation COMPLETED or FAILED
// (with the failing host and why). Starts a step attempt, saves the cursor,
// fails or completes only while its lease is certainly held (LeaseKeeper),
// so two taskmanagers never drive one operation at once: once the lease is
// or may be lost it stops at the next step boundary and writes nothing more
// (an attempt already under way ends first; steps are idempotent).
//
// A step that answers "retry after" does not hold a thread while it waits:
// start() gives a Run that advance()s to the step's next retry and returns,
// and the service's WorkerPool parks it (lease still renewed) and lets other
// operations use the worker until it is due (OperationDispatcher).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/stop_signal.h"
#include "db/models.h"
#include "taskmanager/lease_keeper.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

// The workflows of a datastore by its manager name ("mysql"); nullptr when
// none is registered. In the service: datastores::workflow_factory.
using WorkflowLookup = std::function<std::unique_ptr<WorkflowFactory>(const std::string& manager)>;

struct RunnerOptions {
  using TimePoint = std::chrono::steady_clock::time_point;
  std::string owner;              // this taskmanager's id (hostname:pid:random)
  std::chrono::seconds lease{5};  // renewed while the operation runs (LeaseKeeper)
  // The time a step's timeout is measured in, and the pause between its
  // retries (true: stop was requested meanwhile). The service's are steady
  // time and a wait on the stop signal; a unit test's move a fake time at
  // once (tests/fakes/fake_runner_timing.h), so no test sleeps through
  // retries and a timeout is reached without waiting for it.
  std::function<TimePoint()> now = [] { return std::chrono::steady_clock::now(); };
  std::function<bool(common::StopSignal&, std::chrono::milliseconds)> pause =
      [](common::StopSignal& stop, std::chrono::milliseconds d) { return stop.wait_for(d); };
  // The lease keepers' time (null: steady_lease_timer()); a unit test's
  // moves by hand (tests/fakes/manual_lease_timer.h).
  LeaseTimer* lease_timer = nullptr;
};

class OperationRunner {
 public:
  enum class Outcome {
    kCompleted,  // every step done; operation COMPLETED
    kFailed,     // a step failed or timed out; operation FAILED, on_failure ran
    kLeaseLost,  // another owner holds it now, or may (no renewal succeeded
                 // for a lease length); nothing more was written
    kAbandoned,  // stop requested or the database failed (also inside a
                 // step); the lease is let go so the operation resumes from
                 // its cursor later
  };

  // `services`, `stop` must outlive the runner. Thread-safe: run() may be
  // called from several workers at once for different operations.
  OperationRunner(Services& services, WorkflowLookup lookup, RunnerOptions options,
                  common::StopSignal& stop);

  // One operation on its way through its steps, resumable between a step's
  // retries. Not thread-safe; one thread at a time advances it.
  class Run {
   public:
    // Runs steps until the operation ends (true: outcome() says how) or the
    // current step asks to be retried (false: call again after retry_in()).
    // Never throws. A stop requested meanwhile abandons the operation on the
    // next call.
    bool advance();
    Outcome outcome() const { return *outcome_; }
    std::chrono::milliseconds retry_in() const { return retry_in_; }
    const std::string& op_id() const { return op_.id; }

   private:
    friend class OperationRunner;
    Run(OperationRunner& runner, db::Operation op) : runner_(runner), op_(std::move(op)) {}
    int total() const { return static_cast<int>(steps_.size()); }

    OperationRunner& runner_;
    db::Operation op_;
    std::unique_ptr<LeaseKeeper> keeper_;
    std::unique_ptr<WorkflowFactory> factory_;
    StepList steps_;
    bool begun_ = false;       // the workflow is found and the cursor saved
    bool step_begun_ = false;  // the current step's first attempt ran
    RunnerOptions::TimePoint step_started_{};
    std::chrono::milliseconds retry_in_{0};
    std::optional<Outcome> outcome_;
  };

  // `op`, which options.owner has just claimed, ready to run from op.step;
  // its lease is renewed from here on (LeaseKeeper), so it may wait for a
  // worker. Never throws.
  std::unique_ptr<Run> start(db::Operation op);

  // Runs `op` to its end on this thread, pausing between retries
  // (options.pause). Never throws.
  Outcome run(db::Operation op);

 private:
  // The operation's end when it ended before its first step could run.
  std::optional<Outcome> begin(Run& r);
  // The operation's end, or nullopt when the current step asked for a retry.
  std::optional<Outcome> advance_steps(Run& r);
  StepResult run_once(Step& step, db::Operation& op);
  // `step_done`: the share of step `index` done (StepResult::step_progress).
  bool save(Run& r, int index, const std::string& message, double step_done = 0);
  // Whether this owner still holds the lease (asks the database); a stale
  // owner must not finish the operation nor touch its instance.
  bool still_held(const db::Operation& op, LeaseKeeper& keeper);
  LeaseTimer& lease_timer() {
    return options_.lease_timer ? *options_.lease_timer : steady_lease_timer();
  }
  Outcome fail(db::Operation& op, WorkflowFactory* factory, LeaseKeeper& keeper,
               const StepResult& why);
  Outcome complete(db::Operation& op, LeaseKeeper& keeper, const std::string& message);
  Outcome abandon(const db::Operation& op, LeaseKeeper* keeper, const std::string& why);

  Services& services_;
  WorkflowLookup lookup_;
  RunnerOptions options_;
  common::StopSignal& stop_;
};

}  // namespace automat::taskmanager
