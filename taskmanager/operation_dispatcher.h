#pragma once
// Claims an operation in the database for this taskmanager and hands it to a
// reserved worker. Shared by the task consumer and the resume scanner, the
// two ways an operation reaches this taskmanager.
#include <chrono>
#include <string>

#include "db/repositories.h"
#include "taskmanager/operation_runner.h"
#include "taskmanager/worker_pool.h"

namespace automat::taskmanager {

class OperationDispatcher {
 public:
  enum class Result {
    kStarted,       // claimed; running on the ticket's worker
    kNotClaimable,  // finished already, or another owner holds a live lease
    kAlreadyHere,   // this taskmanager runs it already
  };

  // Every reference must outlive the dispatcher.
  OperationDispatcher(WorkerPool& pool, db::OperationRepository& operations,
                      OperationRunner& runner, std::string owner, std::chrono::seconds lease);

  // Claims `op_id` for this owner and, when that worked, runs it on `ticket`
  // (dropping the ticket otherwise). Throws common::Error when the claim
  // itself failed (the database is unreachable): nothing was taken then.
  Result start(WorkerPool::Ticket ticket, const std::string& op_id);

  WorkerPool& pool() { return pool_; }

 private:
  WorkerPool& pool_;
  db::OperationRepository& operations_;
  OperationRunner& runner_;
  const std::string owner_;
  const std::chrono::seconds lease_;
};

}  // namespace automat::taskmanager
