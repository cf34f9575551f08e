#pragma once
// Long guest work from a step, without waiting on a call: the step looks the
// job up on the guest (GuestClient::get_job) and, when the guest has none
// under the key, starts it (a datastore's job call, e.g.
// CassandraGuestClient::decommission); it looks again on its next run.
// Starting a key that exists answers that job, so a step run twice never
// does the work twice. A job the guest lost (it restarted meanwhile) is
// started again under the next key ("<key>.2", "<key>.3"); the third loss
// fails the step. Work that must not simply run again asks for
// LostJob::kReport and decides itself.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "automat/guest.pb.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

struct GuestJobState {
  enum class Kind { kRunning, kSucceeded, kFailed };
  Kind kind = Kind::kRunning;
  std::string message;     // the guest's progress line, or why it failed
  double progress = 0;     // 0..1 when the work reports it
  int64_t started_us = 0;  // when the guest started it (its clock), while running
  std::string result;      // kSucceeded: the job's serialized reply (JobReply.result)
  bool lost = false;       // kFailed because the guest lost the job (LostJob::kReport)
};

using JobCall = std::function<proto::JobReply(const std::string& key)>;

// What drive_guest_job does with a job the guest lost.
enum class LostJob {
  kStartAgain,  // under the next key, up to the third loss: the work is safe to repeat
  kReport,      // kFailed with `lost` set at once: the step decides what the loss means
};

// `look(key)` answers the guest's job under `key` (state UNKNOWN when it
// has none); `start(key)` starts it. Both throw what the guest call throws
// (an unreachable guest: the step decides).
GuestJobState drive_guest_job(const std::string& key, const JobCall& look, const JobCall& start,
                              LostJob on_lost = LostJob::kStartAgain);

// The same for the job of instance `instance_id`'s guest, looked up through
// its generic face (ctx.services.guests).
GuestJobState drive_guest_job(StepContext& ctx, const std::string& instance_id,
                              const std::string& key, const JobCall& start,
                              LostJob on_lost = LostJob::kStartAgain);

// A job's own deadline: `state`, or kFailed with "<overdue>; last: <its
// progress line>" once it is still running more than `limit` after the
// guest started it (its started_us, read against this host's clock).
GuestJobState past_deadline(GuestJobState state, std::chrono::seconds limit,
                            const std::string& overdue);

// Prepares instance `instance_id`'s datastore (GuestAgent.StartPrepare) as
// the guest job guest_job_key(op, "prepare", instance_id): kSucceeded once
// prepared, kRunning meanwhile, kFailed with the guest's reason, or once the
// job has run longer than [taskmanager] guest_prepare_timeout (the job's own
// deadline, read against the guest's start time). Throws what the guest
// call throws (an unreachable guest: the step decides).
GuestJobState drive_prepare(StepContext& ctx, const std::string& instance_id,
                            const proto::PrepareRequest& req);

// The server (and so the guest endpoint) of instance `instance_id` as the
// compute driver records it; throws common::Error(kUnavailable) when it has
// none yet. How a step reaches a node's guest, generic face or typed.
compute::Server server_of(StepContext& ctx, const std::string& instance_id);

// A job key for `kind` on `node_id` within operation `op_id`.
std::string guest_job_key(const std::string& op_id, const std::string& kind,
                          const std::string& node_id);

}  // namespace automat::taskmanager
