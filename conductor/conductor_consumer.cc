#include "conductor/conductor_consumer.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"

namespace automat::conductor {
namespace {

using Clock = std::chrono::steady_clock;

long elapsed_ms(Clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

}  // namespace

ConductorConsumer::ConductorConsumer(common::Consumer& consumer, GuestMessageHandler& handler,
                                     ConsumerOptions options)
    : consumer_(consumer), handler_(handler), options_(options) {}

std::vector<common::Delivery> ConductorConsumer::take_batch() {
  std::vector<common::Delivery> batch;
  auto first = consumer_.next(options_.first_wait);
  if (!first) return batch;
  batch.push_back(std::move(*first));
  const auto deadline = Clock::now() + options_.batch_window;
  while (batch.size() < options_.max_batch) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    auto more = consumer_.next(std::min(left, options_.drain_idle));
    if (!more) break;
    batch.push_back(std::move(*more));
  }
  return batch;
}

size_t ConductorConsumer::poll_once() {
  const std::vector<common::Delivery> batch = take_batch();
  if (batch.empty()) return 0;
  const auto started = Clock::now();
  std::vector<std::string> bodies;
  bodies.reserve(batch.size());
  for (const auto& d : batch) bodies.push_back(d.body);
  BatchResult result;
  try {
    result = handler_.handle(bodies);
  } catch (const std::exception&) {
    reject_all(batch);
    throw;
  }
  consumer_.ack(batch.back().tag, /*multiple=*/true);
  common::log::debug("conductor.batch", {{"received", std::to_string(result.received)},
                                         {"accepted", std::to_string(result.accepted)},
                                         {"stale", std::to_string(result.stale())},
                                         {"rejected", std::to_string(result.rejected)},
                                         {"ms", std::to_string(elapsed_ms(started))}});
  return batch.size();
}

void ConductorConsumer::reject_all(const std::vector<common::Delivery>& batch) {
  for (const auto& d : batch) consumer_.reject(d.tag, /*requeue=*/true);
}

void ConductorConsumer::run(common::StopSignal& stop) {
  auto backoff = options_.min_backoff;
  while (!stop.requested()) {
    try {
      poll_once();
      backoff = options_.min_backoff;
    } catch (const std::exception& e) {
      // Database or broker outage (common::Error(kUnavailable)), or a
      // repository failure: the batch was not acknowledged, so it comes back.
      common::log::error("conductor.poll_failed",
                         {{"error", e.what()}, {"retry_ms", std::to_string(backoff.count())}});
      if (options_.pause(stop, backoff)) break;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace automat::conductor
