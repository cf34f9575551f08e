// The in-memory repositories keep the promises of db/repositories.h, so
// tests built on them exercise the same semantics as the Pg ones.
#include <gtest/gtest.h>

#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_repositories.h"
#include "tests/support/address_lease_repository_contract.h"
#include "tests/support/catalog_repository_contract.h"
#include "tests/support/cluster_repository_contract.h"
#include "tests/support/heartbeat_repository_contract.h"
#include "tests/support/instance_repository_contract.h"
#include "tests/support/operation_repository_contract.h"
#include "tests/support/quota_repository_contract.h"
#include "tests/support/token_repository_contract.h"

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

// A catalog with the datastore version and flavor the contracts' model
// instance names (mysql 10.11, flavor "1" of 512 MB).
struct FakeStore {
  FakeOperationRepository ops;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&ops, &catalog};
  FakeClusterRepository clusters{&instances, &ops, &catalog};
  db::Instance model;

  FakeStore() {
    db::DatastoreVersion v;
    v.name = "10.11";
    v.manager = "mysql";
    catalog.upsert_flavor({"1", "m1.tiny", 512, 1, 5});
    model = make_instance("model");
    model.datastore_version_id = catalog.register_version("mysql", v, true);
  }
};

// The same contracts the PostgreSQL repositories pass (db_integration_test).
TEST(FakeTokenRepository, KeepsTheTokenRepositoryContract) {
  FakeTokenRepository tokens;
  TokenContractWorld w;
  w.tokens = &tokens;
  w.expire = [&](const std::string& hash) {
    std::lock_guard<std::mutex> l(tokens.mu);
    tokens.tokens.at(hash).expires = tokens.time->now();
  };
  check_token_repository_contract(w);
}

TEST(FakeCatalogRepository, KeepsTheCatalogRepositoryContract) {
  FakeCatalogRepository catalog;
  check_catalog_repository_contract(catalog);
}

TEST(FakeAddressLeaseRepository, KeepsTheAddressLeaseRepositoryContract) {
  FakeAddressLeaseRepository leases;
  AddressLeaseContractWorld w;
  w.leases = &leases;
  w.backdate = [&](const std::string& instance_id, std::chrono::seconds age) {
    std::lock_guard<std::mutex> l(leases.mu);
    leases.created.at(instance_id) -= age;
  };
  check_address_lease_repository_contract(w);
}

HeartbeatContractWorld fake_heartbeat_world(FakeStore& store, FakeHeartbeatRepository& heartbeats) {
  HeartbeatContractWorld w;
  w.heartbeats = &heartbeats;
  w.instances = &store.instances;
  w.model = store.model;
  w.silence = [&store, &heartbeats](const std::string& id) {
    const auto older = [](const std::string& iso) { return iso8601(parse_iso8601(iso) - 2min); };
    std::lock_guard<std::mutex> l(heartbeats.mu);
    std::lock_guard<std::mutex> li(store.instances.mu);
    auto hb = heartbeats.heartbeats.find(id);
    if (hb != heartbeats.heartbeats.end()) hb->second.received -= 2min;
    db::Instance& row = store.instances.instances.at(id);
    row.created = older(row.created);
    if (row.service_status_updated) row.service_status_updated = older(*row.service_status_updated);
  };
  return w;
}

TEST(FakeHeartbeatRepository, KeepsTheHeartbeatRecordingContract) {
  FakeStore store;
  FakeHeartbeatRepository heartbeats(&store.instances);
  check_heartbeat_recording_contract(fake_heartbeat_world(store, heartbeats));
}

TEST(FakeHeartbeatRepository, KeepsTheHeartbeatExpiryContract) {
  FakeStore store;
  FakeHeartbeatRepository heartbeats(&store.instances);
  check_heartbeat_expiry_contract(fake_heartbeat_world(store, heartbeats));
}

class FakeQuotaContract : public ::testing::Test {
 protected:
  FakeQuotaContract() {
    w_.quotas = &quotas_;
    w_.instances = &store_.instances;
    w_.operations = &store_.ops;
    w_.clusters = &store_.clusters;
    w_.model = store_.model;
    w_.flavor_ram_mb = 512;
    w_.fresh_tenant = [this] {
      const std::string id = "tenant-" + common::crypto::random_hex(6);
      quotas_.known_tenants.insert(id);
      return id;
    };
  }
  FakeStore store_;
  FakeQuotaRepository quotas_{&store_.instances};
  QuotaContractWorld w_;
};

TEST_F(FakeQuotaContract, KeepsTheQuotaLimitsContract) { check_quota_limits_contract(w_); }
TEST_F(FakeQuotaContract, KeepsTheQuotaUsageContract) { check_quota_usage_contract(w_); }
TEST_F(FakeQuotaContract, KeepsTheQuotaChargeContract) { check_quota_charge_contract(w_); }
TEST_F(FakeQuotaContract, KeepsTheSharedQuotaChargeContract) {
  check_quota_shared_charge_contract(w_);
}

class FakeInstanceContract : public ::testing::Test {
 protected:
  FakeInstanceContract() {
    w_.instances = &store_.instances;
    w_.operations = &store_.ops;
    w_.clusters = &store_.clusters;
    w_.model = store_.model;
    w_.datastore_name = "mysql";
    w_.version_name = "10.11";
    w_.fresh_tenant = [] { return "tenant-" + common::crypto::random_hex(6); };
    w_.insert_operation = [this](const db::Operation& op) {
      std::lock_guard<std::mutex> l(store_.ops.mu);
      store_.ops.insert_locked(op);
    };
  }
  FakeStore store_;
  InstanceContractWorld w_;
};

TEST_F(FakeInstanceContract, KeepsTheInstanceCreateContract) { check_instance_create_contract(w_); }
TEST_F(FakeInstanceContract, KeepsTheInstanceStartContract) { check_instance_start_contract(w_); }
TEST_F(FakeInstanceContract, KeepsTheInstanceReplicasContract) {
  check_instance_replicas_contract(w_);
}
TEST_F(FakeInstanceContract, KeepsTheInstanceSettersContract) {
  check_instance_setters_contract(w_);
}
TEST_F(FakeInstanceContract, KeepsTheInstanceRecordStatesContract) {
  check_instance_record_states_contract(w_);
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

// The same expiry on the fakes' frozen clock, as unit tests drive it.
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

// The outage switch every fake has: calls throw DatabaseUnavailable, as the
// Pg repositories do when the database is down.
TEST(FakeTokenRepository, AnOutageIsUnavailable) {
  FakeTokenRepository tokens;
  const std::string t = tokens.ensure_tenant("alice");
  tokens.add_token("hash", t, {"admin"});
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
