// Heartbeats: stale messages dropped, newer accepted, unknown instances
// skipped; the sweeper marks silent instances and a heartbeat restores them.
#include <gtest/gtest.h>

#include "common/status.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

db::Instance running_instance(PgTestDb& db, const Seed& s, const std::string& task = "NONE") {
  db::PgInstanceRepository instances(db.pool());
  db::Instance inst = new_instance(s);
  instances.create_with_operation(inst, new_operation(inst, "instance.create"));
  instances.set_task(inst.id, task);
  return inst;
}

db::HeartbeatRecord beat(const std::string& id, int64_t sent_us, const std::string& status) {
  return {id, "heartbeat", sent_us, status, {{"version", "10.11"}}};
}

TEST(DbHeartbeats, DropsStaleAndAcceptsNewer) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgHeartbeatRepository heartbeats(db.pool());
  db::PgInstanceRepository instances(db.pool());
  const db::Instance a = running_instance(db, s);
  const db::Instance b = running_instance(db, s);

  // In one batch: a's 100 and 90 (only 100 counts), b's 50, an unknown id.
  EXPECT_EQ(heartbeats.record_batch({beat(a.id, 100, "RUNNING"), beat(a.id, 90, "SHUTDOWN"),
                                     beat(b.id, 50, "BLOCKED"), beat("unknown-id", 1, "RUNNING")}),
            2u);
  EXPECT_EQ(instances.find_any(a.id)->service_status, "RUNNING");
  EXPECT_EQ(instances.find_any(b.id)->service_status, "BLOCKED");

  EXPECT_EQ(heartbeats.record_batch({beat(a.id, 99, "SHUTDOWN")}), 0u) << "older: dropped";
  EXPECT_EQ(heartbeats.record_batch({beat(a.id, 100, "SHUTDOWN")}), 0u) << "same: dropped";
  EXPECT_EQ(instances.find_any(a.id)->service_status, "RUNNING");
  EXPECT_EQ(heartbeats.record_batch({beat(a.id, 101, "SHUTDOWN")}), 1u);
  EXPECT_EQ(instances.find_any(a.id)->service_status, "SHUTDOWN");

  auto row = db.query(
      "SELECT sent_us, detail->>'version' FROM agent_heartbeats h"
      " JOIN service_statuses s USING (instance_id) WHERE instance_id = '" +
      a.id + "'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].as<int64_t>(), 101);
  EXPECT_EQ(row[0][1].as<std::string>(), "10.11");

  instances.mark_deleted(b.id);
  EXPECT_EQ(heartbeats.record_batch({beat(b.id, 51, "RUNNING")}), 0u) << "deleted: skipped";
  EXPECT_EQ(heartbeats.record_batch({}), 0u);
}

TEST(DbHeartbeats, LargeBatchIsAcceptedInOneCall) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgHeartbeatRepository heartbeats(db.pool());
  std::vector<db::Instance> fleet;
  for (int i = 0; i < 50; ++i) fleet.push_back(running_instance(db, s));
  std::vector<db::HeartbeatRecord> batch;
  for (int round = 1; round <= 10; ++round) {
    for (const auto& inst : fleet) batch.push_back(beat(inst.id, round, "RUNNING"));
  }
  EXPECT_EQ(heartbeats.record_batch(batch), fleet.size());
  EXPECT_EQ(db.query("SELECT min(sent_us) FROM conductor_lastseen WHERE instance_id IN (SELECT "
                     "id FROM instances WHERE tenant_id = '" +
                     s.tenant_id + "')")[0][0]
                .as<int>(),
            10);
}

TEST(DbHeartbeats, SweeperMarksSilentInstancesAndAHeartbeatRestores) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgHeartbeatRepository heartbeats(db.pool());
  db::PgInstanceRepository instances(db.pool());
  const db::Instance silent = running_instance(db, s);
  const db::Instance alive = running_instance(db, s);
  const db::Instance building = running_instance(db, s, "BUILDING");
  const db::Instance deleting = running_instance(db, s, "DELETING");
  const db::Instance never = running_instance(db, s);
  heartbeats.record_batch({beat(silent.id, 1, "RUNNING"), beat(alive.id, 1, "RUNNING"),
                           beat(building.id, 1, "RUNNING"), beat(deleting.id, 1, "RUNNING")});
  db.query(
      "UPDATE agent_heartbeats SET received = now() - interval '2 minutes'"
      " WHERE instance_id IN ('" +
      silent.id + "', '" + building.id + "', '" + deleting.id + "')");
  db.query("UPDATE service_statuses SET updated = now() - interval '2 minutes'");
  db.query("UPDATE instances SET created = now() - interval '2 minutes' WHERE id = '" + never.id +
           "'");

  auto marked = heartbeats.mark_expired(60s);
  auto has = [&](const std::string& id) {
    return std::find(marked.begin(), marked.end(), id) != marked.end();
  };
  EXPECT_TRUE(has(silent.id));
  EXPECT_TRUE(has(never.id)) << "never sent one and created long ago";
  EXPECT_FALSE(has(alive.id));
  EXPECT_FALSE(has(building.id));
  EXPECT_FALSE(has(deleting.id));
  EXPECT_EQ(instances.find_any(silent.id)->service_status,
            common::service_status::kFailedTimeoutGuestagent);
  auto again = heartbeats.mark_expired(60s);
  EXPECT_EQ(std::find(again.begin(), again.end(), silent.id), again.end()) << "marked once";

  EXPECT_EQ(heartbeats.record_batch({beat(silent.id, 2, "RUNNING")}), 1u);
  EXPECT_EQ(instances.find_any(silent.id)->service_status, "RUNNING");
  auto after = heartbeats.mark_expired(60s);
  EXPECT_EQ(std::find(after.begin(), after.end(), silent.id), after.end());
}

}  // namespace
}  // namespace automat::testing
