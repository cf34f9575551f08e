#include "taskmanager/task_consumer.h"

#include <algorithm>

#include "automat/messages.pb.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::taskmanager {

TaskConsumer::TaskConsumer(common::Consumer& consumer, OperationDispatcher& dispatcher,
                           common::StopSignal& stop, ConsumerOptions options)
    : consumer_(consumer),
      dispatcher_(dispatcher),
      stop_(stop),
      options_(options),
      backoff_(options.backoff_initial) {}

void TaskConsumer::run() {
  common::log::info("taskmanager.consuming", {{"queue", common::kTaskQueue}});
  while (!stop_.requested()) {
    try {
      poll_once();
    } catch (const std::exception& e) {
      common::log::error("task.consume_failed", {{"error", e.what()}});
      back_off();
    }
  }
}

bool TaskConsumer::poll_once() {
  auto ticket = dispatcher_.pool().reserve(options_.poll);
  if (!ticket) return false;  // every worker busy: leave messages in the queue
  std::optional<common::Delivery> delivery;
  try {
    delivery = consumer_.next(options_.poll);
  } catch (const common::Error& e) {
    common::log::warn("task.broker_unavailable", {{"error", e.what()}});
    back_off();
    return false;
  }
  if (!delivery) return false;
  handle(std::move(*ticket), *delivery);
  return true;
}

void TaskConsumer::handle(WorkerPool::Ticket ticket, const common::Delivery& delivery) {
  proto::TaskMessage task;
  if (!task.ParseFromString(delivery.body) || task.operation_id().empty()) {
    common::log::warn("task.malformed", {{"tag", std::to_string(delivery.tag)}});
    ack(delivery);  // nothing could ever run it
    return;
  }
  const std::string& op_id = task.operation_id();
  if (!ticket.bind(op_id)) {
    common::log::info("task.duplicate", {{"op", op_id}});
    ack(delivery);  // it runs here already
    return;
  }
  try {
    dispatcher_.start(std::move(ticket), op_id);
  } catch (const std::exception& e) {
    // Not claimed: the message goes back to the queue for later.
    common::log::warn("task.claim_failed", {{"op", op_id}, {"error", e.what()}});
    consumer_.reject(delivery.tag, true);
    back_off();
    return;
  }
  ack(delivery);
  backoff_ = options_.backoff_initial;
}

void TaskConsumer::ack(const common::Delivery& delivery) {
  try {
    consumer_.ack(delivery.tag);
  } catch (const std::exception& e) {
    // The broker redelivers it; the claim then finds it running or finished.
    common::log::warn("task.ack_failed", {{"error", e.what()}});
  }
}

void TaskConsumer::back_off() {
  options_.pause(stop_, backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
}

}  // namespace automat::taskmanager
