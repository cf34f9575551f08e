// POST /clusters/{id}/action {"resize": {"flavorRef", "by", "concurrency"}}
// through the Router, with fakes: the 202 and every refusal (the QUORUM
// check included), each writing nothing.
#include <gtest/gtest.h>

#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::body_of;
using testing::cassandra_detail;
using testing::cassandra_keyspace;
using testing::ClusterTestEnv;

// The heartbeat detail of a secured ring whose keyspace 'app' keeps 3
// replicas per rack-aware placement in dc1.
json ring_detail() {
  return cassandra_detail(
      {cassandra_keyspace("system_auth", "NetworkTopologyStrategy", {{"dc1", "3"}}),
       cassandra_keyspace("app", "NetworkTopologyStrategy", {{"dc1", "3"}})});
}

// An ACTIVE, idle cluster of m1.small nodes in `racks`.
std::string active_ring(ClusterTestEnv& env, const std::vector<std::string>& racks) {
  const std::string id = env.create_cluster(racks)["id"];
  env.make_active(id, ring_detail());
  return id;
}

json resize(const json& body) { return {{"resize", body}}; }

TEST(ClusterRollingResize, ByRackStartsAnOperationOverEveryNodeSeedsFirst) {
  ClusterTestEnv env;
  const std::string id = active_ring(env, {"r1", "r2", "r3"});
  const size_t published = env.publisher.published().size();
  const Response r =
      env.post("/clusters/" + id + "/action", resize({{"flavorRef", "m1.medium"}, {"by", "rack"}}));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["task"]["name"], "RESIZING");
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "cluster.resize_flavor");
  EXPECT_EQ(op->input, json({{"flavor_id", "3"},
                             {"ram_mb", 2048},
                             {"old_flavor_id", "2"},
                             {"concurrency", 1},
                             {"instance_ids", env.node_ids(id)},
                             {"turn", "BY_ZONE"}}));
  EXPECT_EQ(env.clusters.find_any(id)->task, "RESIZING");
  EXPECT_EQ(env.publisher.published().size(), published + 1);
  const Response again = env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}}));
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_NE(again.body.find("is RESIZING; wait until its current task finishes"), std::string::npos)
      << again.body;
}

TEST(ClusterRollingResize, RefusalsSayWhyAndWriteNothing) {
  ClusterTestEnv env;
  const std::string id = active_ring(env, {"r1", "r1", "r2"});
  const size_t ops = env.operation_count();
  struct Case {
    json body;
    int status;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {resize(json::object()), 400, "resize.flavorRef is required"},
      {resize({{"flavorRef", "m1.huge"}}), 400, "resize.flavorRef 'm1.huge' is not a known flavor"},
      {resize({{"flavorRef", "2"}}), 400,
       "every node of cluster ring already has flavor 'm1.small'; name another flavor"},
      {resize({{"flavorRef", "1"}}), 400, "resize.flavorRef"},  // 512 MB: below Cassandra's 1 GB
      {resize({{"flavorRef", "3"}, {"by", "zone"}}), 400, "resize.by must be"},
      {resize({{"flavorRef", "3"}, {"concurrency", 0}}), 400, "resize.concurrency"},
      {resize({{"flavorRef", "3"}, {"concurrency", "101"}}), 400,
       "resize.concurrency must be a whole number from 1 to 100"},
      // QUORUM: two nodes down at once may be two of a range's three replicas.
      {resize({{"flavorRef", "3"}, {"concurrency", 2}}), 422,
       "cannot resize cluster ring that way: restarting 2 nodes at a time could stop 2 of the 3 "
       "replicas keyspace 'app' (NetworkTopologyStrategy) keeps of a token range, but QUORUM "
       "needs 2 of them up; use concurrency 1 or less"},
      // Two racks for three replicas: r1's two nodes may hold two of a range.
      {resize({{"flavorRef", "3"}, {"by", "rack"}}), 422,
       "restarting every node of 1 rack at a time could stop 2 of the 3 replicas keyspace 'app'"},
  };
  for (const auto& c : cases) {
    const Response r = env.post("/clusters/" + id + "/action", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    EXPECT_NE(r.body.find(c.message_part), std::string::npos) << c.body << " " << r.body;
  }
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
  // By node, one at a time, is safe on the same ring.
  EXPECT_EQ(env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}})).status, 202);
}

TEST(ClusterRollingResize, ANodeNotActiveIs422AndTheRamGainedCountsAgainstTheQuota) {
  ClusterTestEnv env;
  const std::string id = active_ring(env, {"r1", "r2", "r3"});
  const db::Cluster c = *env.clusters.find_any(id);
  env.instances.set_service_status(c.nodes[1].instance_id, "SHUTDOWN");
  Response r = env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}}));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("node " + c.nodes[1].instance.name + " is SHUTDOWN"), std::string::npos)
      << r.body;
  env.instances.set_service_status(c.nodes[1].instance_id, "RUNNING");
  // 3 x 1024 MB in use; 3 x 1024 more would make 6144.
  env.quotas.set_limits(env.tenant_a, {{"ram", 6000}});
  r = env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}}));
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
  env.quotas.set_limits(env.tenant_a, {{"ram", 6144}});
  EXPECT_EQ(env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}})).status, 202);
}

// A roll that stopped half way left some nodes on the new flavor: asking
// again restarts only the others.
TEST(ClusterRollingResize, NodesAlreadyOfTheFlavorAreLeftAsTheyAre) {
  ClusterTestEnv env;
  const std::string id = active_ring(env, {"r1", "r2", "r3"});
  const auto nodes = env.node_ids(id);
  env.instances.set_flavor(nodes[0], "3");
  const Response r = env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}}));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  EXPECT_EQ(op->input["instance_ids"], json({nodes[1], nodes[2]}));
}

TEST(ClusterRollingResize, AnotherTenantsClusterIsNotFoundAndANodeAloneCannotChange) {
  ClusterTestEnv env;
  const std::string id = active_ring(env, {"r1", "r2", "r3"});
  EXPECT_EQ(
      env.post("/clusters/" + id + "/action", resize({{"flavorRef", "3"}}), env.token_b).status,
      404);
  const auto node = env.node_ids(id)[0];
  const Response r = env.post("/instances/" + node + "/action", {{"resize", {{"flavorRef", "3"}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("resize them all with the cluster's action"), std::string::npos) << r.body;
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

}  // namespace
}  // namespace automat::api
