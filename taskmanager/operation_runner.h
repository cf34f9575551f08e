#pragma once
// Runs one claimed operation: finds its datastore's workflow, runs the steps
// from the saved cursor, saves the cursor after every step, retries waiting
// steps until their timeout, and finishes the operation COMPLETED or FAILED
// (with the failing host and why). Starts a step attempt, saves the cursor,
// fails or completes only while its lease is certainly held (LeaseKeeper),
// so two taskmanagers never drive one operation at once: once the lease is
// or may be lost it stops at the next step boundary and writes nothing more
// (an attempt already under way ends first; steps are idempotent).
#include <chrono>
#include <functional>
#include <memory>
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

  // Runs `op`, which options.owner has just claimed, from op.step to its end.
  // Never throws.
  Outcome run(db::Operation op);

 private:
  struct Progress;  // a running operation: its steps, factory and lease
  enum class StepEnd { kNext, kFailed, kLeaseLost, kStopped };

  Outcome run_workflow(db::Operation& op);
  Outcome run_steps(Progress& p);
  StepEnd run_step(Progress& p, int index, StepResult& last);
  StepResult run_once(Step& step, db::Operation& op);
  bool save(Progress& p, int index, const std::string& message);
  // Whether this owner still holds the lease (asks the database); a stale
  // owner must not finish the operation nor touch its instance.
  bool still_held(const db::Operation& op, LeaseKeeper& keeper);
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
