// POST /clusters/{id}/action {"resize_volume": {"size": N}} through the
// Router, with fakes: the 202 and every refusal, each writing nothing.
#include <gtest/gtest.h>

#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::body_of;
using testing::cassandra_detail;
using testing::ClusterTestEnv;

// An ACTIVE, idle cluster of three 2 GB nodes.
std::string active_ring(ClusterTestEnv& env) {
  const std::string id = env.create_cluster({"r1", "r1", "r1"})["id"];
  env.make_active(id, cassandra_detail());
  return id;
}

json resize_volume(const json& size) { return {{"resize_volume", {{"size", size}}}}; }

TEST(ClusterResizeVolume, StartsAnOperationOverEveryNodeInItsOrder) {
  ClusterTestEnv env;
  const std::string id = active_ring(env);
  const size_t published = env.publisher.published().size();
  const Response r = env.post("/clusters/" + id + "/action", resize_volume(8));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["task"]["name"], "RESIZING_VOLUME");
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "cluster.resize_volume");
  EXPECT_EQ(op->resource_id, id);
  EXPECT_EQ(op->input, json({{"size_gb", 8}, {"instance_ids", env.node_ids(id)}}));
  EXPECT_EQ(env.clusters.find_any(id)->task, "RESIZING_VOLUME");
  EXPECT_EQ(env.publisher.published().size(), published + 1);
  // Busy now: any other action waits.
  const Response again = env.post("/clusters/" + id + "/action", resize_volume(9));
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_NE(again.body.find("is RESIZING_VOLUME; wait until its current task finishes"),
            std::string::npos)
      << again.body;
}

TEST(ClusterResizeVolume, RefusalsNameTheFieldAndWriteNothing) {
  ClusterTestEnv env;
  const std::string id = active_ring(env);
  const db::Cluster c = *env.clusters.find_any(id);
  env.instances.set_volume_size(c.nodes[2].instance_id, 6);  // one node grew already
  const size_t ops = env.operation_count();
  struct Case {
    json body;
    int status;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {resize_volume("eight"), 400, "resize_volume.size must be a whole number"},
      {resize_volume(0), 400, "resize_volume.size must be a whole number"},
      {resize_volume("0"), 400, "resize_volume.size must be a whole number of GB, at least 1"},
      {{{"resize_volume", json::object()}}, 400, "resize_volume.size is required"},
      {resize_volume(1), 400, "volumes only grow: node " + c.nodes[0].instance.name},
      {resize_volume(5), 400,
       "resize_volume.size: volumes only grow: node " + c.nodes[2].instance.name +
           "'s volume is 6 GB"},
      {resize_volume(1025), 400, "resize_volume.size must be at most 1024 GB"},
  };
  for (const auto& c2 : cases) {
    const Response r = env.post("/clusters/" + id + "/action", c2.body);
    EXPECT_EQ(r.status, c2.status) << c2.body << " " << r.body;
    EXPECT_NE(r.body.find(c2.message_part), std::string::npos) << c2.body << " " << r.body;
  }
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

// A resize that stopped half way (a host refused) leaves some nodes grown:
// asking again grows only the others, and charges only their growth.
TEST(ClusterResizeVolume, NodesAlreadyOfTheSizeAreLeftAsTheyAre) {
  ClusterTestEnv env;
  const std::string id = active_ring(env);
  const db::Cluster c = *env.clusters.find_any(id);
  env.instances.set_volume_size(c.nodes[0].instance_id, 8);
  // 8 + 2 + 2 in use, + 6 + 6 asked: 24 fits (charging n1 too would not)
  env.quotas.set_limits(env.tenant_a, {{"volumes", 24}});
  const Response r = env.post("/clusters/" + id + "/action", resize_volume(8));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  EXPECT_EQ(op->input, json({{"size_gb", 8},
                             {"instance_ids", {c.nodes[1].instance_id, c.nodes[2].instance_id}}}));

  ClusterTestEnv all;
  const std::string grown = active_ring(all);
  for (const auto& id2 : all.node_ids(grown)) all.instances.set_volume_size(id2, 8);
  const Response none = all.post("/clusters/" + grown + "/action", resize_volume(8));
  EXPECT_EQ(none.status, 400) << none.body;
  EXPECT_NE(none.body.find("volumes only grow: every node of cluster ring already has 8 GB"),
            std::string::npos)
      << none.body;
  EXPECT_EQ(all.clusters.find_any(grown)->task, "NONE");
}

TEST(ClusterResizeVolume, ANodeNotActiveIs422) {
  ClusterTestEnv env;
  const std::string id = active_ring(env);
  const db::Cluster c = *env.clusters.find_any(id);
  env.instances.set_service_status(c.nodes[1].instance_id, "SHUTDOWN");
  const Response r = env.post("/clusters/" + id + "/action", resize_volume(8));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("node " + c.nodes[1].instance.name + " is SHUTDOWN"), std::string::npos)
      << r.body;
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

TEST(ClusterResizeVolume, TheGrowthOfAllNodesCountsAgainstTheVolumesQuota) {
  ClusterTestEnv env;
  const std::string id = active_ring(env);  // 3 x 2 GB = 6 GB in use
  env.quotas.set_limits(env.tenant_a, {{"volumes", 14}});
  const size_t ops = env.operation_count();
  Response r = env.post("/clusters/" + id + "/action", resize_volume(5));  // +9: 15 > 14
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("volumes would be 15 GB"), std::string::npos) << r.body;
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
  r = env.post("/clusters/" + id + "/action", resize_volume(4));  // +6: 12 fits
  EXPECT_EQ(r.status, 202) << r.body;
}

TEST(ClusterResizeVolume, AnotherTenantsClusterIsNotFound) {
  ClusterTestEnv env;
  const std::string id = active_ring(env);
  EXPECT_EQ(env.post("/clusters/" + id + "/action", resize_volume(8), env.token_b).status, 404);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
}

}  // namespace
}  // namespace automat::api
