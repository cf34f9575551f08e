#pragma once
// Long guest work from a step, without waiting on a call: the step looks the
// job up on the guest (GuestClient::get_job) and, when the guest has none
// under the key, starts it (a datastore's job call, e.g.
// CassandraGuestClient::decommission); it looks again on its next run.
// Starting a key that exists answers that job, so a step run twice never
// does the work twice. What a job may take is its own (JobLimits): a
// deadline counted from when the guest started it (so it holds across
// taskmanager restarts and is not shared with the step's other nodes), and
// what a job the guest lost (it restarted meanwhile) means: started again
// under the next key ("<key>.2", "<key>.3", the third loss fails), or a
// failure for work that must not be repeated blindly.
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
};

using JobCall = std::function<proto::JobReply(const std::string& key)>;

// One job's bounds, chosen by the step that starts it.
struct JobLimits {
  // Longest the job may run, from the guest's start of it (JobReply
  // started_us); past it the job is reported kFailed with its last progress
  // line. Zero: no bound but the step's timeout.
  std::chrono::seconds deadline{0};
  // A job the guest lost: started again under the next key (true), or
  // kFailed at once (false: work that may have half-happened, which the
  // step's operator must look at).
  bool restart_lost = true;
  // How the failures name the work: "the decommission", "preparing".
  std::string what = "the job";
};

// Microseconds since the epoch on the taskmanager's clock (the guests'
// clocks are assumed in step with it, as for TLS and the leases).
using NowUs = std::function<int64_t()>;
int64_t system_now_us();

// `look(key)` answers the guest's job under `key` (state UNKNOWN when it
// has none); `start(key)` starts it. Both throw what the guest call throws
// (an unreachable guest: the step decides).
GuestJobState drive_guest_job(const std::string& key, const JobCall& look, const JobCall& start,
                              const JobLimits& limits = {}, const NowUs& now_us = system_now_us);

// The same for the job of instance `instance_id`'s guest, looked up through
// its generic face (ctx.services.guests).
GuestJobState drive_guest_job(StepContext& ctx, const std::string& instance_id,
                              const std::string& key, const JobCall& start,
                              const JobLimits& limits = {});

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
