// PgHeartbeatRepository keeps db/repositories.h's promises
// (tests/support/heartbeat_repository_contract.h, which the fake passes
// too); and what it stores of a heartbeat.
#include <gtest/gtest.h>

#include "tests/integration/db_seed.h"
#include "tests/support/heartbeat_repository_contract.h"

namespace automat::testing {
namespace {

HeartbeatContractWorld pg_world(PgTestDb& db, db::PgHeartbeatRepository& heartbeats,
                                db::PgInstanceRepository& instances) {
  HeartbeatContractWorld w;
  w.heartbeats = &heartbeats;
  w.instances = &instances;
  w.model = new_instance(seed_catalog(db.pool()));
  w.silence = [&db](const std::string& id) {
    const std::string where = " WHERE instance_id = '" + id + "'";
    db.query("UPDATE agent_heartbeats SET received = received - interval '2 minutes'" + where);
    db.query("UPDATE service_statuses SET updated = updated - interval '2 minutes'" + where);
    db.query("UPDATE instances SET created = created - interval '2 minutes' WHERE id = '" + id +
             "'");
  };
  return w;
}

TEST(DbHeartbeats, KeepsTheHeartbeatRecordingContract) {
  auto& db = PgTestDb::get();
  db::PgHeartbeatRepository heartbeats(db.pool());
  db::PgInstanceRepository instances(db.pool());
  check_heartbeat_recording_contract(pg_world(db, heartbeats, instances));
}

TEST(DbHeartbeats, KeepsTheHeartbeatExpiryContract) {
  auto& db = PgTestDb::get();
  db::PgHeartbeatRepository heartbeats(db.pool());
  db::PgInstanceRepository instances(db.pool());
  check_heartbeat_expiry_contract(pg_world(db, heartbeats, instances));
}

TEST(DbHeartbeats, StoresTheNewestMessageAndItsDetail) {
  auto& db = PgTestDb::get();
  db::PgHeartbeatRepository heartbeats(db.pool());
  db::PgInstanceRepository instances(db.pool());
  const HeartbeatContractWorld w = pg_world(db, heartbeats, instances);
  const std::string a = contract::heartbeat_instance(w);
  EXPECT_EQ(heartbeats.record_batch(
                {contract::beat(a, 100, "RUNNING"), contract::beat(a, 90, "SHUTDOWN")}),
            1u);
  EXPECT_EQ(heartbeats.record_batch({contract::beat(a, 101, "SHUTDOWN")}), 1u);
  auto row = db.query(
      "SELECT h.sent_us, s.detail->>'version', c.sent_us FROM agent_heartbeats h"
      " JOIN service_statuses s USING (instance_id) JOIN conductor_lastseen c USING (instance_id)"
      " WHERE instance_id = '" +
      a + "'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].as<int64_t>(), 101);
  EXPECT_EQ(row[0][1].as<std::string>(), "10.11");
  EXPECT_EQ(row[0][2].as<int64_t>(), 101) << "the stale-drop watermark";
}

}  // namespace
}  // namespace automat::testing
