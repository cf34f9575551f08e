// Clusters in PostgreSQL: created with their nodes, instances and operation
// in one transaction; one action at a time (the task flip is a race exactly
// one caller wins); scoped to their tenant; workflow setters.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/error.h"
#include "common/status.h"
#include "db/pg_cluster_repository.h"
#include "tests/integration/db_seed.h"
#include "tests/support/cluster_repository_contract.h"

namespace automat::testing {
namespace {

struct ClusterSeed {
  Seed base;
  std::string version_id;  // cassandra 5.0, enabled_cluster
};

ClusterSeed seed_cassandra(db::ConnectionPool& pool) {
  ClusterSeed s{seed_catalog(pool), {}};
  db::PgCatalogRepository catalog(pool);
  db::DatastoreVersion v;
  v.name = "5.0";
  v.manager = "cassandra";
  v.enabled_cluster = true;
  s.version_id = catalog.register_version("cassandra", v, true);
  return s;
}

db::Node new_node(const ClusterSeed& s, const std::string& cluster_name, int ordinal,
                  const std::string& rack, bool seed) {
  db::Node n;
  n.instance_id = common::crypto::uuid4();
  n.zone = rack;
  n.role = {{"seed", seed}, {"dc", "dc1"}};
  n.ordinal = ordinal;
  db::Instance& i = n.instance;
  i.id = n.instance_id;
  i.tenant_id = s.base.tenant_id;
  i.name = cluster_name + "-" + std::to_string(ordinal);
  i.flavor_id = s.base.flavor_id;
  i.volume_size_gb = 2;
  i.datastore_version_id = s.version_id;
  i.task = common::task::kBuilding;
  i.availability_zone = rack;
  return n;
}

db::Cluster new_cluster(const ClusterSeed& s, const std::vector<std::string>& racks) {
  db::Cluster c;
  c.id = common::crypto::uuid4();
  c.tenant_id = s.base.tenant_id;
  c.name = "ring-" + common::crypto::random_hex(3);
  c.datastore_version_id = s.version_id;
  for (size_t k = 0; k < racks.size(); ++k) {
    c.nodes.push_back(new_node(s, c.name, static_cast<int>(k) + 1, racks[k], k == 0));
  }
  return c;
}

db::Operation cluster_op(const db::Cluster& c, const std::string& type) {
  return contract::cluster_operation(c, type);
}

int count(PgTestDb& db, const std::string& sql) { return db.query(sql)[0][0].as<int>(); }

// The same contract the fake passes (db_fakes_test).
TEST(DbClusters, KeepsTheClusterRepositoryContract) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  check_cluster_repository_contract(
      clusters, [&](const std::vector<std::string>& zones) { return new_cluster(s, zones); },
      s.base.other_tenant_id);
}

TEST(DbClusters, CreateWritesClusterNodesInstancesAndOperation) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository operations(db.pool());
  const db::Cluster c = new_cluster(s, {"r1", "r2", "r1"});
  db::Operation op = cluster_op(c, "cluster.create");
  op.input = {{"instance_ids", {c.nodes[0].instance_id, c.nodes[1].instance_id}}};
  clusters.create_with_operation(c, op);

  auto got = clusters.find(s.base.tenant_id, c.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, c.name);
  EXPECT_EQ(got->task, "BUILDING");
  EXPECT_EQ(got->status, "BUILD");
  EXPECT_EQ(got->datastore_name, "cassandra");
  EXPECT_EQ(got->datastore_version_name, "5.0");
  EXPECT_EQ(got->created.size(), 20u) << got->created;
  EXPECT_EQ(got->next_ordinal, 4);
  ASSERT_EQ(got->nodes.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    const db::Node& n = got->nodes[k];
    EXPECT_EQ(n.instance_id, c.nodes[k].instance_id) << "ordered by ordinal";
    EXPECT_EQ(n.ordinal, static_cast<int>(k) + 1);
    EXPECT_EQ(n.zone, c.nodes[k].zone);
    EXPECT_EQ(n.type, "member");
    EXPECT_EQ(n.role, nlohmann::json({{"seed", k == 0}, {"dc", "dc1"}})) << "stored as written";
    EXPECT_EQ(n.phase, "");
    EXPECT_EQ(n.detail, nlohmann::json::object());
    EXPECT_EQ(n.instance.name, c.nodes[k].instance.name);
    EXPECT_EQ(n.instance.task, "BUILDING");
    EXPECT_EQ(n.instance.service_status, "NEW");
    EXPECT_EQ(n.instance.availability_zone, c.nodes[k].zone);
    EXPECT_EQ(n.instance.datastore_name, "cassandra");
  }
  // The node instances are instances of the tenant, marked with the cluster.
  auto inst = instances.find(s.base.tenant_id, c.nodes[1].instance_id);
  ASSERT_TRUE(inst);
  EXPECT_EQ(inst->cluster_id, c.id);
  EXPECT_EQ(inst->volume_size_gb, 2);
  auto got_op = operations.find(s.base.tenant_id, op.id);
  ASSERT_TRUE(got_op);
  EXPECT_EQ(got_op->type, "cluster.create");
  EXPECT_EQ(got_op->resource_type, "cluster");
  EXPECT_EQ(got_op->input["instance_ids"][1], c.nodes[1].instance_id);
}

TEST(DbClusters, FailedCreateLeavesNoRowBehind) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  const db::Cluster first = new_cluster(s, {"r1"});
  const db::Operation op = cluster_op(first, "cluster.create");
  clusters.create_with_operation(first, op);

  const db::Cluster second = new_cluster(s, {"r1", "r2"});
  db::Operation reused = op;  // same operation id: the last insert fails
  reused.resource_id = second.id;
  EXPECT_THROW(clusters.create_with_operation(second, reused), common::Error);
  EXPECT_FALSE(clusters.find_any(second.id));
  EXPECT_EQ(count(db, "SELECT count(*) FROM clusters WHERE id = '" + second.id + "'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM instances WHERE cluster_id = '" + second.id + "'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM nodes WHERE cluster_id = '" + second.id + "'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM service_statuses WHERE instance_id = '" +
                          second.nodes[0].instance_id + "'"),
            0);
}

TEST(DbClusters, ScopedToTenantAndListedOldestFirst) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  const db::Cluster a = new_cluster(s, {"r1"});
  clusters.create_with_operation(a, cluster_op(a, "cluster.create"));
  const db::Cluster b = new_cluster(s, {"r1", "r1"});
  clusters.create_with_operation(b, cluster_op(b, "cluster.create"));

  EXPECT_FALSE(clusters.find(s.base.other_tenant_id, a.id));
  EXPECT_TRUE(clusters.list(s.base.other_tenant_id).empty());
  EXPECT_TRUE(clusters.find_any(a.id));
  auto mine = clusters.list(s.base.tenant_id);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, a.id);
  EXPECT_EQ(mine[0].nodes.size(), 1u);
  EXPECT_EQ(mine[1].nodes.size(), 2u);
}

TEST(DbClusters, StartOperationFlipsTaskAddsNodesOrWritesNothing) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  db::PgOperationRepository operations(db.pool());
  const db::Cluster c = new_cluster(s, {"r1", "r2"});
  clusters.create_with_operation(c, cluster_op(c, "cluster.create"));

  // Still BUILDING: a grow from NONE is refused and writes nothing.
  const db::Node extra = new_node(s, c.name, 3, "r2", false);
  const db::Operation grow = cluster_op(c, "cluster.grow");
  EXPECT_FALSE(clusters.start_operation(c.id, "GROWING", {"NONE"}, {extra}, grow));
  EXPECT_FALSE(operations.find_any(grow.id));
  EXPECT_EQ(count(db, "SELECT count(*) FROM instances WHERE id = '" + extra.instance_id + "'"), 0);
  EXPECT_EQ(clusters.find_any(c.id)->task, "BUILDING");

  clusters.set_task(c.id, "NONE");
  EXPECT_TRUE(clusters.start_operation(c.id, "GROWING", {"NONE"}, {extra}, grow));
  auto got = clusters.find_any(c.id);
  EXPECT_EQ(got->task, "GROWING");
  ASSERT_EQ(got->nodes.size(), 3u);
  EXPECT_EQ(got->nodes[2].instance_id, extra.instance_id);
  EXPECT_EQ(got->nodes[2].instance.tenant_id, s.base.tenant_id);
  EXPECT_EQ(got->nodes[2].instance.cluster_id, c.id);
  EXPECT_TRUE(operations.find_any(grow.id));
  EXPECT_FALSE(clusters.start_operation("no-such-cluster", "DELETING", {}, {},
                                        cluster_op(c, "cluster.delete")));
}

TEST(DbClusters, ConcurrentActionsExactlyOneWins) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  constexpr int kRounds = 5;
  constexpr int kThreads = 6;
  for (int round = 0; round < kRounds; ++round) {
    const db::Cluster c = new_cluster(s, {"r1", "r2"});
    clusters.create_with_operation(c, cluster_op(c, "cluster.create"));
    clusters.set_task(c.id, "NONE");
    std::atomic<int> wins{0};
    std::atomic<int> errors{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Each contender adds its own node with the same next ordinal: the
        // loser's insert must never happen (the unique ordinal would fail).
        const db::Node extra = new_node(s, c.name, 3, "r1", false);
        const db::Operation op = cluster_op(c, t % 2 ? "cluster.grow" : "cluster.delete");
        while (!go.load()) std::this_thread::yield();
        try {
          if (clusters.start_operation(c.id, t % 2 ? "GROWING" : "DELETING", {"NONE"}, {extra},
                                       op)) {
            ++wins;
          }
        } catch (const common::Error&) {
          ++errors;
        }
      });
    }
    go = true;
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(errors.load(), 0) << "losers are refused, not failed";
    EXPECT_EQ(count(db, "SELECT count(*) FROM operations WHERE resource_id = '" + c.id + "'"), 2)
        << "the create and exactly one action";
    EXPECT_EQ(count(db, "SELECT count(*) FROM nodes WHERE cluster_id = '" + c.id + "'"), 3);
    EXPECT_NE(clusters.find_any(c.id)->task, "NONE");
  }
}

TEST(DbClusters, WorkflowSettersPhaseSeedsStatusAndDeletion) {
  auto& db = PgTestDb::get();
  const ClusterSeed s = seed_cassandra(db.pool());
  db::PgClusterRepository clusters(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgHeartbeatRepository heartbeats(db.pool());
  const db::Cluster c = new_cluster(s, {"r1", "r2", "r3"});
  clusters.create_with_operation(c, cluster_op(c, "cluster.create"));
  const std::string& n1 = c.nodes[0].instance_id;
  const std::string& n2 = c.nodes[1].instance_id;
  const std::string& n3 = c.nodes[2].instance_id;

  clusters.set_status(c.id, "ACTIVE");
  clusters.set_task(c.id, "NONE");
  clusters.set_node_phase(n2, "cleanup");
  clusters.set_roles(
      c.id, {{n2, {{"seed", true}, {"dc", "dc1"}}}, {n3, {{"seed", true}, {"dc", "dc2"}}}});
  const nlohmann::json detail = {{"cassandra", {{"load_bytes", 1234}, {"free_disk_bytes", 99}}}};
  ASSERT_EQ(heartbeats.record_batch({{n3, "heartbeat", 10, "RUNNING", detail}}), 1u);
  instances.set_address(n1, "127.10.0.3", 8782);

  auto got = clusters.find_any(c.id);
  EXPECT_EQ(got->nodes[0].instance.address, "127.10.0.3");
  EXPECT_EQ(got->nodes[0].instance.guest_port, 8782);
  EXPECT_FALSE(got->nodes[1].instance.guest_port);
  EXPECT_EQ(got->status, "ACTIVE");
  EXPECT_EQ(got->task, "NONE");
  EXPECT_EQ(got->nodes[0].role, nlohmann::json({{"seed", true}, {"dc", "dc1"}}))
      << "a node set_roles does not name keeps its role";
  EXPECT_EQ(got->nodes[1].role, nlohmann::json({{"seed", true}, {"dc", "dc1"}}));
  EXPECT_EQ(got->nodes[2].role, nlohmann::json({{"seed", true}, {"dc", "dc2"}}));
  EXPECT_EQ(got->nodes[1].phase, "cleanup");
  EXPECT_EQ(got->nodes[0].phase, "");
  EXPECT_EQ(got->nodes[2].detail, detail);
  EXPECT_EQ(got->nodes[2].instance.service_status, "RUNNING");

  // A deleted node instance leaves the cluster's reads; its ordinal is not reused.
  instances.mark_deleted(n3);
  got = clusters.find_any(c.id);
  ASSERT_EQ(got->nodes.size(), 2u);
  EXPECT_EQ(got->nodes[1].instance_id, n2);
  EXPECT_EQ(got->next_ordinal, 4);

  instances.mark_deleted(n1);
  instances.mark_deleted(n2);
  EXPECT_TRUE(clusters.find_any(c.id)->nodes.empty()) << "a cluster without nodes is still read";
  clusters.mark_deleted(c.id);
  EXPECT_FALSE(clusters.find_any(c.id));
  EXPECT_FALSE(clusters.find(s.base.tenant_id, c.id));
  EXPECT_TRUE(clusters.list(s.base.tenant_id).empty());
}

}  // namespace
}  // namespace automat::testing
