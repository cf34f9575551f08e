// Cluster actions through the Router, with fakes: grow, shrink (with the
// Cassandra safety checks), replace_node, delete; one action at a time.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/broker.h"
#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::body_of;
using testing::cassandra_detail;
using testing::ClusterTestEnv;

// An ACTIVE, idle cluster of `racks` with healthy heartbeat details.
std::string active_cluster(ClusterTestEnv& env, const std::vector<std::string>& racks,
                           const json& detail = cassandra_detail()) {
  const std::string id = env.create_cluster(racks)["id"];
  env.make_active(id, detail);
  return id;
}

db::Operation stored_op(ClusterTestEnv& env, const Response& r) {
  auto op = env.operations.find(env.tenant_a, r.operation_id);
  if (!op) throw std::runtime_error("operation not stored: " + r.body);
  return *op;
}

TEST(ClusterGrow, AddsNodesAndStartsAGrowOperation) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r2"});
  const size_t published = env.publisher.published().size();
  const Response r =
      env.post("/clusters/" + id,
               {{"grow",
                 {{{"flavorRef", "2"}, {"volume", {{"size", 2}}}, {"availability_zone", "r3"}},
                  {{"availability_zone", "r1"}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  const json view = body_of(r)["cluster"];
  EXPECT_EQ(view["task"]["name"], "GROWING");
  ASSERT_EQ(view["instances"].size(), 4u);
  const json& added = view["instances"][2];
  EXPECT_EQ(added["name"], "ring-3");
  EXPECT_EQ(added["rack"], "r3");
  EXPECT_FALSE(added["seed"]) << "new nodes are seeded by the workflow once joined";
  EXPECT_EQ(added["status"], "BUILD");
  EXPECT_EQ(view["instances"][3]["name"], "ring-4");

  const db::Operation op = stored_op(env, r);
  EXPECT_EQ(op.type, "cluster.grow");
  EXPECT_EQ(op.resource_id, id);
  EXPECT_EQ(op.input, json({{"instance_ids", {added["id"], view["instances"][3]["id"]}}}));
  EXPECT_EQ(env.publisher.published().size(), published + 1);
  EXPECT_EQ(env.instances.find_any(added["id"])->flavor_id, "2");
}

TEST(ClusterGrow, SeedFormAndDefaultRack) {
  ClusterTestEnv env;
  const std::string single = active_cluster(env, {"r1", "r1"});
  Response r = env.post("/clusters/" + single + "/nodes", {{"nodes", {{"num", 1}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["instances"][2]["rack"], "r1") << "the cluster's only rack";

  const std::string spread = active_cluster(env, {"r1", "r2"});
  r = env.post("/clusters/" + spread + "/nodes", {{"nodes", {{"num", 1}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("spans racks r1, r2"), std::string::npos) << r.body;
  r = env.post("/clusters/" + spread + "/nodes",
               {{"nodes", {{"num", 2}, {"allocations", {{{"region", "r2"}}}}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("nodes.num is 2 but nodes.allocations lists 1"), std::string::npos);
  r = env.post("/clusters/" + spread + "/nodes",
               {{"nodes", {{"allocations", {{{"region", "r2"}}}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["instances"][2]["rack"], "r2");
}

TEST(ClusterGrow, AGrowThatWouldFillTheNewNodesVolumesWarnsInItsOperation) {
  ClusterTestEnv env;
  // Three 2 GB nodes holding 3 GiB each: a fourth would take about 2.25 GiB.
  proto::cassandra::NodeReport report;
  report.mutable_ring();
  *report.mutable_keyspaces()->add_keyspaces() = testing::cassandra_keyspace(
      "system_distributed", "SimpleStrategy", {{"replication_factor", "3"}});
  report.set_load_bytes(int64_t(3) << 30);
  report.set_free_disk_bytes(int64_t(1) << 30);
  const std::string id =
      active_cluster(env, {"r1", "r1", "r1"}, datastores::cassandra::stored_detail(report));
  const Response r = env.post("/clusters/" + id, {{"grow", {json::object()}}});
  ASSERT_EQ(r.status, 202) << r.body;
  const json warnings = body_of(r)["operation"]["warnings"];
  ASSERT_EQ(warnings.size(), 1u) << r.body;
  EXPECT_NE(warnings[0].get<std::string>().find(
                "each new node would take about 2.2 GiB of the ring's 9.0 GiB of data, over 90 %"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(stored_op(env, r).warnings, warnings.get<std::vector<std::string>>());
  const Response shown = env.get("/operations/" + r.operation_id);
  EXPECT_EQ(body_of(shown)["operation"]["warnings"], warnings) << shown.body;
  // An ordinary grow warns of nothing.
  ClusterTestEnv calm;
  const std::string small = active_cluster(calm, {"r1", "r1", "r1"});
  const Response ok = calm.post("/clusters/" + small, {{"grow", {json::object()}}});
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_FALSE(body_of(ok)["operation"].contains("warnings")) << ok.body;
  EXPECT_EQ(body_of(calm.get("/operations/" + ok.operation_id))["operation"]["warnings"],
            json::array());
}

TEST(ClusterGrow, RefusesOtherFlavorVolumeOrTooManyNodes) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1"});
  Response r = env.post("/clusters/" + id, {{"grow", {{{"flavorRef", "3"}}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("the cluster's nodes use flavor '2'"), std::string::npos) << r.body;
  r = env.post("/clusters/" + id, {{"grow", {{{"volume", {{"size", 5}}}}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("share one volume size"), std::string::npos) << r.body;
  r = env.post("/clusters/" + id + "/nodes", {{"nodes", {{"num", 12}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("would make it 13 nodes"), std::string::npos) << r.body;
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
  EXPECT_EQ(env.clusters.find_any(id)->nodes.size(), 1u);
}

TEST(ClusterActions, AnyActionWhileBusyIs422NamingTheTask) {
  ClusterTestEnv env;
  const json created = env.create_cluster({"r1", "r1", "r1"});
  const std::string id = created["id"];
  const std::string node = created["instances"][0]["id"];
  const size_t ops = env.operation_count();
  const std::vector<std::pair<std::string, json>> actions = {
      {"/clusters/" + id, {{"grow", {json::object()}}}},
      {"/clusters/" + id, {{"shrink", {{{"id", node}}}}}},
      {"/clusters/" + id + "/action", {{"replace_node", {{"id", node}}}}},
      {"/clusters/" + id + "/nodes", {{"nodes", {{"num", 1}}}}},
  };
  for (const auto& [path, body] : actions) {
    const Response r = env.post(path, body);
    EXPECT_EQ(r.status, 422) << path << " " << body;
    EXPECT_NE(r.body.find("cluster ring is BUILDING; wait until its current task finishes"),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(env.del("/clusters/" + id).status, 422);
  EXPECT_EQ(env.del("/clusters/" + id + "/nodes/" + node).status, 422);
  EXPECT_EQ(env.operation_count(), ops) << "nothing written";
  EXPECT_EQ(env.clusters.find_any(id)->nodes.size(), 3u);
}

TEST(ClusterActions, UnknownActionsAndIdsAreClear) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1", "r1"});
  Response r = env.post("/clusters/" + id, {{"restart", json::object()}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown cluster action 'restart' for a cassandra cluster; use one of "
                        "grow, shrink, replace_node, resize_volume, resize, restore, cleanup"),
            std::string::npos)
      << r.body;
  r = env.post("/clusters/" + id, {{"shrink", {{{"id", "stranger"}}}}});
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("node stranger is not a node of cluster " + id), std::string::npos);
  r = env.post("/clusters/" + id + "/action", {{"replace_node", {{"id", "stranger"}}}});
  EXPECT_EQ(r.status, 404);
  r = env.post("/clusters/" + id, {{"grow", json::array()}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(env.post("/clusters/missing", {{"grow", {json::object()}}}).status, 404);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

// A datastore's own action (Cassandra's cleanup) goes through the same
// handler: its operation type, task and input are the datastore's.
TEST(ClusterOwnAction, CleanupStartsTheDatastoresOperationOnEveryNodeSeedsFirst) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r2"});
  const size_t published = env.publisher.published().size();
  const Response r = env.post("/clusters/" + id + "/action", {{"cleanup", json::object()}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["task"]["name"], "CLEANING");
  const db::Operation op = stored_op(env, r);
  EXPECT_EQ(op.type, "cluster.cleanup");
  EXPECT_EQ(op.resource_id, id);
  // Seeds first (r1's first node and r2's), then the other r1 node.
  const db::Cluster c = *env.clusters.find_any(id);
  EXPECT_EQ(op.input,
            json({{"instance_ids",
                   {c.nodes[0].instance_id, c.nodes[2].instance_id, c.nodes[1].instance_id}}}));
  EXPECT_EQ(env.publisher.published().size(), published + 1);
  EXPECT_EQ(c.task, "CLEANING");

  const Response again = env.post("/clusters/" + id, {{"cleanup", json::object()}});
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_NE(again.body.find("is CLEANING; wait until its current task finishes"), std::string::npos)
      << again.body;
}

TEST(ClusterOwnAction, CleanupWithANodeNotActiveIs422AndWritesNothing) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1"});
  const db::Cluster c = *env.clusters.find_any(id);
  env.instances.set_service_status(c.nodes[1].instance_id, "SHUTDOWN");
  const size_t ops = env.operation_count();
  const Response r = env.post("/clusters/" + id + "/action", {{"cleanup", json::object()}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("node " + c.nodes[1].instance.name +
                        " is SHUTDOWN; a cleanup needs every node ACTIVE"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

TEST(ClusterShrink, StartsAShrinkOfTheListedNodes) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1", "r1"});
  const auto nodes = env.node_ids(id);
  const Response r = env.post("/clusters/" + id, {{"shrink", {{{"id", nodes[3]}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["task"]["name"], "SHRINKING");
  const db::Operation op = stored_op(env, r);
  EXPECT_EQ(op.type, "cluster.shrink");
  EXPECT_EQ(op.input, json({{"instance_ids", {nodes[3]}}}));
  EXPECT_EQ(env.clusters.find_any(id)->nodes.size(), 4u) << "the workflow removes them";
}

TEST(ClusterShrink, DeleteOfOneNodeIsAShrink) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1", "r1"});
  const auto nodes = env.node_ids(id);
  const Response r = env.del("/clusters/" + id + "/nodes/" + nodes[1]);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(stored_op(env, r).input, json({{"instance_ids", {nodes[1]}}}));
  EXPECT_EQ(env.del("/clusters/" + id + "/nodes/stranger").status, 404);
}

TEST(ClusterShrink, BelowTheReplicationFactorIs422) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1"});
  const auto nodes = env.node_ids(id);
  const Response r = env.post("/clusters/" + id, {{"shrink", {{{"id", nodes[2]}}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("cannot shrink cluster ring: removing 1 node would leave 2 nodes, fewer "
                        "than the replication factor 3 of keyspace 'system_distributed'"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

TEST(ClusterShrink, UnreportedNodeIsRetryShortly) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1", "r1"});
  const auto nodes = env.node_ids(id);
  env.clusters.set_detail(nodes[1], json::object());
  const Response r = env.del("/clusters/" + id + "/nodes/" + nodes[3]);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("node ring-2 has not reported its ring yet; retry shortly"),
            std::string::npos)
      << r.body;
}

TEST(ClusterShrink, LosingARackANetworkTopologyKeyspaceNeedsIs422) {
  ClusterTestEnv env;
  const auto nts = testing::cassandra_keyspace("orders", "NetworkTopologyStrategy", {{"dc1", "3"}});
  const std::string id = active_cluster(env, {"r1", "r2", "r3", "r1"}, cassandra_detail({nts}));
  const auto nodes = env.node_ids(id);
  const Response r = env.post("/clusters/" + id, {{"shrink", {{{"id", nodes[2]}}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("last node of rack 'r3'"), std::string::npos) << r.body;
  EXPECT_EQ(env.post("/clusters/" + id, {{"shrink", {{{"id", nodes[3]}}}}}).status, 202);
}

TEST(ClusterShrink, RemovingEveryNodeIs400) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1"});
  const Response r = env.del("/clusters/" + id + "/nodes/" + env.node_ids(id)[0]);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("a cluster keeps at least one node"), std::string::npos);
}

TEST(ClusterReplace, AddsANodeInTheSameRackWithItsSeedFlag) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r2", "r2"});
  const auto before = env.clusters.find_any(id)->nodes;
  ASSERT_EQ(before[1].role["seed"], true);
  const Response r =
      env.post("/clusters/" + id + "/action", {{"replace_node", {{"id", before[1].instance_id}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  const json view = body_of(r)["cluster"];
  EXPECT_EQ(view["task"]["name"], "REPLACING");
  ASSERT_EQ(view["instances"].size(), 4u);
  const json& fresh = view["instances"][3];
  EXPECT_EQ(fresh["rack"], "r2");
  EXPECT_TRUE(fresh["seed"]);
  EXPECT_EQ(fresh["name"], "ring-4");
  EXPECT_EQ(fresh["flavor"]["id"], "2");
  const db::Operation op = stored_op(env, r);
  EXPECT_EQ(op.type, "cluster.replace_node");
  EXPECT_EQ(op.input,
            json({{"old_instance_id", before[1].instance_id}, {"new_instance_id", fresh["id"]}}));
}

TEST(ClusterDelete, StartsADeleteListingEveryNode) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r2"});
  const Response r = env.del("/clusters/" + id);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["task"]["name"], "DELETING");
  const db::Operation op = stored_op(env, r);
  EXPECT_EQ(op.type, "cluster.delete");
  EXPECT_EQ(op.input, json({{"instance_ids", env.node_ids(id)}}));
  const Response again = env.del("/clusters/" + id);
  EXPECT_EQ(again.status, 422);
  EXPECT_NE(again.body.find("is DELETING"), std::string::npos);
  EXPECT_EQ(env.del("/clusters/" + id + "x").status, 404);
}

TEST(ClusterActions, ConcurrentActionsExactlyOneWins) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env, {"r1", "r1", "r1", "r1"});
  const auto nodes = env.node_ids(id);
  std::atomic<int> accepted{0}, busy{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      Response r;
      switch (t % 3) {
        case 0:
          r = env.post("/clusters/" + id, {{"grow", {json::object()}}});
          break;
        case 1:
          r = env.del("/clusters/" + id);
          break;
        default:
          r = env.del("/clusters/" + id + "/nodes/" + nodes[3]);
      }
      (r.status == 202 ? accepted : r.status == 422 ? busy : other)++;
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(busy.load(), 7);
  EXPECT_EQ(other.load(), 0);
  size_t actions = 0;
  for (const auto& [op_id, op] : env.operations.operations) actions += op.type != "cluster.create";
  EXPECT_EQ(actions, 1u);
}

}  // namespace
}  // namespace automat::api
