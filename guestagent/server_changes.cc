#include "guestagent/server_changes.h"

#include "common/error.h"
#include "common/log.h"

namespace automat::guestagent {

ServerChanges::ServerChanges(NodeLifecycle& lifecycle, Steps steps)
    : lifecycle_(lifecycle), steps_(std::move(steps)) {}

void ServerChanges::start() {
  const auto turn = lifecycle_.begin_change();
  steps_.set_should_run(true);
  steps_.start();
}

void ServerChanges::stop() {
  auto turn = lifecycle_.begin();
  if (!steps_.set_up()) return;  // nothing was ever started
  turn.show(NodeLifecycle::Activity::kChanging);
  steps_.set_should_run(false);
  steps_.stop();
}

void ServerChanges::restart() {
  const auto turn = lifecycle_.begin_change();
  steps_.set_should_run(true);
  steps_.stop();
  steps_.start();
}

void ServerChanges::resize(int ram_mb) {
  if (ram_mb <= 0) throw common::bad_request("a resize needs the node's memory in MB, at least 1");
  const auto turn = lifecycle_.begin_change();
  const int old_ram_mb = steps_.ram_mb();
  steps_.set_should_run(true);
  if (steps_.before_resize) steps_.before_resize();
  steps_.stop();
  steps_.configure(ram_mb);
  try {
    steps_.start();
  } catch (const std::exception& e) {
    const std::string reason = e.what();
    common::log::warn(
        steps_.event + ".resize_failed",
        {{"instance", steps_.instance}, {"ram_mb", std::to_string(ram_mb)}, {"error", reason}});
    steps_.stop();
    steps_.configure(old_ram_mb);
    steps_.start();
    throw common::internal_error(steps_.not_started(ram_mb, old_ram_mb, reason));
  }
}

}  // namespace automat::guestagent
