#pragma once
// Takes task messages (proto::TaskMessage) off common::kTaskQueue. A message
// is acknowledged only AFTER its operation was claimed in PostgreSQL (or
// found finished or held elsewhere), so a taskmanager killed in between
// loses nothing: the broker redelivers, or the resume scan finds the
// operation. When the database is down the message is requeued and the
// consumer backs off.
#include <chrono>
#include <functional>

#include "common/broker.h"
#include "common/stop_signal.h"
#include "taskmanager/operation_dispatcher.h"

namespace automat::taskmanager {

struct ConsumerOptions {
  // How long one wait for a free worker, or for a message, lasts.
  std::chrono::milliseconds poll{1000};
  // Back-off after a broker or database failure: doubles up to the max.
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{10000};
  // Waits out one back-off; true (early) when a stop was requested. A unit
  // test's returns at once and records the back-off.
  std::function<bool(common::StopSignal&, std::chrono::milliseconds)> pause =
      [](common::StopSignal& stop, std::chrono::milliseconds d) { return stop.wait_for(d); };
};

class TaskConsumer {
 public:
  // Every reference must outlive the consumer.
  TaskConsumer(common::Consumer& consumer, OperationDispatcher& dispatcher,
               common::StopSignal& stop, ConsumerOptions options = {});

  // Consumes until stop is requested. Never throws. Call from one thread.
  void run();
  // One round: waits for a free worker, then takes and handles at most one
  // message. Returns true when it handled one.
  bool poll_once();

 private:
  void handle(WorkerPool::Ticket ticket, const common::Delivery& delivery);
  void ack(const common::Delivery& delivery);
  void back_off();

  common::Consumer& consumer_;
  OperationDispatcher& dispatcher_;
  common::StopSignal& stop_;
  const ConsumerOptions options_;
  std::chrono::milliseconds backoff_;
};

}  // namespace automat::taskmanager
