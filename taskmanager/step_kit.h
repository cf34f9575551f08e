#pragma once
// What the workflows' steps are built from, one of each for every
// datastore: a step with a fixed name (NamedStep), `add` for a step list,
// the step's answer to a guest call that threw (guest_call_failed), and its
// answer while a guest job runs (follow_guest_job).
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "taskmanager/guest_job.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

// The deadline of a quick call to a guest: starting or looking at a job.
inline constexpr std::chrono::milliseconds kGuestCallDeadline{10000};

// A step with a fixed name, description and timeout.
class NamedStep : public Step {
 public:
  NamedStep(std::string name, std::string description,
            std::chrono::seconds timeout = std::chrono::seconds(300))
      : name_(std::move(name)), description_(std::move(description)), timeout_(timeout) {}
  std::string name() const override { return name_; }
  std::string description() const override { return description_; }
  std::chrono::seconds timeout() const override { return timeout_; }

 private:
  std::string name_, description_;
  std::chrono::seconds timeout_;
};

// Appends a T made of `args` to `steps`.
template <typename T, typename... Args>
void add(StepList& steps, Args&&... args) {
  steps.push_back(std::make_unique<T>(std::forward<Args>(args)...));
}

// Whether a guest call may be sent again after it timed out (kTimedOut:
// the guest may have taken it, and may still act on it).
enum class Repeat {
  // Sending it twice does no harm: a read (status, ring, GTID, hints), a
  // write of the same value, or a keyed job's start or look (the key
  // answers the job already started).
  kIdempotent,
  // Sending it twice could do its work twice (a follow, a snapshot,
  // securing a ring): a timeout fails the step.
  kOnce,
};

// One guest call of a step, as its errors name it.
struct GuestCall {
  std::string host;   // the host a failure names (its address, else its instance id)
  std::string doing;  // what the call does ("seeding from the master")
  Repeat repeat = Repeat::kOnce;
  std::chrono::milliseconds retry_after{1000};
  // The retry's message while the guest cannot be reached; empty: `doing`
  // and the error.
  std::string waiting;
};

// The step's answer to `e`, thrown by the guest call `call`:
//  - kUnavailable (the guest did not take the call): a retry after
//    call.retry_after;
//  - kTimedOut (no answer within the deadline): the same retry when the
//    call is Repeat::kIdempotent; else failed, naming the host and that the
//    call timed out (its effect is unknown: the operator may retry the
//    operation);
//  - anything else: failed with the host and the error's message.
StepResult guest_call_failed(const GuestCall& call, const std::exception& e);

// How a step follows a guest job (taskmanager/guest_job.h).
struct JobFollow {
  GuestCall call;                  // the job's start and look: Repeat::kIdempotent (keyed)
  std::chrono::milliseconds poll;  // how soon a running job is looked at again
  std::string running;             // said while it runs ("restarting MariaDB")
  // The job's own deadline, counted from the guest's start of it (so it
  // holds across taskmanager restarts and is not shared with the step's
  // other nodes): past it the job fails with its last progress line
  // (past_deadline). Zero: bounded by the step's timeout only.
  std::chrono::seconds deadline{0};
};

// Drives a guest job through `drive` (drive_guest_job, drive_prepare) and
// answers nullopt once the job ended, its state in `ended` (kSucceeded or
// kFailed: the caller words the outcome); while it runs, a retry after
// how.poll saying how.running and the guest's progress line ("restarting
// MariaDB (draining)"), with the job's progress; when a call threw,
// guest_call_failed(how.call).
std::optional<StepResult> follow_guest_job(const std::function<GuestJobState()>& drive,
                                           const JobFollow& how, GuestJobState& ended);

}  // namespace automat::taskmanager
