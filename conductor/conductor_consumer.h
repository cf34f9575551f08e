#pragma once
// The conductor's receive loop: takes guest messages off the broker in
// batches, hands each batch to the GuestMessageHandler, and acknowledges the
// batch only once it is recorded, so a crash or a database outage loses
// nothing (the broker redelivers what was not acknowledged).
#include <chrono>
#include <cstddef>
#include <functional>

#include "common/broker.h"
#include "common/stop_signal.h"
#include "conductor/guest_message_handler.h"

namespace automat::conductor {

struct ConsumerOptions {
  // Most messages in one batch; also the broker prefetch ([conductor] prefetch).
  size_t max_batch = 500;
  // How long to wait for the first message of a batch.
  std::chrono::milliseconds first_wait{1000};
  // Once a batch has started: stop filling it when nothing more arrives
  // within `drain_idle`, or `batch_window` after its first message.
  std::chrono::milliseconds drain_idle{5};
  std::chrono::milliseconds batch_window{50};
  // Back-off after a failure, doubling from min to max.
  std::chrono::milliseconds min_backoff{250};
  std::chrono::milliseconds max_backoff{10000};
  // Waits out one back-off; true (early) when a stop was requested. A unit
  // test's returns at once and records the back-off.
  std::function<bool(common::StopSignal&, std::chrono::milliseconds)> pause =
      [](common::StopSignal& stop, std::chrono::milliseconds d) { return stop.wait_for(d); };
};

class ConductorConsumer {
 public:
  // `consumer` and `handler` must outlive this object and are used only from
  // the thread calling poll_once / run.
  ConductorConsumer(common::Consumer& consumer, GuestMessageHandler& handler,
                    ConsumerOptions options);

  // Takes one batch (waiting up to first_wait for its first message),
  // records it and acknowledges all of it at once. Returns how many messages
  // it took (0 when none came). When the database is unreachable it rejects
  // the batch for redelivery and rethrows the common::Error(kUnavailable);
  // a broker failure is thrown as is (its unacknowledged messages come back
  // on their own).
  size_t poll_once();

  // Calls poll_once until `stop` is requested, backing off (and logging)
  // after failures.
  void run(common::StopSignal& stop);

 private:
  std::vector<common::Delivery> take_batch();
  void reject_all(const std::vector<common::Delivery>& batch);

  common::Consumer& consumer_;
  GuestMessageHandler& handler_;
  const ConsumerOptions options_;
};

}  // namespace automat::conductor
