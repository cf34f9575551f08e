#pragma once
// The AMQP seams. Queues are durable and messages persistent, so a consumer
// that restarts loses nothing. Implemented over rabbitmq-c in amqp_broker.cc;
// tests/fakes/fake_broker.h is the in-memory stand-in for unit tests.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace automat::common {

// Queue names shared by every process.
inline constexpr const char* kTaskQueue = "automat.taskmanager";
inline constexpr const char* kConductorQueue = "automat.conductor";

class Publisher {
 public:
  virtual ~Publisher() = default;
  // Declares `queue` (durable) if needed and publishes `body` as a persistent
  // message; returns only after the broker confirmed it (publisher confirms).
  // Throws common::Error(kUnavailable) when the broker cannot be reached or
  // refuses the message. Reconnects on the next call after a failure.
  // Thread-safe.
  virtual void publish(const std::string& queue, const std::string& body) = 0;
};

struct Delivery {
  uint64_t tag = 0;
  std::string body;
  bool redelivered = false;
};

class Consumer {
 public:
  virtual ~Consumer() = default;
  // Waits up to `timeout` for the next message of the queue this consumer was
  // made for. Returns nullopt on timeout. Reconnects (re-declaring the queue)
  // after a lost connection; unacked messages then come back redelivered.
  // Not thread-safe: one consumer per thread.
  virtual std::optional<Delivery> next(std::chrono::milliseconds timeout) = 0;
  // Acknowledges `tag` (and all earlier ones when `multiple`).
  virtual void ack(uint64_t tag, bool multiple = false) = 0;
  // Rejects `tag`; the broker redelivers it when `requeue`.
  virtual void reject(uint64_t tag, bool requeue) = 0;
};

// `url` is amqp://user:password@host:port/vhost (vhost "/" when empty).
std::unique_ptr<Publisher> make_amqp_publisher(const std::string& url);
// `prefetch` bounds the unacked messages in flight to this consumer.
std::unique_ptr<Consumer> make_amqp_consumer(const std::string& url, const std::string& queue,
                                             uint16_t prefetch);

}  // namespace automat::common
