#pragma once
// Long guest work from a step, without waiting on a call: the step starts
// the work on the guest as a job under a key (a datastore's job call, e.g.
// CassandraGuestClient::decommission) and looks again on its next run;
// starting a key that exists answers that job, so a step run twice never
// does the work twice. A job the guest lost (it restarted meanwhile) is
// started again under the next key ("<key>.2", "<key>.3"); the third loss
// fails the step.
#include <functional>
#include <string>

#include "automat/guest.pb.h"

namespace automat::taskmanager {

struct GuestJobState {
  enum class Kind { kRunning, kSucceeded, kFailed };
  Kind kind = Kind::kRunning;
  std::string message;  // the guest's progress line, or why it failed
  double progress = 0;  // 0..1 when the work reports it
};

// `start(key)` starts the job or answers the one under `key`; throws what
// it throws (an unreachable guest: the step decides).
GuestJobState drive_guest_job(const std::string& key,
                              const std::function<proto::JobReply(const std::string&)>& start);

// A job key for `kind` on `node_id` within operation `op_id`.
std::string guest_job_key(const std::string& op_id, const std::string& kind,
                          const std::string& node_id);

}  // namespace automat::taskmanager
