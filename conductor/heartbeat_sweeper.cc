#include "conductor/heartbeat_sweeper.h"

#include <exception>

#include "common/log.h"
#include "common/status.h"

namespace automat::conductor {

HeartbeatSweeper::HeartbeatSweeper(db::HeartbeatRepository& heartbeats, std::chrono::seconds expiry)
    : heartbeats_(heartbeats), expiry_(expiry) {}

std::vector<std::string> HeartbeatSweeper::sweep_once() {
  std::vector<std::string> marked = heartbeats_.mark_expired(expiry_);
  for (const auto& id : marked) {
    common::log::warn("conductor.heartbeat_expired",
                      {{"instance", id},
                       {"status", common::service_status::kFailedTimeoutGuestagent},
                       {"expiry_s", std::to_string(expiry_.count())}});
  }
  return marked;
}

void HeartbeatSweeper::run(common::StopSignal& stop, std::chrono::seconds interval) {
  do {
    try {
      sweep_once();
    } catch (const std::exception& e) {
      common::log::error("conductor.sweep_failed", {{"error", e.what()}});
    }
  } while (!stop.wait_for(interval));
}

}  // namespace automat::conductor
