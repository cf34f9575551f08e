// POST/GET /clusters/{id}/backups through the Router over the fakes: a
// backup of every node, one at a time per cluster, scoped to the tenant.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;
using testing::cassandra_detail;
using testing::ClusterTestEnv;

std::string active_cluster(ClusterTestEnv& env) {
  const std::string id = env.create_cluster({"r1", "r1", "r2"})["id"];
  env.make_active(id, cassandra_detail());
  return id;
}

json backup_body(json extra = json::object()) {
  json b = {{"name", "nightly"}};
  b.update(extra);
  return {{"backup", b}};
}

TEST(ClusterBackups, StartsABackupOfEveryNodeAndHoldsTheCluster) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env);
  const size_t published = env.publisher.published().size();
  const Response r = env.post("/clusters/" + id + "/backups",
                              backup_body({{"keyspaces", {"shop", "logs.events"}},
                                           {"description", "before the migration"}}));
  ASSERT_EQ(r.status, 202) << r.body;
  const json b = body_of(r)["backup"];
  EXPECT_EQ(b["status"], "NEW");
  EXPECT_EQ(b["cluster_id"], id);
  EXPECT_TRUE(b["instance_id"].is_null());
  EXPECT_EQ(b["datastore"]["type"], "cassandra");
  EXPECT_EQ(b["description"], "before the migration");
  const auto op = env.operations.find_any(body_of(r)["operation"]["id"]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "backup.create");
  EXPECT_EQ(op->resource_type, "backup");
  EXPECT_EQ(op->resource_id, b["id"]);
  EXPECT_EQ(op->input,
            json({{"keyspaces", {"shop", "logs.events"}}, {"instance_ids", env.node_ids(id)}}));
  EXPECT_EQ(env.publisher.published().size(), published + 1);
  EXPECT_EQ(env.clusters.find_any(id)->task, "BACKUP");
  EXPECT_EQ(body_of(env.get("/clusters/" + id))["cluster"]["task"]["name"], "BACKUP");

  // One thing at a time: no second backup, no grow, no delete meanwhile.
  EXPECT_EQ(env.post("/clusters/" + id + "/backups", backup_body()).status, 422);
  EXPECT_EQ(env.post("/clusters/" + id, {{"grow", {{{"availability_zone", "r1"}}}}}).status, 422);
  EXPECT_EQ(env.del("/clusters/" + id).status, 422);

  const Response listed = env.get("/clusters/" + id + "/backups");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(body_of(listed)["backups"].size(), 1u);
  EXPECT_EQ(body_of(listed)["backups"][0]["id"], b["id"]);
  const Response all = env.get("/backups");
  EXPECT_EQ(body_of(all)["backups"].size(), 1u);
}

TEST(ClusterBackups, ABandwidthLimitReachesTheUploadInBytesPerSecond) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env);
  const Response r =
      env.post("/clusters/" + id + "/backups", backup_body({{"max_mib_per_second", 50}}));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto op = env.operations.find_any(body_of(r)["operation"]["id"]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->input["max_bytes_per_second"], std::to_string(50LL * 1024 * 1024))
      << "protobuf's JSON mapping writes an int64 as a string";
}

TEST(ClusterBackups, ACompletedBackupShowsWhatItSent) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env);
  const Response r = env.post("/clusters/" + id + "/backups", backup_body());
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string backup = body_of(r)["backup"]["id"];
  env.backups.complete(backup, 3 << 20, 3 << 20, json{{"uploaded_bytes", "4096"}});
  const json shown = body_of(env.get("/backups/" + backup))["backup"];
  EXPECT_EQ(shown["status"], "COMPLETED");
  EXPECT_EQ(shown["size_bytes"], 3 << 20);
  EXPECT_EQ(shown["uploaded_bytes"], 4096);
}

TEST(ClusterBackups, BadInputIsA4xxThatWritesNothing) {
  ClusterTestEnv env;
  const std::string id = active_cluster(env);
  const size_t ops = env.operation_count();
  auto post = [&](const json& body, const std::string& token = "") {
    return env.post("/clusters/" + id + "/backups", body, token);
  };
  EXPECT_EQ(post(json{{"backup", "x"}}).status, 400);
  EXPECT_EQ(post(json{{"backup", {{"description", "no name"}}}}).status, 400);
  EXPECT_EQ(post(backup_body({{"keyspaces", "shop"}})).status, 400);
  for (const json& rate : {json(0), json(-5), json(100001), json("fast"), json(1.5)}) {
    const Response r = post(backup_body({{"max_mib_per_second", rate}}));
    EXPECT_EQ(r.status, 400) << rate << ": " << r.body;
    EXPECT_NE(r.body.find("max_mib_per_second"), std::string::npos) << r.body;
  }
  for (const std::string& bad : std::vector<std::string>{
           "shop.", "a b", "shop;drop", "ks.t.x", "system", "system_auth.roles", "\"quoted\""}) {
    const Response r = post(backup_body({{"keyspaces", {bad}}}));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  const Response theirs = post(backup_body(), env.token_b);
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  EXPECT_EQ(env.get("/clusters/" + id + "/backups", env.token_b).status, 404);
  EXPECT_EQ(env.post("/clusters/no-such-cluster/backups", backup_body()).status, 404);
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE");
  EXPECT_TRUE(env.backups.backups.empty());
}

TEST(ClusterBackups, ABuildingClusterIsNotBackedUp) {
  ClusterTestEnv env;
  const std::string id = env.create_cluster({"r1", "r2"})["id"];
  const Response r = env.post("/clusters/" + id + "/backups", backup_body());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("needs it ACTIVE and idle"), std::string::npos) << r.body;
  EXPECT_TRUE(env.backups.backups.empty());
}

// A COMPLETED backup of a 3-node cluster over r1, r1, r2 (as record-backup
// leaves one), of tenant A.
std::string completed_cluster_backup(ClusterTestEnv& env, int64_t node_bytes = 1 << 20) {
  const std::string id = active_cluster(env);
  const Response r = env.post("/clusters/" + id + "/backups", backup_body());
  EXPECT_EQ(r.status, 202) << r.body;
  const std::string backup = body_of(r)["backup"]["id"];
  const auto nodes = env.node_ids(id);
  const std::vector<std::string> racks = {"r1", "r1", "r2"};
  json facts = {{"nodes", json::array()}, {"uploaded_bytes", "1"}};
  for (size_t k = 0; k < nodes.size(); ++k) {
    facts["nodes"].push_back({{"instance_id", nodes[k]},
                              {"rack", racks[k]},
                              {"dc", "dc1"},
                              {"flavor_id", "2"},
                              {"volume_size", 2},
                              {"bytes", std::to_string(node_bytes)}});
  }
  env.backups.complete(backup, 3 * node_bytes, 3 * node_bytes, facts);
  env.clusters.set_task(id, "NONE");
  return backup;
}

json restore_body(const std::string& backup, json extra = json::object()) {
  json c = {{"name", "restored"},
            {"datastore", {{"type", "cassandra"}, {"version", "5.0"}}},
            {"restore", {{"backup", backup}}}};
  c.update(extra);
  return {{"cluster", c}};
}

TEST(ClusterRestore, CopiesTheBackupsNodesEachTakingOneOver) {
  ClusterTestEnv env;
  const std::string backup = completed_cluster_backup(env);
  const Response r = env.post("/clusters", restore_body(backup));
  ASSERT_EQ(r.status, 202) << r.body;
  const json view = body_of(r)["cluster"];
  ASSERT_EQ(view["instances"].size(), 3u);
  std::map<std::string, int> racks;
  for (const auto& n : view["instances"]) ++racks[n["rack"].get<std::string>()];
  EXPECT_EQ(racks, (std::map<std::string, int>{{"r1", 2}, {"r2", 1}}));
  const auto op = env.operations.find_any(body_of(r)["operation"]["id"]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->input["restore_backup_id"], backup);
  const json sources = op->input["restore_sources"];
  ASSERT_EQ(sources.size(), 3u);
  // Each new node takes over a backed-up node of its own rack, each once.
  const auto source_cluster = env.backups.find_any(backup)->cluster_id.value();
  const auto old_nodes = env.node_ids(source_cluster);
  std::set<std::string> taken;
  for (const auto& n : view["instances"]) {
    const std::string source = sources.at(n["id"].get<std::string>());
    taken.insert(source);
    const size_t k = std::find(old_nodes.begin(), old_nodes.end(), source) - old_nodes.begin();
    ASSERT_LT(k, old_nodes.size());
    EXPECT_EQ(n["rack"], k < 2 ? "r1" : "r2");
  }
  EXPECT_EQ(taken.size(), 3u);
  // While the restore runs the backup cannot be deleted.
  const Response del = env.del("/backups/" + backup);
  EXPECT_EQ(del.status, 409) << del.body;
  EXPECT_NE(del.body.find("being restored"), std::string::npos) << del.body;
}

TEST(ClusterRestore, GivenNodesMustMatchTheBackupsRacks) {
  ClusterTestEnv env;
  const std::string backup = completed_cluster_backup(env);
  auto nodes = [](std::vector<std::string> racks, int size = 2) {
    json list = json::array();
    for (const auto& r : racks) {
      list.push_back({{"flavorRef", "2"}, {"volume", {{"size", size}}}, {"availability_zone", r}});
    }
    return json{{"instances", list}};
  };
  Response r = env.post("/clusters", restore_body(backup, nodes({"r1", "r2", "r2"})));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("holds 2 nodes in r1 and 1 in r2; the request asks for 1 node in r1 "
                        "and 2 in r2"),
            std::string::npos)
      << r.body;
  r = env.post("/clusters", restore_body(backup, nodes({"r1", "r1"})));
  EXPECT_EQ(r.status, 400) << r.body;
  r = env.post("/clusters", restore_body(backup, nodes({"r2", "r1", "r1"})));
  EXPECT_EQ(r.status, 202) << r.body;
}

TEST(ClusterRestore, RefusesWhatCannotBeRestoredAndWritesNothing) {
  ClusterTestEnv env;
  const std::string backup = completed_cluster_backup(env, int64_t(3) << 30);  // 3 GiB a node
  const size_t ops = env.operation_count();
  const size_t clusters = env.clusters.clusters.size();
  auto refused = [&](const json& body, const std::string& says) {
    const Response r = env.post("/clusters", body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  };
  refused(restore_body("no-such-backup"), "backup no-such-backup was not found");
  json small = json::array();
  for (const auto& rack : {"r1", "r1", "r2"}) {
    small.push_back({{"flavorRef", "2"}, {"volume", {{"size", 2}}}, {"availability_zone", rack}});
  }
  refused(restore_body(backup, {{"instances", small}}), "GB cannot hold the");
  refused(restore_body(backup, {{"datastore", {{"type", "cassandra"}, {"version", "4.1"}}}}), "");
  json keyspaces = restore_body(backup);
  keyspaces["cluster"]["restore"]["keyspaces"] = {"system_auth"};
  refused(keyspaces, "Cassandra's own keyspace");
  // Another tenant's backup is not found.
  const Response theirs = env.post("/clusters", restore_body(backup), env.token_b);
  EXPECT_EQ(theirs.status, 400) << theirs.body;
  EXPECT_NE(theirs.body.find("was not found"), std::string::npos) << theirs.body;
  // An instance's backup is restored as an instance.
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const Response b = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/backups"), env.token_a,
                              json{{"backup", {{"name", "x"}, {"instance", inst}}}}.dump());
  ASSERT_EQ(b.status, 202) << b.body;
  const std::string instance_backup = body_of(b)["backup"]["id"];
  env.backups.complete(instance_backup, 1, 1, json::object());
  refused(restore_body(instance_backup), "is an instance's backup");
  EXPECT_EQ(env.operation_count(), ops + 2);  // only the instance's create and its backup
  EXPECT_EQ(env.clusters.clusters.size(), clusters);
  // And a cluster backup is no instance's restorePoint.
  const Response as_instance =
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a,
               json{{"instance",
                     {{"name", "x"},
                      {"flavorRef", "2"},
                      {"volume", {{"size", 5}}},
                      {"datastore", {{"type", "mysql"}, {"version", "10.11"}}},
                      {"restorePoint", {{"backupRef", backup}}}}}}
                   .dump());
  EXPECT_EQ(as_instance.status, 400) << as_instance.body;
  EXPECT_NE(as_instance.body.find("is a cluster backup"), std::string::npos) << as_instance.body;
}

TEST(ClusterRestoreInPlace, LoadsTablesOfItsOwnBackupBack) {
  ClusterTestEnv env;
  const std::string backup = completed_cluster_backup(env);
  const std::string cluster = env.backups.find_any(backup)->cluster_id.value();
  const Response r = env.post("/clusters/" + cluster + "/action",
                              {{"restore", {{"backup", backup}, {"tables", {"shop.orders"}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["task"]["name"], "RESTORING");
  const auto op = env.operations.find_any(r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "cluster.restore");
  EXPECT_EQ(op->input["backup_id"], backup);
  EXPECT_EQ(op->input["tables"], json({"shop.orders"}));
  EXPECT_EQ(op->input["instance_ids"].size(), 3u);
  // Busy meanwhile: no backup, no second restore.
  EXPECT_EQ(env.post("/clusters/" + cluster + "/backups", backup_body()).status, 422);
  // The backup it reads stays until the restore ends.
  const Response del = env.del("/backups/" + backup);
  EXPECT_EQ(del.status, 409) << del.body;
  EXPECT_NE(del.body.find("being restored"), std::string::npos) << del.body;
  EXPECT_NE(del.body.find(cluster), std::string::npos) << del.body;
}

TEST(ClusterRestoreInPlace, RefusesWhatItCannotRestoreHere) {
  ClusterTestEnv env;
  const std::string backup = completed_cluster_backup(env);
  const std::string cluster = env.backups.find_any(backup)->cluster_id.value();
  const std::string other = active_cluster(env);
  const size_t ops = env.operation_count();
  auto restore = [&](const std::string& on, const json& body) {
    return env.post("/clusters/" + on + "/action", {{"restore", body}});
  };
  Response r = restore(other, {{"backup", backup}, {"tables", {"shop.orders"}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("is not a backup of cluster"), std::string::npos) << r.body;
  r = restore(cluster, {{"backup", "nope"}, {"tables", {"shop.orders"}}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = restore(cluster, {{"backup", backup}, {"tables", {"shop"}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("give keyspace.table"), std::string::npos) << r.body;
  r = restore(cluster, {{"backup", backup}, {"tables", json::array()}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = restore(cluster, {{"backup", backup}, {"tables", {"system_auth.roles"}}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = restore(cluster, {{"backup", backup}});
  EXPECT_EQ(r.status, 400) << r.body;
  // Another tenant sees no such cluster.
  r = env.post("/clusters/" + cluster + "/action",
               {{"restore", {{"backup", backup}, {"tables", {"shop.orders"}}}}}, env.token_b);
  EXPECT_EQ(r.status, 404) << r.body;
  // A node down: 422.
  const auto nodes = env.node_ids(cluster);
  env.instances.set_service_status(nodes[1], "SHUTDOWN");
  r = restore(cluster, {{"backup", backup}, {"tables", {"shop.orders"}}});
  EXPECT_EQ(r.status, 422) << r.body;
  env.instances.set_service_status(nodes[1], "RUNNING");
  // The nodes changed since the backup (grown): 422, restore into a new cluster.
  ASSERT_EQ(env.post("/clusters/" + cluster, {{"grow", {{{"availability_zone", "r1"}}}}}).status,
            202);
  env.make_active(cluster, cassandra_detail());
  r = restore(cluster, {{"backup", backup}, {"tables", {"shop.orders"}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("changed since backup"), std::string::npos) << r.body;
  EXPECT_EQ(env.operation_count(), ops + 1);  // only the grow
}

}  // namespace
}  // namespace automat::api
