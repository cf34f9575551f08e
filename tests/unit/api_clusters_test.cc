// Cluster create, reads and enable-root through the Router, with fakes.
#include <gtest/gtest.h>

#include "automat/messages.pb.h"
#include "common/broker.h"
#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::body_of;
using testing::ClusterTestEnv;

json trove_create(const std::vector<std::string>& racks, const std::string& flavor = "2") {
  json instances = json::array();
  for (const auto& r : racks) {
    instances.push_back(
        {{"flavorRef", flavor}, {"volume", {{"size", 2}}}, {"availability_zone", r}});
  }
  return {{"cluster",
           {{"name", "ring"},
            {"datastore", {{"type", "cassandra"}, {"version", "5.0"}}},
            {"instances", instances}}}};
}

TEST(ClusterCreate, WritesClusterNodesAndOperationAndPublishesOneTask) {
  ClusterTestEnv env;
  const Response r = env.post("/clusters", trove_create({"r1", "r2", "r1"}));
  ASSERT_EQ(r.status, 202) << r.body;
  const json body = body_of(r);
  const json& view = body["cluster"];
  EXPECT_EQ(view["name"], "ring");
  EXPECT_EQ(view["status"], "BUILD");
  EXPECT_EQ(
      view["task"],
      json({{"id", 2}, {"name", "BUILDING"}, {"description", "Building the initial cluster."}}));
  EXPECT_EQ(view["datastore"], json({{"type", "cassandra"}, {"version", "5.0"}}));
  EXPECT_EQ(view["size"], 3);
  ASSERT_EQ(view["instances"].size(), 3u);
  EXPECT_EQ(body["operation"]["state"], "SUBMITTED");
  EXPECT_EQ(r.operation_id, body["operation"]["id"]);

  // Nodes: named by ordinal, racks from the zones, one seed per rack.
  const json& nodes = view["instances"];
  EXPECT_EQ(nodes[0]["name"], "ring-1");
  EXPECT_EQ(nodes[2]["name"], "ring-3");
  EXPECT_EQ(nodes[0]["rack"], "r1");
  EXPECT_EQ(nodes[1]["rack"], "r2");
  EXPECT_EQ(nodes[0]["dc"], "dc1");
  EXPECT_EQ(nodes[0]["type"], "member");
  EXPECT_EQ(nodes[0]["status"], "BUILD");
  EXPECT_EQ(nodes[0]["flavor"]["id"], "2");
  EXPECT_EQ(nodes[0]["volume"]["size"], 2);
  EXPECT_EQ(nodes[0]["ip"], json::array());
  EXPECT_TRUE(nodes[0]["seed"]);
  EXPECT_TRUE(nodes[1]["seed"]);
  EXPECT_FALSE(nodes[2]["seed"]);

  // Stored: the cluster, its node instances (cluster_id, zone = rack) and
  // the cluster.create operation listing the nodes seeds first.
  const std::string id = view["id"];
  const auto stored = env.clusters.find(env.tenant_a, id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->task, "BUILDING");
  EXPECT_EQ(stored->datastore_version_id, env.cassandra_version_id);
  const auto node3 = env.instances.find(env.tenant_a, nodes[2]["id"]);
  ASSERT_TRUE(node3);
  EXPECT_EQ(node3->cluster_id, id);
  EXPECT_EQ(node3->availability_zone, "r1");
  EXPECT_EQ(node3->task, "BUILDING");
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "cluster.create");
  EXPECT_EQ(op->resource_type, "cluster");
  EXPECT_EQ(op->resource_id, id);
  EXPECT_EQ(op->input["instance_ids"], json({nodes[0]["id"], nodes[1]["id"], nodes[2]["id"]}));

  const auto tasks = env.publisher.bodies(common::kTaskQueue);
  ASSERT_EQ(tasks.size(), 1u);
  proto::TaskMessage msg;
  ASSERT_TRUE(msg.ParseFromString(tasks[0]));
  EXPECT_EQ(msg.operation_id(), r.operation_id);
}

TEST(ClusterCreate, StartOrderPutsSeedsFirst) {
  ClusterTestEnv env;
  const Response r = env.post("/clusters", trove_create({"r1", "r1", "r2"}));
  ASSERT_EQ(r.status, 202) << r.body;
  const json nodes = body_of(r)["cluster"]["instances"];
  const auto op = env.operations.find(env.tenant_a, r.operation_id);
  EXPECT_EQ(op->input["instance_ids"], json({nodes[0]["id"], nodes[2]["id"], nodes[1]["id"]}));
}

TEST(ClusterCreate, SeedFormWithSizeAndRegions) {
  ClusterTestEnv env;
  const json body = {{"cluster",
                      {{"name", "products"},
                       {"datastore", {{"type", "cassandra"}}},
                       {"flavorRef", "m1.small"},
                       {"volume", {{"size", 1}}},
                       {"size", 2},
                       {"nodes", {{{"region", "west"}}, {{"region", "east"}}}}}}};
  const Response r = env.post("/clusters", body);
  ASSERT_EQ(r.status, 202) << r.body;
  const json view = body_of(r)["cluster"];
  EXPECT_EQ(view["datastore"]["version"], "5.0") << "the default version";
  EXPECT_EQ(view["instances"][0]["rack"], "west");
  EXPECT_EQ(view["instances"][1]["rack"], "east");
  EXPECT_EQ(view["instances"][1]["flavor"]["id"], "2");

  json no_region = body;
  no_region["cluster"].erase("nodes");
  const Response d = env.post("/clusters", no_region);
  ASSERT_EQ(d.status, 202) << d.body;
  EXPECT_EQ(body_of(d)["cluster"]["instances"][0]["rack"], "rack1");
}

TEST(ClusterCreate, PublishFailureStillAnswers202) {
  ClusterTestEnv env;
  env.publisher.fail_next(1);
  const Response r = env.post("/clusters", trove_create({"r1"}));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(env.operations.find(env.tenant_a, r.operation_id));
}

TEST(ClusterCreate, RefusalsWriteAndPublishNothing) {
  ClusterTestEnv env;
  struct Case {
    json body;
    int status;
    std::string needle;
  };
  json mixed = trove_create({"r1", "r2"});
  mixed["cluster"]["instances"][1]["flavorRef"] = "3";
  json same_by_name = trove_create({"r1", "r2"});
  json old_version = trove_create({"r1"});
  old_version["cluster"]["datastore"]["version"] = "4.1";
  json mysql = trove_create({"r1"}, "3");
  mysql["cluster"]["datastore"] = {{"type", "mysql"}};
  json unknown_ds = trove_create({"r1"});
  unknown_ds["cluster"]["datastore"]["type"] = "nosql";
  json both = trove_create({"r1"});
  both["cluster"]["size"] = 1;
  const std::vector<Case> cases = {
      {mixed, 400, "all nodes of a cluster share one flavor"},
      {trove_create({"r1", "r2"}, "1"), 400, "never less than 1 GB"},
      {trove_create({"r1"}, "9"), 400, "flavor 'm1.nano' has 256 MB of RAM"},
      {old_version, 400, "cassandra 4.1 is not enabled for clusters"},
      {mysql, 400, "does not build clusters"},
      {unknown_ds, 400, "datastore 'nosql' is not known"},
      {trove_create({"r1"}, "77"), 400, "flavorRef '77' is not a known flavor"},
      {both, 400, "not both"},
  };
  for (const auto& c : cases) {
    const Response r = env.post("/clusters", c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_NE(r.body.find(c.needle), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("badRequest"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(env.clusters.clusters.empty());
  EXPECT_EQ(env.instance_count(), 0u);
  EXPECT_EQ(env.operation_count(), 0u);
  EXPECT_TRUE(env.publisher.published().empty());

  // The same flavor by id and by name is one flavor.
  same_by_name["cluster"]["instances"][1]["flavorRef"] = "m1.small";
  EXPECT_EQ(env.post("/clusters", same_by_name).status, 202);
}

TEST(CassandraInstance, FlavorBelowOneGigabyteIsRefused) {
  ClusterTestEnv env;
  json body = testing::valid_create_body();
  body["instance"]["datastore"] = {{"type", "cassandra"}, {"version", "5.0"}};
  body["instance"]["databases"] = {{{"name", "shop"}}};
  body["instance"]["flavorRef"] = "1";
  Response r = env.post("/instances", body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("flavor 'm1.tiny' has 512 MB of RAM"), std::string::npos) << r.body;
  EXPECT_EQ(env.instance_count(), 0u);
  body["instance"]["flavorRef"] = "2";
  r = env.post("/instances", body);
  EXPECT_EQ(r.status, 202) << r.body;
}

TEST(ClusterRead, ListShowAndNodesAreScopedToTheTenant) {
  ClusterTestEnv env;
  const json created = env.create_cluster({"r1", "r2"});
  const std::string id = created["id"];
  const std::string node = created["instances"][1]["id"];

  Response r = env.get("/clusters");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(body_of(r)["clusters"].size(), 1u);
  EXPECT_EQ(body_of(r)["clusters"][0]["id"], id);
  EXPECT_EQ(body_of(env.get("/clusters", env.token_b))["clusters"], json::array());

  r = env.get("/clusters/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["cluster"]["links"][0]["href"],
            "http://api.example:8779/v1.0/" + env.tenant_a + "/clusters/" + id);
  EXPECT_EQ(env.get("/clusters/" + id, env.token_b).status, 404);
  EXPECT_EQ(env.get("/clusters/no-such-id").status, 404);

  r = env.get("/clusters/" + id + "/nodes/" + node);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["node"]["id"], node);
  EXPECT_EQ(body_of(r)["node"]["rack"], "r2");
  r = env.get("/clusters/" + id + "/instances/" + node);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["instance"]["id"], node);
  EXPECT_EQ(body_of(env.get("/clusters/" + id + "/nodes"))["nodes"].size(), 2u);
  EXPECT_EQ(env.get("/clusters/" + id + "/nodes/" + node, env.token_b).status, 404);
  r = env.get("/clusters/" + id + "/nodes/not-a-node");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("is not a node of cluster"), std::string::npos);
}

// A node's status is its instance's (what its guest reports, through the
// task); its phase is shown beside it and changes nothing.
TEST(ClusterRead, NodeStatusFollowsItsInstanceAndItsPhaseIsShownBeside) {
  ClusterTestEnv env;
  const json created = env.create_cluster({"r1", "r1"});
  const std::string id = created["id"];
  env.make_active(id, testing::cassandra_detail());
  const std::string n1 = created["instances"][0]["id"];
  env.instances.set_address(n1, "127.10.0.7", 8780);
  env.clusters.set_node_phase(created["instances"][1]["id"], "cleanup");

  const json view = body_of(env.get("/clusters/" + id))["cluster"];
  EXPECT_EQ(view["status"], "ACTIVE");
  EXPECT_EQ(view["task"]["name"], "NONE");
  EXPECT_EQ(view["instances"][0]["status"], "ACTIVE");
  EXPECT_EQ(view["instances"][0]["ip"], json({"127.10.0.7"}));
  EXPECT_EQ(view["ip"], json({"127.10.0.7"}));
  EXPECT_EQ(view["instances"][1]["status"], "ACTIVE");
  EXPECT_EQ(view["instances"][1]["phase"], "cleanup");
  env.instances.set_service_status(created["instances"][1]["id"], "BLOCKED");
  EXPECT_EQ(body_of(env.get("/clusters/" + id))["cluster"]["instances"][1]["status"], "BLOCKED")
      << "a Cassandra guest reports BLOCKED while its cleanup job runs";

  env.instances.set_service_status(n1, "FAILED_TIMEOUT_GUESTAGENT");
  EXPECT_EQ(body_of(env.get("/clusters/" + id))["cluster"]["instances"][0]["status"], "ERROR");
}

TEST(ClusterNodesAsInstances, ListedOnlyWithIncludeClusteredAndNotDeletableAlone) {
  ClusterTestEnv env;
  const json created = env.create_cluster({"r1"});
  const std::string node = created["instances"][0]["id"];
  // Trove's instances.list() leaves cluster members out unless asked.
  EXPECT_EQ(body_of(env.get("/instances"))["instances"], json::array());
  EXPECT_EQ(body_of(env.get("/instances/detail?include_clustered=false"))["instances"],
            json::array());
  const json list = body_of(env.get("/instances?include_clustered=true"))["instances"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["cluster_id"], created["id"]);
  EXPECT_EQ(body_of(env.get("/instances/" + node))["instance"]["cluster_id"], created["id"]);
  EXPECT_EQ(env.get("/instances?include_clustered=maybe").status, 400);

  env.instances.set_task(node, "NONE");
  const Response r = env.del("/instances/" + node);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("node " + node + " belongs to cluster " + created["id"].get<std::string>() +
                        "; shrink the cluster instead"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(env.instances.find_any(node)->task, "NONE") << "nothing started";
}

TEST(ClusterRoot, NotWiredIs501) {
  ClusterTestEnv env;
  const json created = env.create_cluster({"r1"});
  const Response r =
      env.post("/clusters/" + created["id"].get<std::string>() + "/root", json::object());
  EXPECT_EQ(r.status, 501) << r.body;
  EXPECT_NE(r.body.find("notImplemented"), std::string::npos) << r.body;
  EXPECT_EQ(env.post("/clusters/missing/root", json::object()).status, 404) << "404 first";
}

TEST(ClusterRoot, EnablesThroughAnActiveSeed) {
  ClusterTestEnv env;
  env.wire_guests();
  const json created = env.create_cluster({"r1", "r1", "r1"});
  const std::string id = created["id"];

  Response r = env.post("/clusters/" + id + "/root", json::object());
  EXPECT_EQ(r.status, 422) << "nothing ACTIVE yet: " << r.body;
  EXPECT_NE(r.body.find("no node of cluster ring is ACTIVE yet"), std::string::npos) << r.body;
  EXPECT_EQ(env.get("/clusters/" + id + "/root").status, 422) << "not ready";
  EXPECT_TRUE(env.guests.connects.empty());

  env.make_active(id, testing::cassandra_detail());
  int n = 0;
  for (const auto& node : env.node_ids(id)) {
    env.instances.set_address(node, "127.10.0." + std::to_string(++n), 8780);
  }
  EXPECT_EQ(body_of(env.get("/clusters/" + id + "/root")), json({{"rootEnabled", false}}));
  r = env.post("/clusters/" + id + "/root", json::object());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r),
            json({{"user", {{"name", "root"}, {"password", "generated-root-secret"}}}}));
  ASSERT_EQ(env.guests.connects.size(), 1u);
  EXPECT_EQ(env.guests.connects[0].first.instance_id, created["instances"][0]["id"]) << "the seed";
  EXPECT_EQ(body_of(env.get("/clusters/" + id + "/root")), json({{"rootEnabled", true}}));
  for (const auto& node : env.node_ids(id)) {
    EXPECT_TRUE(env.root_history.is_enabled({node})) << "recorded for every node";
  }

  r = env.post("/clusters/" + id + "/root", {{"password", "a-chosen-password"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["user"]["password"], "a-chosen-password");

  EXPECT_EQ(env.post("/clusters/" + id + "/root", json::object(), env.token_b).status, 404);
  EXPECT_EQ(env.get("/clusters/" + id + "/root", env.token_b).status, 404);
  env.guests.reachable = false;
  EXPECT_EQ(env.post("/clusters/" + id + "/root", json::object()).status, 503);
}

TEST(ClusterRoutes, MethodsAndUnknownPaths) {
  ClusterTestEnv env;
  const std::string id = env.create_cluster({"r1"})["id"];
  const auto call = [&](Method m, const std::string& path) {
    return env.call(m, ClusterTestEnv::url(env.tenant_a, path), env.token_a);
  };
  EXPECT_EQ(call(Method::kPut, "/clusters").status, 405);
  EXPECT_EQ(call(Method::kPut, "/clusters/" + id).allow, "GET, POST, DELETE");
  EXPECT_EQ(call(Method::kGet, "/clusters/" + id + "/action").status, 405);
  EXPECT_EQ(call(Method::kPut, "/clusters/" + id + "/root").status, 405);
  EXPECT_EQ(call(Method::kPost, "/clusters/" + id + "/instances/x").status, 405);
  EXPECT_EQ(call(Method::kGet, "/clusters/" + id + "/nothing").status, 404);
  EXPECT_EQ(call(Method::kGet, "/clusters/" + id + "/nodes/a/b").status, 404);
}

TEST(ClusterRoutes, WithoutAClusterRepositoryAre501) {
  testing::ApiTestEnv env;
  const Response r =
      env.call(Method::kGet, testing::ApiTestEnv::url(env.tenant_a, "/clusters"), env.token_a);
  EXPECT_EQ(r.status, 501) << r.body;
}

}  // namespace
}  // namespace automat::api
