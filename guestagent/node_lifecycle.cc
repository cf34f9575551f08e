#include "guestagent/node_lifecycle.h"

#include "common/error.h"
#include "common/status.h"

namespace automat::guestagent {

namespace status = common::service_status;

NodeLifecycle::Turn::Turn(NodeLifecycle& lifecycle, std::unique_lock<std::timed_mutex> lock,
                          Activity shown, bool is_prepare)
    : lifecycle_(&lifecycle), lock_(std::move(lock)), is_prepare_(is_prepare) {
  show(shown);
}

NodeLifecycle::Turn::Turn(Turn&& other) noexcept
    : lifecycle_(other.lifecycle_),
      lock_(std::move(other.lock_)),
      is_prepare_(other.is_prepare_),
      succeeded_(other.succeeded_) {
  other.lifecycle_ = nullptr;
}

NodeLifecycle::Turn::~Turn() {
  if (lifecycle_ == nullptr) return;
  if (is_prepare_) lifecycle_->last_prepare_failed_ = !succeeded_;
  lifecycle_->activity_ = Activity::kIdle;
  // lock_ is released after this body: the next change starts from kIdle.
}

void NodeLifecycle::Turn::show(Activity activity) {
  if (lifecycle_ != nullptr) lifecycle_->activity_ = activity;
}

NodeLifecycle::NodeLifecycle(Specifics specifics) : specifics_(std::move(specifics)) {}

NodeLifecycle::Turn NodeLifecycle::begin() {
  return Turn(*this, std::unique_lock<std::timed_mutex>(change_mu_), Activity::kIdle, false);
}

NodeLifecycle::Turn NodeLifecycle::begin_prepare() {
  return Turn(*this, std::unique_lock<std::timed_mutex>(change_mu_), Activity::kPreparing, true);
}

NodeLifecycle::Turn NodeLifecycle::begin_change() {
  Turn turn = begin();
  require_prepared();
  turn.show(Activity::kChanging);
  return turn;
}

void NodeLifecycle::require_prepared() const {
  if (!specifics_.record().prepared) {
    throw common::conflict(specifics_.node + " was never prepared; prepare it first");
  }
}

std::unique_lock<std::timed_mutex> NodeLifecycle::admin_gate(std::chrono::milliseconds wait) {
  std::unique_lock<std::timed_mutex> lock(change_mu_, wait);
  if (!lock.owns_lock()) {
    throw common::conflict(specifics_.node + " is busy with another change; retry in a moment");
  }
  require_prepared();
  if (specifics_.health() != ServerHealth::kAnswering) {
    throw common::unavailable(specifics_.not_answering);
  }
  return lock;
}

std::string NodeLifecycle::status() const {
  if (activity_ == Activity::kPreparing) return status::kBuilding;
  const Record record = specifics_.record();
  if (!record.prepared) return last_prepare_failed_ ? status::kFailed : status::kNew;
  if (specifics_.blocked && specifics_.blocked()) return status::kBlocked;
  const bool changing = activity_ == Activity::kChanging;
  switch (specifics_.health()) {
    case ServerHealth::kAnswering:
      return status::kRunning;
    case ServerHealth::kUnresponsive:
      return changing ? status::kShutdown : status::kBlocked;
    case ServerHealth::kDown:
      break;
  }
  return record.should_run && !changing ? status::kCrashed : status::kShutdown;
}

}  // namespace automat::guestagent
