// Instances: created with their operation atomically, scoped to their
// tenant, guarded by allowed tasks, hidden once deleted.
#include <gtest/gtest.h>

#include "common/error.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

TEST(DbInstances, CreateWithOperationWritesBothAndJoinsViews) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository operations(db.pool());
  db::Instance inst = new_instance(s);
  db::Operation op = new_operation(inst, "instance.create");
  op.input = {{"databases", {{{"name", "shop"}}}}};
  instances.create_with_operation(inst, op);

  auto got = instances.find(s.tenant_id, inst.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "db1");
  EXPECT_EQ(got->task, "BUILDING");
  EXPECT_EQ(got->service_status, "NEW");
  EXPECT_EQ(got->datastore_name, "mysql");
  EXPECT_EQ(got->datastore_version_name, "10.11");
  EXPECT_FALSE(got->address);
  EXPECT_EQ(got->created.size(), 20u) << got->created;
  EXPECT_EQ(got->created.back(), 'Z');
  auto got_op = operations.find(s.tenant_id, op.id);
  ASSERT_TRUE(got_op);
  EXPECT_EQ(got_op->state, "SUBMITTED");
  EXPECT_EQ(got_op->resource_id, inst.id);
  EXPECT_EQ(got_op->input, op.input);
  EXPECT_EQ(got_op->checkpoint, nlohmann::json::object());
}

TEST(DbInstances, FailedOperationInsertLeavesNoInstance) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::Instance first = new_instance(s);
  db::Operation op = new_operation(first, "instance.create");
  instances.create_with_operation(first, op);

  db::Instance second = new_instance(s, "db2");
  db::Operation reused = op;  // same operation id: its insert fails
  reused.resource_id = second.id;
  EXPECT_THROW(instances.create_with_operation(second, reused), common::Error);
  EXPECT_FALSE(instances.find_any(second.id));
  EXPECT_EQ(
      db.query("SELECT count(*) FROM instances WHERE id = '" + second.id + "'")[0][0].as<int>(), 0);
  EXPECT_EQ(db.query("SELECT count(*) FROM service_statuses WHERE instance_id = '" + second.id +
                     "'")[0][0]
                .as<int>(),
            0);
}

TEST(DbInstances, AMasterListsItsLiveReplicasInTheSameRead) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::Instance master = new_instance(s, "master");
  instances.create_with_operation(master, new_operation(master, "instance.create"));
  std::vector<std::string> replica_ids;
  for (const char* name : {"replica1", "replica2"}) {
    db::Instance replica = new_instance(s, name);
    replica.slave_of = master.id;
    instances.create_with_operation(replica, new_operation(replica, "instance.create"));
    replica_ids.push_back(replica.id);
  }

  auto got = instances.find(s.tenant_id, master.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->replica_ids, replica_ids);
  EXPECT_TRUE(instances.find(s.tenant_id, replica_ids[0])->replica_ids.empty());

  instances.mark_deleted(replica_ids[0]);
  EXPECT_EQ(instances.find(s.tenant_id, master.id)->replica_ids,
            std::vector<std::string>{replica_ids[1]});
}

TEST(DbInstances, ScopedToTenant) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository operations(db.pool());
  db::Instance inst = new_instance(s);
  db::Operation op = new_operation(inst, "instance.create");
  instances.create_with_operation(inst, op);
  db::Instance later = new_instance(s, "db2");
  instances.create_with_operation(later, new_operation(later, "instance.create"));

  EXPECT_FALSE(instances.find(s.other_tenant_id, inst.id));
  EXPECT_TRUE(instances.list(s.other_tenant_id).empty());
  EXPECT_FALSE(operations.find(s.other_tenant_id, op.id));
  EXPECT_TRUE(operations.find_any(op.id));
  auto mine = instances.list(s.tenant_id);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, inst.id) << "oldest first";
}

TEST(DbInstances, StartOperationHonoursAllowedTasks) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository operations(db.pool());
  db::Instance inst = new_instance(s);
  instances.create_with_operation(inst, new_operation(inst, "instance.create"));

  db::Operation del = new_operation(inst, "instance.delete");
  EXPECT_FALSE(instances.start_operation(inst.id, "DELETING", {"NONE"}, del));
  EXPECT_FALSE(operations.find_any(del.id)) << "nothing written when refused";
  EXPECT_EQ(instances.find_any(inst.id)->task, "BUILDING");

  instances.set_task(inst.id, "NONE");
  EXPECT_TRUE(instances.start_operation(inst.id, "DELETING", {"NONE", "BUILDING_ERROR"}, del));
  EXPECT_EQ(instances.find_any(inst.id)->task, "DELETING");
  EXPECT_TRUE(operations.find_any(del.id));

  db::Operation again = new_operation(inst, "instance.delete");
  EXPECT_TRUE(instances.start_operation(inst.id, "DELETING", {}, again)) << "empty = any task";
  EXPECT_FALSE(instances.start_operation("missing", "DELETING", {}, new_operation(inst, "x")));
}

TEST(DbInstances, SettersAndDeletion) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::Instance master = new_instance(s);
  instances.create_with_operation(master, new_operation(master, "instance.create"));
  db::Instance replica = new_instance(s, "replica");
  replica.slave_of = master.id;
  instances.create_with_operation(replica, new_operation(replica, "instance.create"));

  instances.set_address(master.id, "127.10.0.9", 8781);
  instances.set_fault(master.id, "prepare failed: disk full");
  instances.set_service_status(master.id, "RUNNING");
  auto got = instances.find_any(master.id);
  EXPECT_EQ(got->address, "127.10.0.9");
  EXPECT_EQ(got->guest_port, 8781) << "where the compute driver said its guest listens";
  EXPECT_EQ(got->fault, "prepare failed: disk full");
  EXPECT_EQ(got->service_status, "RUNNING");
  instances.set_fault(master.id, std::nullopt);
  EXPECT_FALSE(instances.find_any(master.id)->fault);

  auto replicas = instances.replicas_of(master.id);
  ASSERT_EQ(replicas.size(), 1u);
  EXPECT_EQ(replicas[0].id, replica.id);

  instances.mark_deleted(replica.id);
  EXPECT_FALSE(instances.find(s.tenant_id, replica.id));
  EXPECT_FALSE(instances.find_any(replica.id));
  EXPECT_TRUE(instances.replicas_of(master.id).empty());
  EXPECT_EQ(instances.list(s.tenant_id).size(), 1u);
  EXPECT_EQ(db.query("SELECT count(*) FROM service_statuses WHERE instance_id = '" + replica.id +
                     "'")[0][0]
                .as<int>(),
            0)
      << "observed state dropped";
}

}  // namespace
}  // namespace automat::testing

namespace automat::testing {
namespace {

using RecordState = db::InstanceRepository::RecordState;

TEST(DbInstances, RecordStatesTellLiveDeletedAndMissing) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository operations(db.pool());
  auto created = [&](const std::string& name) {
    db::Instance inst = new_instance(s, name);
    db::Operation op = new_operation(inst, "instance.create");
    instances.create_with_operation(inst, op);
    operations.finish(op.id, "", "COMPLETED", {}, "done");
    return inst.id;
  };
  const std::string live = created("live");
  const std::string gone = created("gone");  // deleted, its delete finished
  instances.mark_deleted(gone);
  const std::string deleting = created("deleting");  // deleted, delete still running
  db::Instance deleting_row = *instances.find_any(deleting);
  ASSERT_TRUE(instances.start_operation(deleting, "DELETING", {},
                                        new_operation(deleting_row, "instance.delete")));
  instances.mark_deleted(deleting);
  const std::string building = "building-" + common::crypto::random_hex(4);
  db::Instance no_row_yet = new_instance(s, "x");
  no_row_yet.id = building;
  db::Operation pending = new_operation(no_row_yet, "instance.create");
  db.query(
      "INSERT INTO operations (id, tenant_id, type, resource_type, resource_id)"
      " VALUES ('" +
      pending.id + "', '" + s.tenant_id + "', 'instance.create', 'instance', '" + building + "')");
  const std::string missing = "missing-" + common::crypto::random_hex(4);

  const auto states = instances.record_states({live, gone, deleting, building, missing});
  ASSERT_EQ(states.size(), 5u);
  EXPECT_EQ(states.at(live), RecordState::kLive);
  EXPECT_EQ(states.at(gone), RecordState::kDeleted);
  EXPECT_EQ(states.at(deleting), RecordState::kLive) << "its delete still runs";
  EXPECT_EQ(states.at(building), RecordState::kLive) << "an unfinished operation names it";
  EXPECT_EQ(states.at(missing), RecordState::kMissing);
  EXPECT_TRUE(instances.record_states({}).empty());
}

TEST(DbInstances, ADeletedClusterNodeIsLiveWhileItsClustersOperationRuns) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::Instance node = new_instance(s, "node");
  db::Operation op = new_operation(node, "instance.create");
  instances.create_with_operation(node, op);
  const std::string cluster = "cluster-" + common::crypto::random_hex(4);
  db.query("INSERT INTO clusters (id, tenant_id, name, datastore_version_id) VALUES ('" + cluster +
           "', '" + s.tenant_id + "', 'c', '" + s.version_id + "')");
  db.query("UPDATE instances SET cluster_id = '" + cluster + "' WHERE id = '" + node.id + "'");
  db.query("UPDATE operations SET state = 'COMPLETED' WHERE id = '" + op.id + "'");
  db.query(
      "INSERT INTO operations (id, tenant_id, type, resource_type, resource_id, state)"
      " VALUES ('shrink-" +
      cluster + "', '" + s.tenant_id + "', 'cluster.shrink', 'cluster', '" + cluster +
      "', 'RUNNING')");
  instances.mark_deleted(node.id);
  EXPECT_EQ(instances.record_states({node.id}).at(node.id), RecordState::kLive);
  db.query("UPDATE operations SET state = 'COMPLETED' WHERE id = 'shrink-" + cluster + "'");
  EXPECT_EQ(instances.record_states({node.id}).at(node.id), RecordState::kDeleted);
}

}  // namespace
}  // namespace automat::testing
