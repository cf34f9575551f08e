#pragma once
// In-memory stand-ins for common/broker.h, for unit tests. Thread-safe.
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/broker.h"
#include "common/error.h"
#include "tests/fakes/changes.h"

namespace automat::testing {

// Records every published (queue, body) pair; fail_next(n) makes the next
// n publishes throw Error(kUnavailable) like an unreachable broker.
class FakePublisher : public common::Publisher {
 public:
  void publish(const std::string& queue, const std::string& body) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (failures_left_ > 0) {
        --failures_left_;
        throw common::unavailable("message broker unavailable: fake failure");
      }
      published_.emplace_back(queue, body);
    }
    changes.bump();
  }
  Changes changes;  // bumped on every publish

  void fail_next(int n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_left_ = n;
  }
  std::vector<std::pair<std::string, std::string>> published() const {
    std::lock_guard<std::mutex> lock(mu_);
    return published_;
  }
  // Bodies published to `queue`, in order.
  std::vector<std::string> bodies(const std::string& queue) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& [q, b] : published_) {
      if (q == queue) out.push_back(b);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  int failures_left_ = 0;
  std::vector<std::pair<std::string, std::string>> published_;
};

// A queue of deliveries. next() hands them out in order (tags 1, 2, ...) and
// never blocks; ack/reject are recorded. A rejected-with-requeue delivery goes
// back to the front, marked redelivered, like RabbitMQ does.
class FakeConsumer : public common::Consumer {
 public:
  struct Reject {
    uint64_t tag;
    bool requeue;
  };
  struct Ack {
    uint64_t tag;
    bool multiple;
  };

  void push(const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    ready_.push_back(common::Delivery{0, body, false});
  }
  // The next n calls to next() throw Error(kUnavailable).
  void fail_next(int n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_left_ = n;
  }

  std::optional<common::Delivery> next(std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++next_calls_;
    requeue_pos_ = 0;
    if (failures_left_ > 0) {
      --failures_left_;
      throw common::unavailable("message broker unavailable: fake failure");
    }
    if (ready_.empty()) return std::nullopt;
    common::Delivery d = ready_.front();
    ready_.pop_front();
    d.tag = ++last_tag_;
    unacked_.push_back(d);
    return d;
  }

  void ack(uint64_t tag, bool multiple) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      acks_.push_back({tag, multiple});
      std::erase_if(unacked_, [&](const common::Delivery& d) {
        return d.tag == tag || (multiple && d.tag < tag);
      });
    }
    changes.bump();
  }
  Changes changes;  // bumped on every ack and reject

  void reject(uint64_t tag, bool requeue) override {
    record_reject(tag, requeue);
    changes.bump();
  }
  void record_reject(uint64_t tag, bool requeue) {
    std::lock_guard<std::mutex> lock(mu_);
    rejects_.push_back({tag, requeue});
    for (auto it = unacked_.begin(); it != unacked_.end(); ++it) {
      if (it->tag != tag) continue;
      // Back to the head of the queue; rejects in a row keep their order.
      if (requeue) {
        ready_.insert(ready_.begin() + static_cast<long>(requeue_pos_++),
                      common::Delivery{0, it->body, true});
      }
      unacked_.erase(it);
      break;
    }
  }

  std::vector<Ack> acks() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  std::vector<Reject> rejects() const {
    std::lock_guard<std::mutex> lock(mu_);
    return rejects_;
  }
  size_t ready() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ready_.size();
  }
  size_t unacked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return unacked_.size();
  }
  int next_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return next_calls_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<common::Delivery> ready_;
  std::vector<common::Delivery> unacked_;
  size_t requeue_pos_ = 0;
  std::vector<Ack> acks_;
  std::vector<Reject> rejects_;
  uint64_t last_tag_ = 0;
  int failures_left_ = 0;
  int next_calls_ = 0;
};

}  // namespace automat::testing
