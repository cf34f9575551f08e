#pragma once
// Turns raw guest messages (serialized proto::GuestEnvelope) into heartbeat
// records: checks each signature against the instance's key, decodes the
// payload, and records the batch in one transaction.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "automat/messages.pb.h"
#include "db/models.h"
#include "db/repositories.h"

namespace automat::conductor {

// What became of one batch, for logs and tests.
struct BatchResult {
  size_t received = 0;
  // Unparseable, forged (bad signature) or of an unknown method: dropped.
  size_t rejected = 0;
  // Recorded: newer than anything seen for their (instance, method).
  size_t accepted = 0;
  // Well-formed but not newer than what was already recorded: dropped.
  size_t stale() const { return received - rejected - accepted; }
};

// A volume at least this full (percent of its filesystem) makes the
// instance's status detail carry a warning as its fault.
inline constexpr int kVolumeFullPercent = 90;

class GuestMessageHandler {
 public:
  // `heartbeats` must outlive the handler; `guest_secret` is
  // [DEFAULT] guest_secret, from which every instance's signing key derives.
  GuestMessageHandler(db::HeartbeatRepository& heartbeats, std::string guest_secret);

  // Verifies and decodes every body, logs and drops the bad ones, and
  // records the rest with one HeartbeatRepository::record_batch call. Never
  // throws for bad input. Throws common::Error(kUnavailable) when the
  // database cannot be reached; the caller must then not acknowledge the
  // batch (recording it again later is harmless: stale ones are dropped).
  // Not thread-safe.
  BatchResult handle(const std::vector<std::string>& bodies);

 private:
  // The record for a well-formed, correctly signed message; nullopt (after
  // logging why) otherwise.
  std::optional<db::HeartbeatRecord> decode(const std::string& body);
  std::optional<db::HeartbeatRecord> decode_heartbeat(const proto::GuestEnvelope& env);
  const std::string& signing_key(const std::string& instance_id);
  // record_batch, falling back to one record at a time when the batch is
  // refused for a reason other than an outage, so one bad record cannot
  // block the queue.
  size_t record(const std::vector<db::HeartbeatRecord>& records);

  db::HeartbeatRepository& heartbeats_;
  const std::string guest_secret_;
  std::unordered_map<std::string, std::string> keys_;  // instance id -> signing key
};

}  // namespace automat::conductor
