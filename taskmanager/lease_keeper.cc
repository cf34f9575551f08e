#include "taskmanager/lease_keeper.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"

namespace automat::taskmanager {

LeaseKeeper::LeaseKeeper(db::OperationRepository& ops, std::string op_id, std::string owner,
                         std::chrono::seconds lease)
    : ops_(ops), op_id_(std::move(op_id)), owner_(std::move(owner)), lease_(lease) {
  thread_ = std::thread([this] { loop(); });
}

LeaseKeeper::~LeaseKeeper() { stop(); }

void LeaseKeeper::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::loop() {
  const auto interval = std::max<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(lease_) / 3,
      std::chrono::milliseconds(100));
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    try {
      if (!ops_.renew_lease(op_id_, owner_, lease_)) {
        common::log::warn("operation.lease_lost", {{"op", op_id_}, {"owner", owner_}});
        mark_lost();
        return;
      }
    } catch (const std::exception& e) {
      // The database may come back before the lease lapses; keep trying.
      common::log::warn("operation.lease_renew_failed", {{"op", op_id_}, {"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace automat::taskmanager
