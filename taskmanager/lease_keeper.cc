#include "taskmanager/lease_keeper.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"

namespace automat::taskmanager {
namespace {

class SteadyLeaseTimer final : public LeaseTimer {
 public:
  Clock::time_point now() override { return Clock::now(); }
  bool wait_until(Clock::time_point deadline, const std::function<bool()>& stopping) override {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, stopping);
  }
  void wake() override {
    { std::lock_guard<std::mutex> lock(mu_); }  // a waiter checks under the lock
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace

LeaseTimer& steady_lease_timer() {
  static SteadyLeaseTimer timer;
  return timer;
}

LeaseKeeper::LeaseKeeper(db::OperationRepository& ops, std::string op_id, std::string owner,
                         std::chrono::seconds lease, LeaseTimer& timer)
    : ops_(ops), op_id_(std::move(op_id)), owner_(std::move(owner)), lease_(lease), timer_(timer) {
  // Until the first renewal answers (it raises this to when it was sent,
  // plus the lease; the claim was sent earlier still).
  held_until_.store((timer_.now() + lease_).time_since_epoch().count());
  if (!renew_now()) {
    common::log::warn("operation.lease_lost", {{"op", op_id_}, {"owner", owner_}});
  }
  thread_ = std::thread([this] { loop(); });
}

LeaseKeeper::~LeaseKeeper() { stop(); }

std::chrono::milliseconds LeaseKeeper::renew_interval(std::chrono::seconds lease) {
  return std::max<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(lease) / 5,
      std::chrono::milliseconds(100));
}

bool LeaseKeeper::lost() const {
  if (lost_.load()) return true;
  if (timer_.now().time_since_epoch().count() < held_until_.load()) return false;
  // It may have lapsed, and another owner may hold it: never act on it again.
  if (!lost_.exchange(true)) {
    common::log::warn(
        "operation.lease_may_have_lapsed",
        {{"op", op_id_}, {"owner", owner_}, {"lease_seconds", std::to_string(lease_.count())}});
  }
  return true;
}

bool LeaseKeeper::renew_now() {
  if (lost()) return false;
  const Clock::time_point sent = timer_.now();
  if (!ops_.renew_lease(op_id_, owner_, lease_)) {
    mark_lost();
    return false;
  }
  // The database stamped the lease no earlier than `sent`.
  const Clock::rep until = (sent + lease_).time_since_epoch().count();
  Clock::rep seen = held_until_.load();
  while (seen < until && !held_until_.compare_exchange_weak(seen, until)) {
  }
  return !lost();
}

void LeaseKeeper::stop() {
  stopping_.store(true);
  timer_.wake();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::loop() {
  const auto interval = renew_interval(lease_);
  const auto stopping = [this] { return stopping_.load(); };
  while (!timer_.wait_until(timer_.now() + interval, stopping)) {
    try {
      if (!renew_now()) {
        common::log::warn("operation.lease_lost", {{"op", op_id_}, {"owner", owner_}});
        break;
      }
    } catch (const std::exception& e) {
      // The database may come back before the lease lapses; keep trying.
      common::log::warn("operation.lease_renew_failed", {{"op", op_id_}, {"error", e.what()}});
    }
  }
  timer_.leave();
}

}  // namespace automat::taskmanager
