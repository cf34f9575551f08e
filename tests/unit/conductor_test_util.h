#pragma once
// Helpers shared by the conductor unit tests: signed guest messages and a
// heartbeat repository that counts record_batch calls.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "automat/messages.pb.h"
#include "common/crypto.h"
#include "common/guest_envelope.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::testing {

inline constexpr const char* kGuestSecret = "unit-test-guest-secret";

// A serialized heartbeat envelope for `instance_id` carrying `report`,
// signed with the key the conductor derives (or with `signing_key` when
// given, to forge one).
inline std::string heartbeat_message(const std::string& instance_id, int64_t sent_us,
                                     const std::string& status,
                                     const proto::DatastoreReport& report = {},
                                     const std::string& signing_key = "",
                                     const std::optional<proto::VolumeUsage>& volume = {}) {
  proto::Heartbeat hb;
  hb.set_service_status(status);
  *hb.mutable_report() = report;
  if (volume) *hb.mutable_volume() = *volume;
  proto::GuestEnvelope env;
  env.set_instance_id(instance_id);
  env.set_method("heartbeat");
  env.set_sent_us(sent_us);
  env.set_payload(hb.SerializeAsString());
  common::sign_envelope(env, signing_key.empty()
                                 ? common::crypto::guest_signing_key(kGuestSecret, instance_id)
                                 : signing_key);
  return env.SerializeAsString();
}

// Forwards to a FakeHeartbeatRepository and counts the batches it was given.
class CountingHeartbeatRepository : public db::HeartbeatRepository {
 public:
  FakeHeartbeatRepository fake;
  std::atomic<int> batches{0};
  std::vector<size_t> batch_sizes;

  size_t record_batch(const std::vector<db::HeartbeatRecord>& records) override {
    ++batches;
    batch_sizes.push_back(records.size());
    return fake.record_batch(records);
  }
  std::vector<std::string> mark_expired(std::chrono::seconds expiry) override {
    return fake.mark_expired(expiry);
  }
};

}  // namespace automat::testing
