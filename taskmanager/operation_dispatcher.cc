#include "taskmanager/operation_dispatcher.h"

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
  pool_.run(std::move(ticket),
            [this, claimed = std::move(*op)]() mutable { runner_.run(std::move(claimed)); });
  return Result::kStarted;
}

}  // namespace automat::taskmanager
