#pragma once
// The promises of db::HeartbeatRepository (db/repositories.h), checked on
// any implementation: the PostgreSQL one (db_integration_test) and the fake
// linked to its instance fake (db_fakes_test) run the same checks.
//
// The store may hold rows of other tests: only the instances made here are
// looked at.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/status.h"
#include "db/repositories.h"

namespace automat::testing {

struct HeartbeatContractWorld {
  db::HeartbeatRepository* heartbeats = nullptr;
  // Where the heartbeats' statuses are read (the same store).
  db::InstanceRepository* instances = nullptr;
  // A valid instance (flavor and datastore version exist) to copy.
  db::Instance model;
  // Makes everything the store recorded of instance `id` (its creation, its
  // last heartbeat, its status) two minutes older.
  std::function<void(const std::string& id)> silence;
};

namespace contract {

inline db::HeartbeatRecord beat(const std::string& id, int64_t sent_us, const std::string& status,
                                nlohmann::json detail = {{"version", "10.11"}}) {
  return {id, "heartbeat", sent_us, status, std::move(detail)};
}

// A new instance of `w.model` with task `task`.
inline std::string heartbeat_instance(const HeartbeatContractWorld& w,
                                      const std::string& task = common::task::kNone) {
  db::Instance i = w.model;
  i.id = common::crypto::uuid4();
  i.name = "hb-" + i.id.substr(0, 6);
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = i.tenant_id;
  op.type = "instance.create";
  op.resource_type = "instance";
  op.resource_id = i.id;
  w.instances->create_with_operation(i, op);
  w.instances->set_task(i.id, task);
  return i.id;
}

inline bool has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace contract

// Stale messages dropped, newer ones accepted, unknown and deleted
// instances skipped; the status and its detail are what reads see.
inline void check_heartbeat_recording_contract(const HeartbeatContractWorld& w) {
  using contract::beat;
  db::HeartbeatRepository& heartbeats = *w.heartbeats;
  db::InstanceRepository& instances = *w.instances;
  const std::string a = contract::heartbeat_instance(w);
  const std::string b = contract::heartbeat_instance(w);

  // In one batch: a's 100 and 90 (only 100 counts), b's 50, an unknown id.
  EXPECT_EQ(heartbeats.record_batch({beat(a, 100, "RUNNING"), beat(a, 90, "SHUTDOWN"),
                                     beat(b, 50, "BLOCKED"), beat("unknown-id", 1, "RUNNING")}),
            2u);
  EXPECT_EQ(instances.find_any(a)->service_status, "RUNNING");
  EXPECT_TRUE(instances.find_any(a)->service_status_updated);
  EXPECT_EQ(instances.find_any(b)->service_status, "BLOCKED");

  EXPECT_EQ(heartbeats.record_batch({beat(a, 99, "SHUTDOWN")}), 0u) << "older: dropped";
  EXPECT_EQ(heartbeats.record_batch({beat(a, 100, "SHUTDOWN")}), 0u) << "same: dropped";
  EXPECT_EQ(instances.find_any(a)->service_status, "RUNNING");
  EXPECT_EQ(heartbeats.record_batch({beat(a, 101, "SHUTDOWN")}), 1u);
  EXPECT_EQ(instances.find_any(a)->service_status, "SHUTDOWN");

  // The watermark is per (instance, method): another method has its own.
  db::HeartbeatRecord other_method = beat(a, 50, "RUNNING");
  other_method.method = "report_root";
  EXPECT_EQ(heartbeats.record_batch({other_method}), 1u);
  EXPECT_EQ(instances.find_any(a)->service_status, "RUNNING");

  // A message without a status counts but leaves the status alone.
  EXPECT_EQ(heartbeats.record_batch({beat(a, 102, "")}), 1u);
  EXPECT_EQ(instances.find_any(a)->service_status, "RUNNING");

  // The detail's fault and volume usage are read back with the status.
  EXPECT_FALSE(instances.find_any(a)->service_fault);
  EXPECT_EQ(
      heartbeats.record_batch({beat(a, 103, "RUNNING",
                                    {{"fault", "replication stopped"},
                                     {"volume", {{"used_bytes", 1024}, {"total_bytes", 4096}}}})}),
      1u);
  auto got = instances.find_any(a);
  EXPECT_EQ(got->service_fault, std::optional<std::string>("replication stopped"));
  EXPECT_EQ(got->volume_used_bytes, std::optional<int64_t>(1024));
  EXPECT_EQ(got->volume_total_bytes, std::optional<int64_t>(4096));
  EXPECT_EQ(heartbeats.record_batch({beat(a, 104, "RUNNING")}), 1u);
  got = instances.find_any(a);
  EXPECT_FALSE(got->service_fault) << "the next detail replaces it";
  EXPECT_FALSE(got->volume_used_bytes);

  instances.mark_deleted(b);
  EXPECT_EQ(heartbeats.record_batch({beat(b, 51, "RUNNING")}), 0u) << "deleted: skipped";
  EXPECT_EQ(heartbeats.record_batch({}), 0u);

  // A large batch in one call: the newest message of each instance counts.
  std::vector<std::string> fleet;
  for (int i = 0; i < 50; ++i) fleet.push_back(contract::heartbeat_instance(w));
  std::vector<db::HeartbeatRecord> batch;
  for (int round = 1; round <= 10; ++round) {
    for (const auto& id : fleet) batch.push_back(beat(id, round, "RUNNING"));
  }
  EXPECT_EQ(heartbeats.record_batch(batch), fleet.size());
  batch.clear();
  for (const auto& id : fleet) batch.push_back(beat(id, 10, "SHUTDOWN"));
  EXPECT_EQ(heartbeats.record_batch(batch), 0u) << "round 10 was each one's newest";
  EXPECT_EQ(instances.find_any(fleet.back())->service_status, "RUNNING");
}

// The sweeper marks silent instances (not building or deleting) once, and
// a heartbeat restores them.
inline void check_heartbeat_expiry_contract(const HeartbeatContractWorld& w) {
  using namespace std::chrono_literals;
  using contract::beat;
  using contract::has;
  db::HeartbeatRepository& heartbeats = *w.heartbeats;
  db::InstanceRepository& instances = *w.instances;
  const std::string silent = contract::heartbeat_instance(w);
  const std::string alive = contract::heartbeat_instance(w);
  const std::string building = contract::heartbeat_instance(w, common::task::kBuilding);
  const std::string deleting = contract::heartbeat_instance(w, common::task::kDeleting);
  const std::string never = contract::heartbeat_instance(w);
  const std::string racing = contract::heartbeat_instance(w);
  const std::string gone = contract::heartbeat_instance(w);
  heartbeats.record_batch({beat(silent, 1, "RUNNING"), beat(alive, 1, "RUNNING"),
                           beat(building, 1, "RUNNING"), beat(deleting, 1, "RUNNING"),
                           beat(racing, 1, "RUNNING"), beat(gone, 1, "RUNNING")});
  for (const auto& id : {silent, building, deleting, never, racing, gone}) w.silence(id);
  // A status written since (a heartbeat racing the sweep) holds the mark off.
  instances.set_service_status(racing, "RUNNING");
  instances.mark_deleted(gone);

  auto marked = heartbeats.mark_expired(60s);
  EXPECT_TRUE(has(marked, silent));
  EXPECT_TRUE(has(marked, never)) << "never sent one and created long ago";
  EXPECT_FALSE(has(marked, alive));
  EXPECT_FALSE(has(marked, building));
  EXPECT_FALSE(has(marked, deleting));
  EXPECT_FALSE(has(marked, racing)) << "its status was just written";
  EXPECT_FALSE(has(marked, gone)) << "deleted";
  EXPECT_EQ(instances.find_any(silent)->service_status,
            common::service_status::kFailedTimeoutGuestagent);
  EXPECT_EQ(instances.find_any(never)->service_status,
            common::service_status::kFailedTimeoutGuestagent);
  EXPECT_EQ(instances.find_any(alive)->service_status, "RUNNING");
  EXPECT_EQ(instances.find_any(building)->service_status, "RUNNING");
  EXPECT_FALSE(has(heartbeats.mark_expired(60s), silent)) << "marked once";

  EXPECT_EQ(heartbeats.record_batch({beat(silent, 2, "RUNNING")}), 1u);
  EXPECT_EQ(instances.find_any(silent)->service_status, "RUNNING");
  EXPECT_FALSE(has(heartbeats.mark_expired(60s), silent)) << "a heartbeat restores it";
}

}  // namespace automat::testing
