#pragma once
// Marks instances whose guest agent stopped sending heartbeats: every
// [conductor] sweep_interval, any live instance silent for longer than
// [conductor] agent_heartbeat_expiry becomes FAILED_TIMEOUT_GUESTAGENT (shown
// to users as ERROR) in the database itself. A later heartbeat brings it back.
#include <chrono>
#include <string>
#include <vector>

#include "common/stop_signal.h"
#include "db/repositories.h"

namespace automat::conductor {

class HeartbeatSweeper {
 public:
  // `heartbeats` must outlive the sweeper.
  HeartbeatSweeper(db::HeartbeatRepository& heartbeats, std::chrono::seconds expiry);

  // One sweep: marks the expired instances, logs each one, returns their
  // ids. Throws common::Error(kUnavailable) when the database is unreachable.
  std::vector<std::string> sweep_once();

  // Sweeps every `interval` until `stop` is requested; a failed sweep is
  // logged and retried at the next interval.
  void run(common::StopSignal& stop, std::chrono::seconds interval);

 private:
  db::HeartbeatRepository& heartbeats_;
  const std::chrono::seconds expiry_;
};

}  // namespace automat::conductor
