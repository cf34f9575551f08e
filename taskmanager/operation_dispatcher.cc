#include "taskmanager/operation_dispatcher.h"

#include <memory>

#include "common/log.h"

namespace automat::taskmanager {

OperationDispatcher::OperationDispatcher(WorkerPool& pool, db::OperationRepository& operations,
                                         OperationRunner& runner, std::string owner,
                                         std::chrono::seconds lease)
    : pool_(pool),
      operations_(operations),
      runner_(runner),
      owner_(std::move(owner)),
      lease_(lease) {}

OperationDispatcher::Result OperationDispatcher::start(WorkerPool::Ticket ticket,
                                                       const std::string& op_id) {
  if (ticket.op_id() != op_id && !ticket.bind(op_id)) return Result::kAlreadyHere;
  auto op = operations_.claim(op_id, owner_, lease_);
  if (!op) {
    common::log::info("operation.not_claimable", {{"op", op_id}});
    return Result::kNotClaimable;
  }
  common::log::info("operation.claimed",
                    {{"op", op_id}, {"owner", owner_}, {"step", std::to_string(op->step)}});
  // Between a step's retries the operation is parked, not waited for on the
  // worker: the pool runs other operations meanwhile.
  std::shared_ptr<OperationRunner::Run> run = runner_.start(std::move(*op));
  pool_.run_parkable(std::move(ticket), [run]() -> std::optional<std::chrono::milliseconds> {
    if (run->advance()) return std::nullopt;
    return run->retry_in();
  });
  return Result::kStarted;
}

}  // namespace automat::taskmanager
