#pragma once
// The promises of db::InstanceRepository (db/repositories.h) beyond the
// workflow writes of operation_repository_contract.h: creates, tenant
// scoping, allowed tasks, replicas and the orphan reaper's record states,
// checked on any implementation: the PostgreSQL one (db_integration_test)
// and the fake (db_fakes_test) run the same checks.
//
// The store may hold rows of other tests: every tenant-wide read here is of
// a tenant of its own (`fresh_tenant`).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "common/status.h"
#include "db/repositories.h"

namespace automat::testing {

struct InstanceContractWorld {
  db::InstanceRepository* instances = nullptr;
  db::OperationRepository* operations = nullptr;
  db::ClusterRepository* clusters = nullptr;
  // A valid instance to copy (flavor and datastore version exist), of a
  // version named `version_name` of the datastore `datastore_name`.
  db::Instance model;
  std::string datastore_name;
  std::string version_name;
  // A new tenant that exists and owns nothing.
  std::function<std::string()> fresh_tenant;
  // Writes `op` alone, as a create whose instance row is not written yet
  // (or an operation on something that is not an instance) leaves it.
  std::function<void(const db::Operation& op)> insert_operation;
};

namespace contract {

inline db::Instance instance_of(const InstanceContractWorld& w, const std::string& tenant_id,
                                const std::string& name) {
  db::Instance i = w.model;
  i.id = common::crypto::uuid4();
  i.tenant_id = tenant_id;
  i.name = name;
  return i;
}

inline db::Operation operation_on(const db::Instance& i, const std::string& type) {
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = i.tenant_id;
  op.type = type;
  op.resource_type = "instance";
  op.resource_id = i.id;
  return op;
}

inline db::Instance created(const InstanceContractWorld& w, const std::string& tenant_id,
                            const std::string& name,
                            const std::optional<std::string>& slave_of = std::nullopt) {
  db::Instance i = instance_of(w, tenant_id, name);
  i.slave_of = slave_of;
  w.instances->create_with_operation(i, operation_on(i, "instance.create"));
  return i;
}

inline std::vector<std::string> ids_of(const std::vector<db::Instance>& list) {
  std::vector<std::string> ids;
  for (const auto& i : list) ids.push_back(i.id);
  return ids;
}

}  // namespace contract

// A create writes the instance (NEW, its views joined) and its operation,
// or neither; reads are scoped to the tenant, oldest first.
inline void check_instance_create_contract(const InstanceContractWorld& w) {
  db::InstanceRepository& instances = *w.instances;
  const std::string tenant = w.fresh_tenant();
  const std::string other = w.fresh_tenant();
  db::Instance inst = contract::instance_of(w, tenant, "db1");
  db::Operation op = contract::operation_on(inst, "instance.create");
  op.input = {{"databases", {{{"name", "shop"}}}}};
  instances.create_with_operation(inst, op);

  auto got = instances.find(tenant, inst.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "db1");
  EXPECT_EQ(got->tenant_id, tenant);
  EXPECT_EQ(got->task, "BUILDING");
  EXPECT_EQ(got->service_status, common::service_status::kNew);
  ASSERT_TRUE(got->service_status_updated) << "the NEW status has a time";
  EXPECT_EQ(got->service_status_updated->size(), 20u) << *got->service_status_updated;
  EXPECT_EQ(got->datastore_name, w.datastore_name);
  EXPECT_EQ(got->datastore_version_name, w.version_name);
  EXPECT_EQ(got->flavor_id, w.model.flavor_id);
  EXPECT_EQ(got->volume_size_gb, w.model.volume_size_gb);
  EXPECT_FALSE(got->address);
  EXPECT_FALSE(got->slave_of);
  EXPECT_FALSE(got->fault);
  EXPECT_FALSE(got->fault_created);
  EXPECT_TRUE(got->replica_ids.empty());
  EXPECT_EQ(got->created.size(), 20u) << got->created;  // 2026-11-22T10:00:00Z
  EXPECT_EQ(got->created.back(), 'Z');
  auto got_op = w.operations->find(tenant, op.id);
  ASSERT_TRUE(got_op);
  EXPECT_EQ(got_op->state, "SUBMITTED");
  EXPECT_EQ(got_op->resource_id, inst.id);
  EXPECT_EQ(got_op->input, op.input);
  EXPECT_EQ(got_op->checkpoint, nlohmann::json::object());

  // All or nothing: a taken operation id leaves no instance, a taken
  // instance id no operation.
  db::Instance second = contract::instance_of(w, tenant, "db2");
  db::Operation reused = op;
  reused.resource_id = second.id;
  EXPECT_THROW(instances.create_with_operation(second, reused), common::Error);
  EXPECT_FALSE(instances.find_any(second.id)) << "no instance without its operation";
  db::Operation fresh_op = contract::operation_on(inst, "instance.create");
  EXPECT_THROW(instances.create_with_operation(inst, fresh_op), common::Error);
  EXPECT_FALSE(w.operations->find_any(fresh_op.id)) << "no operation without its instance";

  // Scoped to the tenant; a tenant's list is oldest first.
  const db::Instance later = contract::created(w, tenant, "db2");
  EXPECT_FALSE(instances.find(other, inst.id));
  EXPECT_TRUE(instances.list(other).empty());
  EXPECT_FALSE(w.operations->find(other, op.id));
  EXPECT_TRUE(w.operations->find_any(op.id));
  EXPECT_EQ(contract::ids_of(instances.list(tenant)), (std::vector<std::string>{inst.id, later.id}))
      << "oldest first";
  EXPECT_FALSE(instances.find_any("no-such-" + inst.id));

  // Deleted: hidden from every read.
  instances.mark_deleted(later.id);
  EXPECT_FALSE(instances.find(tenant, later.id));
  EXPECT_FALSE(instances.find_any(later.id));
  EXPECT_EQ(contract::ids_of(instances.list(tenant)), std::vector<std::string>{inst.id});
}

// start_operation: only from an allowed task (empty = any), writing the
// task and the operation together or nothing.
inline void check_instance_start_contract(const InstanceContractWorld& w) {
  db::InstanceRepository& instances = *w.instances;
  const db::Instance inst = contract::created(w, w.fresh_tenant(), "db1");

  db::Operation del = contract::operation_on(inst, "instance.delete");
  EXPECT_FALSE(instances.start_operation(inst.id, "DELETING", {"NONE"}, del));
  EXPECT_FALSE(w.operations->find_any(del.id)) << "nothing written when refused";
  EXPECT_EQ(instances.find_any(inst.id)->task, "BUILDING");

  instances.set_task(inst.id, "NONE");
  EXPECT_TRUE(instances.start_operation(inst.id, "DELETING", {"NONE", "BUILDING_ERROR"}, del));
  EXPECT_EQ(instances.find_any(inst.id)->task, "DELETING");
  ASSERT_TRUE(w.operations->find_any(del.id));
  EXPECT_EQ(w.operations->find_any(del.id)->state, "SUBMITTED");

  db::Operation again = contract::operation_on(inst, "instance.delete");
  EXPECT_TRUE(instances.start_operation(inst.id, "DELETING", {}, again)) << "empty = any task";
  db::Operation missing = contract::operation_on(inst, "instance.restart");
  EXPECT_FALSE(instances.start_operation("missing-" + inst.id, "RESTARTING", {}, missing));
  EXPECT_FALSE(w.operations->find_any(missing.id));
  instances.mark_deleted(inst.id);
  EXPECT_FALSE(instances.start_operation(inst.id, "RESTARTING", {}, missing))
      << "a deleted instance starts nothing";
  EXPECT_FALSE(w.operations->find_any(missing.id));
}

// Replicas: listed on their source's reads oldest first, created only under
// an idle source that is not itself a replica, they hold off the source's
// delete; promote and eject move them.
inline void check_instance_replicas_contract(const InstanceContractWorld& w) {
  db::InstanceRepository& instances = *w.instances;
  const std::string tenant = w.fresh_tenant();
  const db::Instance master = contract::created(w, tenant, "master");
  std::vector<std::string> replica_ids;
  for (const char* name : {"replica1", "replica2"}) {
    replica_ids.push_back(contract::created(w, tenant, name, master.id).id);
  }
  auto got = instances.find(tenant, master.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->replica_ids, replica_ids) << "oldest first";
  EXPECT_EQ(instances.find(tenant, replica_ids[0])->slave_of,
            std::optional<std::string>(master.id));
  EXPECT_TRUE(instances.find(tenant, replica_ids[0])->replica_ids.empty());
  EXPECT_EQ(contract::ids_of(instances.replicas_of(master.id)), replica_ids);

  instances.mark_deleted(replica_ids[0]);
  EXPECT_EQ(instances.find(tenant, master.id)->replica_ids,
            std::vector<std::string>{replica_ids[1]});
  EXPECT_EQ(contract::ids_of(instances.replicas_of(master.id)),
            std::vector<std::string>{replica_ids[1]});

  // A source with a live replica is not deleted: its replicas are named.
  db::Operation del = contract::operation_on(master, "instance.delete");
  auto blocked = instances.start_operation_unless_replicas(master.id, "DELETING", {}, del);
  EXPECT_FALSE(blocked.started);
  EXPECT_EQ(blocked.live_replicas, std::vector<std::string>{replica_ids[1]});
  EXPECT_FALSE(w.operations->find_any(del.id));

  // create_replicas: only under a live, idle source that is no replica.
  const auto batch_of = [&](const std::string& name) {
    db::Instance r = contract::instance_of(w, tenant, name);
    return std::vector<std::pair<db::Instance, db::Operation>>{
        {r, contract::operation_on(r, "instance.create")}};
  };
  auto building = batch_of("r-building");
  EXPECT_FALSE(instances.create_replicas(master.id, building)) << "the master is BUILDING";
  EXPECT_FALSE(instances.find_any(building[0].first.id));
  EXPECT_FALSE(w.operations->find_any(building[0].second.id));
  instances.set_task(master.id, "NONE");
  auto made = batch_of("r3");
  made[0].first.slave_of.reset();
  ASSERT_TRUE(instances.create_replicas(master.id, made));
  auto r3 = instances.find(tenant, made[0].first.id);
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->slave_of, std::optional<std::string>(master.id)) << "slave_of = the master";
  EXPECT_EQ(r3->service_status, common::service_status::kNew);
  EXPECT_TRUE(r3->service_status_updated);
  EXPECT_TRUE(w.operations->find_any(made[0].second.id));
  EXPECT_EQ(instances.find(tenant, master.id)->replica_ids,
            (std::vector<std::string>{replica_ids[1], r3->id}));
  instances.set_task(replica_ids[1], "NONE");
  auto chained = batch_of("r-of-a-replica");
  EXPECT_FALSE(instances.create_replicas(replica_ids[1], chained)) << "a replica has none";
  EXPECT_FALSE(instances.find_any(chained[0].first.id));
  EXPECT_FALSE(instances.create_replicas("missing-" + master.id, batch_of("r-missing")));

  // Promote replica 2: it replicates from nothing, the old master and r3
  // from it.
  instances.switch_source(master.id, replica_ids[1], true);
  EXPECT_FALSE(instances.find_any(replica_ids[1])->slave_of);
  EXPECT_EQ(instances.find_any(master.id)->slave_of, std::optional<std::string>(replica_ids[1]));
  EXPECT_EQ(instances.find_any(r3->id)->slave_of, std::optional<std::string>(replica_ids[1]));
  EXPECT_EQ(instances.find_any(replica_ids[1])->replica_ids,
            (std::vector<std::string>{master.id, r3->id}));
  EXPECT_TRUE(instances.find_any(master.id)->replica_ids.empty());
  // Eject back to the old master: replica 2 is left standalone.
  instances.switch_source(replica_ids[1], master.id, false);
  EXPECT_FALSE(instances.find_any(master.id)->slave_of);
  EXPECT_FALSE(instances.find_any(replica_ids[1])->slave_of) << "ejected: standalone";
  EXPECT_EQ(instances.find_any(r3->id)->slave_of, std::optional<std::string>(master.id));
  // set_slave_of sets and clears.
  instances.set_slave_of(replica_ids[1], master.id);
  EXPECT_EQ(instances.find_any(master.id)->replica_ids,
            (std::vector<std::string>{replica_ids[1], r3->id}));
  instances.set_slave_of(replica_ids[1], std::nullopt);
  EXPECT_FALSE(instances.find_any(replica_ids[1])->slave_of);

  // Once its replicas are gone the source's delete starts.
  instances.mark_deleted(r3->id);
  auto started = instances.start_operation_unless_replicas(master.id, "DELETING", {"NONE"}, del);
  EXPECT_TRUE(started.started);
  EXPECT_TRUE(started.live_replicas.empty());
  EXPECT_EQ(instances.find_any(master.id)->task, "DELETING");
  EXPECT_TRUE(w.operations->find_any(del.id));
  instances.mark_deleted(master.id);
  db::Operation none = contract::operation_on(master, "instance.delete");
  auto gone = instances.start_operation_unless_replicas(master.id, "DELETING", {}, none);
  EXPECT_FALSE(gone.started) << "a deleted instance starts nothing";
  EXPECT_TRUE(gone.live_replicas.empty());
}

// The setters write what reads see, on live rows only; a deletion hides
// the instance and its replicas leave their source's reads.
inline void check_instance_setters_contract(const InstanceContractWorld& w) {
  db::InstanceRepository& instances = *w.instances;
  const std::string tenant = w.fresh_tenant();
  const db::Instance master = contract::created(w, tenant, "master");
  const db::Instance replica = contract::created(w, tenant, "replica", master.id);

  instances.set_address(master.id, "127.10.0.9", 8781);
  instances.set_fault(master.id, "prepare failed: disk full");
  instances.set_service_status(master.id, "RUNNING");
  auto got = instances.find_any(master.id);
  EXPECT_EQ(got->address, std::optional<std::string>("127.10.0.9"));
  EXPECT_EQ(got->guest_port, std::optional<int>(8781))
      << "where the compute driver said its guest listens";
  EXPECT_EQ(got->fault, std::optional<std::string>("prepare failed: disk full"));
  ASSERT_TRUE(got->fault_created);
  EXPECT_EQ(got->fault_created->size(), 20u) << *got->fault_created;  // 2026-11-22T10:00:00Z
  EXPECT_EQ(got->service_status, "RUNNING");
  EXPECT_TRUE(got->service_status_updated);
  instances.set_fault(master.id, std::nullopt);
  EXPECT_FALSE(instances.find_any(master.id)->fault);
  EXPECT_FALSE(instances.find_any(master.id)->fault_created);

  instances.mark_deleted(replica.id);
  EXPECT_FALSE(instances.find(tenant, replica.id));
  EXPECT_FALSE(instances.find_any(replica.id));
  EXPECT_TRUE(instances.replicas_of(master.id).empty());
  EXPECT_EQ(instances.list(tenant).size(), 1u);
  instances.set_service_status(replica.id, "RUNNING");  // a deleted row is left alone
  instances.set_task(replica.id, "NONE");
  instances.set_address(replica.id, "127.10.0.10", 8781);
  EXPECT_FALSE(instances.find_any(replica.id)) << "a deleted row stays deleted";
}

// What the records say of an id, for the orphan reaper: live while a row is
// live or an unfinished operation names it (or its cluster), deleted once
// that is over, missing when nothing names it.
inline void check_instance_record_states_contract(const InstanceContractWorld& w) {
  using RecordState = db::InstanceRepository::RecordState;
  db::InstanceRepository& instances = *w.instances;
  db::OperationRepository& ops = *w.operations;
  const std::string tenant = w.fresh_tenant();
  auto finished = [&](const std::string& name) {
    db::Instance inst = contract::instance_of(w, tenant, name);
    db::Operation op = contract::operation_on(inst, "instance.create");
    instances.create_with_operation(inst, op);
    ops.finish(op.id, "", "COMPLETED", {}, "done");
    return inst;
  };
  const std::string live = finished("live").id;
  const std::string gone = finished("gone").id;  // deleted, its delete finished
  instances.mark_deleted(gone);
  const db::Instance deleting = finished("deleting");  // deleted, its delete still runs
  ASSERT_TRUE(instances.start_operation(deleting.id, "DELETING", {},
                                        contract::operation_on(deleting, "instance.delete")));
  instances.mark_deleted(deleting.id);
  db::Instance no_row_yet = contract::instance_of(w, tenant, "building");
  w.insert_operation(contract::operation_on(no_row_yet, "instance.create"));
  const std::string missing = "missing-" + common::crypto::random_hex(4);

  const auto states = instances.record_states({live, gone, deleting.id, no_row_yet.id, missing});
  ASSERT_EQ(states.size(), 5u);
  EXPECT_EQ(states.at(live), RecordState::kLive);
  EXPECT_EQ(states.at(gone), RecordState::kDeleted);
  EXPECT_EQ(states.at(deleting.id), RecordState::kLive) << "its delete still runs";
  EXPECT_EQ(states.at(no_row_yet.id), RecordState::kLive) << "an unfinished operation names it";
  EXPECT_EQ(states.at(missing), RecordState::kMissing);
  EXPECT_TRUE(instances.record_states({}).empty());

  // A deleted cluster node is live while an operation of its cluster runs.
  db::Cluster c;
  c.id = common::crypto::uuid4();
  c.tenant_id = tenant;
  c.name = "ring-" + c.id.substr(0, 6);
  c.datastore_version_id = w.model.datastore_version_id;
  db::Node n;
  n.instance_id = common::crypto::uuid4();
  n.cluster_id = c.id;
  n.ordinal = 1;
  n.instance = contract::instance_of(w, tenant, c.name + "-1");
  n.instance.id = n.instance_id;
  n.instance.cluster_id = c.id;
  c.nodes.push_back(n);
  db::Operation create = contract::operation_on(n.instance, "cluster.create");
  create.resource_type = "cluster";
  create.resource_id = c.id;
  w.clusters->create_with_operation(c, create);
  ops.finish(create.id, "", "COMPLETED", {}, "done");
  instances.mark_deleted(n.instance_id);
  EXPECT_EQ(instances.record_states({n.instance_id}).at(n.instance_id), RecordState::kDeleted);
  db::Operation shrink = create;
  shrink.id = common::crypto::uuid4();
  shrink.type = "cluster.shrink";
  ASSERT_TRUE(w.clusters->start_operation(c.id, "SHRINKING", {}, {}, shrink));
  EXPECT_EQ(instances.record_states({n.instance_id}).at(n.instance_id), RecordState::kLive)
      << "its cluster's operation runs";
  ops.finish(shrink.id, "", "COMPLETED", {}, "done");
  EXPECT_EQ(instances.record_states({n.instance_id}).at(n.instance_id), RecordState::kDeleted);
}

}  // namespace automat::testing
