#pragma once
// Keeps an operation's lease alive while its owner works on it: a thread
// renews it every third of the lease. When a renewal answers that the owner
// lost the lease (another taskmanager took over), lost() turns true and the
// runner stops working on the operation.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "db/repositories.h"

namespace automat::taskmanager {

class LeaseKeeper {
 public:
  // Starts renewing at once. `ops` must outlive the keeper.
  LeaseKeeper(db::OperationRepository& ops, std::string op_id, std::string owner,
              std::chrono::seconds lease);
  // Stops renewing (does not release the lease).
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // True once a renewal (or the caller, through mark_lost) found the lease
  // held by someone else. Thread-safe.
  bool lost() const { return lost_.load(); }
  void mark_lost() { lost_.store(true); }
  // Stops the renewal thread; idempotent.
  void stop();

 private:
  void loop();

  db::OperationRepository& ops_;
  const std::string op_id_;
  const std::string owner_;
  const std::chrono::seconds lease_;
  std::atomic<bool> lost_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace automat::taskmanager
