// The in-memory repositories keep the promises of db/repositories.h, so
// tests built on them exercise the same semantics as the Pg ones.
#include <gtest/gtest.h>

#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_repositories.h"
#include "tests/support/cluster_repository_contract.h"
#include "tests/support/operation_repository_contract.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

db::Operation make_op(const std::string& id, const std::string& tenant = "t1") {
  db::Operation op;
  op.id = id;
  op.tenant_id = tenant;
  op.type = "instance.create";
  op.resource_type = "instance";
  op.resource_id = "i-" + id;
  return op;
}

db::Instance make_instance(const std::string& id, const std::string& tenant = "t1") {
  db::Instance inst;
  inst.id = id;
  inst.tenant_id = tenant;
  inst.name = "db-" + id;
  inst.flavor_id = "1";
  inst.volume_size_gb = 1;
  inst.datastore_version_id = "v1";
  return inst;
}

// The same contract the PostgreSQL repositories pass (db_integration_test).
TEST(FakeOperationRepository, KeepsTheOperationRepositoryContract) {
  FakeOperationRepository ops;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&ops, &catalog};
  check_operation_repository_contract(instances, ops, make_instance("model"), "t2");
}

// The same contract the PostgreSQL repository passes (cluster_db).
TEST(FakeClusterRepository, KeepsTheClusterRepositoryContract) {
  FakeOperationRepository ops;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&ops, &catalog};
  FakeClusterRepository clusters{&instances, &ops, &catalog};
  const auto make_cluster = [](const std::vector<std::string>& zones) {
    db::Cluster c;
    c.id = common::crypto::uuid4();
    c.tenant_id = "t1";
    c.name = "ring-" + c.id.substr(0, 6);
    c.datastore_version_id = "v1";
    for (size_t k = 0; k < zones.size(); ++k) {
      db::Node n;
      n.instance_id = common::crypto::uuid4();
      n.cluster_id = c.id;
      n.zone = zones[k];
      n.role = {{"seed", k == 0}, {"dc", "dc1"}};
      n.ordinal = static_cast<int>(k) + 1;
      n.instance = make_instance(n.instance_id);
      n.instance.name = c.name + "-" + std::to_string(k + 1);
      n.instance.availability_zone = zones[k];
      n.instance.cluster_id = c.id;
      c.nodes.push_back(n);
    }
    return c;
  };
  check_cluster_repository_contract(clusters, make_cluster, "t2");
}

TEST(FakeInstanceRepository, KeepsTheInstanceWritesContract) {
  FakeOperationRepository ops;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&ops, &catalog};
  check_instance_writes_contract(instances, make_instance("model"), "t2", "2");
}

TEST(FakeInstanceRepository, KeepsTheChargedStartContract) {
  FakeOperationRepository ops;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&ops, &catalog};
  check_charged_start_contract(instances, make_instance("model"));
}

TEST(FakeOperationRepository, ClaimHoldsLeaseUntilItLapses) {
  FakeOperationRepository ops;
  ops.time->set(std::chrono::system_clock::now());
  ops.insert_locked(make_op("op1"));

  auto first = ops.claim("op1", "tm-a", 30s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->state, "RUNNING");
  EXPECT_EQ(first->owner, "tm-a");
  EXPECT_TRUE(first->started);

  EXPECT_FALSE(ops.claim("op1", "tm-b", 30s)) << "lease still held by tm-a";
  EXPECT_TRUE(ops.claim("op1", "tm-a", 30s)) << "the owner may reclaim";
  EXPECT_FALSE(ops.save_progress("op1", "tm-b", 1, "x", 0.5, "m"));
  EXPECT_TRUE(ops.list_resumable(10s, 10).empty());

  ops.time->advance(31s);
  EXPECT_EQ(ops.list_resumable(10s, 10), std::vector<std::string>{"op1"});
  auto taken = ops.claim("op1", "tm-b", 30s);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->owner, "tm-b");
  EXPECT_FALSE(ops.renew_lease("op1", "tm-a", 30s)) << "tm-a lost the lease";
  EXPECT_TRUE(ops.save_progress("op1", "tm-b", 2, "prepare", 0.5, "preparing"));

  ops.finish("op1", "tm-a", "FAILED", {}, "not mine");
  EXPECT_EQ(ops.operations["op1"].state, "RUNNING") << "a non-owner cannot finish";
  ops.finish("op1", "tm-b", "COMPLETED", {}, "done");
  EXPECT_EQ(ops.operations["op1"].state, "COMPLETED");
  EXPECT_DOUBLE_EQ(ops.operations["op1"].progress, 1.0);
  EXPECT_FALSE(ops.operations["op1"].owner);
  EXPECT_FALSE(ops.claim("op1", "tm-b", 30s)) << "finished operations cannot be claimed";
}

TEST(FakeOperationRepository, UnclaimedOperationsResumeAfterGrace) {
  FakeOperationRepository ops;
  ops.time->set(std::chrono::system_clock::now());
  ops.insert_locked(make_op("old"));
  ops.time->advance(5s);
  ops.insert_locked(make_op("new"));
  EXPECT_TRUE(ops.list_resumable(10s, 10).empty());
  ops.time->advance(8s);
  EXPECT_EQ(ops.list_resumable(10s, 10), std::vector<std::string>{"old"});
  ops.time->advance(10s);
  EXPECT_EQ(ops.list_resumable(10s, 10), (std::vector<std::string>{"old", "new"}));
  EXPECT_EQ(ops.list_resumable(10s, 1), std::vector<std::string>{"old"});
}

TEST(FakeHeartbeatRepository, DropsStaleMessagesAndSkipsUnknownInstances) {
  FakeOperationRepository ops;
  FakeInstanceRepository instances(&ops);
  FakeHeartbeatRepository heartbeats(&instances);
  instances.create_with_operation(make_instance("i1"), make_op("op1"));

  db::HeartbeatRecord r{"i1", "heartbeat", 100, "RUNNING", {}};
  db::HeartbeatRecord older{"i1", "heartbeat", 90, "SHUTDOWN", {}};
  db::HeartbeatRecord unknown{"nope", "heartbeat", 100, "RUNNING", {}};
  EXPECT_EQ(heartbeats.record_batch({r, older, unknown}), 1u);
  EXPECT_EQ(instances.find_any("i1")->service_status, "RUNNING");

  EXPECT_EQ(heartbeats.record_batch({older}), 0u) << "older than the last one seen";
  EXPECT_EQ(heartbeats.record_batch({r}), 0u) << "same sent_us is not newer";
  db::HeartbeatRecord newer{"i1", "heartbeat", 101, "BLOCKED", {}};
  EXPECT_EQ(heartbeats.record_batch({newer}), 1u);
  EXPECT_EQ(instances.find_any("i1")->service_status, "BLOCKED");
}

TEST(FakeHeartbeatRepository, MarksSilentInstancesAndHeartbeatRestores) {
  FakeOperationRepository ops;
  FakeInstanceRepository instances(&ops);
  FakeHeartbeatRepository heartbeats(&instances);
  instances.time->set(std::chrono::system_clock::now());
  instances.create_with_operation(make_instance("i1"), make_op("op1"));
  instances.create_with_operation(make_instance("i2"), make_op("op2"));
  instances.set_task("i1", "NONE");  // i2 stays BUILDING: never marked
  heartbeats.record_batch({{"i1", "heartbeat", 1, "RUNNING", {}}});

  instances.time->advance(30s);
  EXPECT_TRUE(heartbeats.mark_expired(60s).empty());
  instances.time->advance(31s);
  EXPECT_EQ(heartbeats.mark_expired(60s), std::vector<std::string>{"i1"});
  EXPECT_EQ(instances.find_any("i1")->service_status, "FAILED_TIMEOUT_GUESTAGENT");
  EXPECT_TRUE(heartbeats.mark_expired(60s).empty()) << "already marked";

  heartbeats.record_batch({{"i1", "heartbeat", 2, "RUNNING", {}}});
  EXPECT_EQ(instances.find_any("i1")->service_status, "RUNNING");
}

TEST(FakeInstanceRepository, ScopesToTenantAndChecksAllowedTasks) {
  FakeOperationRepository ops;
  FakeInstanceRepository instances(&ops);
  instances.create_with_operation(make_instance("i1", "t1"), make_op("op1", "t1"));
  EXPECT_TRUE(instances.find("t1", "i1"));
  EXPECT_FALSE(instances.find("t2", "i1"));
  EXPECT_TRUE(instances.list("t2").empty());
  EXPECT_TRUE(ops.find("t1", "op1"));
  EXPECT_FALSE(ops.find("t2", "op1"));

  EXPECT_THROW(instances.create_with_operation(make_instance("i2"), make_op("op1")), common::Error);
  EXPECT_FALSE(instances.find_any("i2")) << "no instance without its operation";

  EXPECT_FALSE(instances.start_operation("i1", "DELETING", {"NONE"}, make_op("del")));
  EXPECT_FALSE(ops.find_any("del"));
  instances.set_task("i1", "NONE");
  EXPECT_TRUE(instances.start_operation("i1", "DELETING", {"NONE"}, make_op("del")));
  EXPECT_EQ(instances.find_any("i1")->task, "DELETING");
  instances.mark_deleted("i1");
  EXPECT_FALSE(instances.find("t1", "i1"));
}

TEST(FakeAddressLeaseRepository, LeasesLowestFreeHostAddress) {
  FakeAddressLeaseRepository leases;
  EXPECT_EQ(leases.lease("a", "127.10.0.0/30", {}), "127.10.0.1");
  EXPECT_EQ(leases.lease("a", "127.10.0.0/30", {}), "127.10.0.1") << "stable per instance";
  EXPECT_EQ(leases.lease("b", "127.10.0.0/30", {}), "127.10.0.2");
  EXPECT_THROW(leases.lease("c", "127.10.0.0/30", {}), common::Error);
  leases.release("a");
  EXPECT_EQ(leases.lease("c", "127.10.0.0/30", {}), "127.10.0.1");
}

TEST(FakeAddressLeaseRepository, SkipsAddressesInUseAndListsLeasesWithTheirAge) {
  FakeAddressLeaseRepository leases;
  EXPECT_EQ(leases.lease("a", "127.10.0.0/29", {"127.10.0.1", "127.10.0.2"}), "127.10.0.3");
  leases.time->advance(std::chrono::seconds(90));
  EXPECT_EQ(leases.lease("b", "127.10.0.0/29", {"127.10.0.2"}), "127.10.0.1");
  const auto all = leases.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].instance_id, "a") << "oldest first";
  EXPECT_EQ(all[0].address, "127.10.0.3");
  EXPECT_EQ(all[0].age, std::chrono::seconds(90));
  EXPECT_EQ(all[1].age, std::chrono::seconds(0));
}

TEST(FakeTokenRepository, ResolvesTokenToTenantAndRoles) {
  FakeTokenRepository tokens;
  const std::string t = tokens.ensure_tenant("alice");
  EXPECT_EQ(tokens.ensure_tenant("alice"), t);
  tokens.add_token("hash", t, {"admin"});
  auto p = tokens.find_by_hash("hash");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenant_id, t);
  EXPECT_TRUE(p->is_admin());
  EXPECT_FALSE(tokens.find_by_hash("other"));
  tokens.unavailable = true;
  try {
    tokens.find_by_hash("hash");
    FAIL() << "expected an outage";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
}

}  // namespace
}  // namespace automat::testing
