// automat cluster create | list | show | delete | root-enable, as whole
// command lines against a scripted HttpClient.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/cli_cluster_fixture.h"

namespace automat::cli {
namespace {

using testing::cluster_operation;
using testing::cluster_view;
using testing::json_response;
using testing::kClusterId;
using testing::kNode1;
using testing::kNode2;
using testing::kNode3;

class CliClusterCommandsTest : public testing::CliClusterTest {
 protected:
  void script_flavors() {
    http_.on("GET", "/flavors",
             json_response(200, {{"flavors",
                                  {{{"id", "1"}, {"name", "m1.tiny"}, {"ram", 512}},
                                   {{"id", "3"}, {"name", "m1.medium"}, {"ram", 2048}}}}}));
  }

  void script_create_accepted() {
    script_flavors();
    http_.on("POST", "/clusters",
             json_response(
                 202,
                 {{"cluster", cluster_view("BUILD", "BUILDING", testing::three_nodes("BUILD"))},
                  {"operation", {{"id", "op1"}, {"state", "SUBMITTED"}}}},
                 {{"x-operation-id", "op1"}}));
  }

  std::vector<std::string> create_args() const {
    return {"cluster",  "create",    "c1",     "--datastore", "cassandra",
            "--flavor", "m1.medium", "--size", "2",           "--nodes",
            "3",        "--rack",    "rack1",  "--rack",      "rack2"};
  }
};

TEST_F(CliClusterCommandsTest, CreateSendsOneInstancePerNodeWithRacksRoundRobin) {
  script_create_accepted();
  std::vector<std::string> args = create_args();
  args.insert(args.end(), {"--datastore-version", "5.0.2"});
  EXPECT_EQ(run_cli(args), 0) << err_.str();
  nlohmann::json node = {{"flavorRef", "3"}, {"volume", {{"size", 2}}}};
  auto in = [&node](const char* rack) {
    nlohmann::json n = node;
    n["availability_zone"] = rack;
    return n;
  };
  EXPECT_EQ(sent("POST", "/clusters"),
            (nlohmann::json{{"cluster",
                             {{"name", "c1"},
                              {"datastore", {{"type", "cassandra"}, {"version", "5.0.2"}}},
                              {"instances", {in("rack1"), in("rack2"), in("rack1")}}}}}));
  EXPECT_EQ(http_.last("POST", "/clusters").url, "http://api:8779/v1.0/t1/clusters");
  EXPECT_TRUE(out_has("| status            | BUILD ")) << out_.str();
  EXPECT_TRUE(out_has("| operation         | op1 ")) << out_.str();
  EXPECT_TRUE(out_has(std::string("| ") + kNode2 + " | c1-2 | BUILD  | rack2 | dc1 | yes  |"))
      << out_.str();
  EXPECT_EQ(http_.count("GET", "/operations/op1"), 0);
}

TEST_F(CliClusterCommandsTest, CreateWithoutRackPutsEveryNodeInRack1) {
  script_create_accepted();
  EXPECT_EQ(run_cli({"cluster", "create", "c1", "--datastore", "cassandra", "--flavor", "3",
                     "--size", "2", "--nodes", "2"}),
            0)
      << err_.str();
  nlohmann::json instances = sent("POST", "/clusters")["cluster"]["instances"];
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0]["availability_zone"], "rack1");
  EXPECT_EQ(instances[1]["availability_zone"], "rack1");
  EXPECT_FALSE(sent("POST", "/clusters")["cluster"]["datastore"].contains("version"));
}

TEST_F(CliClusterCommandsTest, EachRackTakesOneArgumentSoTheNameMayFollow) {
  script_create_accepted();
  EXPECT_EQ(run_cli({"cluster", "create", "--rack", "rack2", "c1", "--datastore", "cassandra",
                     "--flavor", "3", "--size", "2", "--nodes", "1"}),
            0)
      << err_.str();
  EXPECT_EQ(sent("POST", "/clusters")["cluster"]["name"], "c1");
  EXPECT_EQ(sent("POST", "/clusters")["cluster"]["instances"][0]["availability_zone"], "rack2");
}

TEST_F(CliClusterCommandsTest, CreateJsonWithoutWaitIsTheServersAnswer) {
  script_create_accepted();
  std::vector<std::string> args = create_args();
  args.insert(args.begin(), {"-f", "json"});
  EXPECT_EQ(run_cli(args), 0) << err_.str();
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  EXPECT_EQ(printed["operation"]["id"], "op1");
  EXPECT_EQ(printed["cluster"]["instances"].size(), 3u);
}

TEST_F(CliClusterCommandsTest, CreateWaitShowsEachNodePhaseThenTheActiveCluster) {
  script_create_accepted();
  http_.on("GET", "/operations/op1",
           json_response(200, cluster_operation("op1", "cluster.create", "RUNNING", 0.2,
                                                "node 1/3 starting")));
  http_.on("GET", "/operations/op1",
           json_response(200, cluster_operation("op1", "cluster.create", "RUNNING", 0.6,
                                                "node 2/3 joining")));
  http_.on("GET", "/operations/op1",
           json_response(200, cluster_operation("op1", "cluster.create", "COMPLETED", 1,
                                                "cluster is ACTIVE")));
  script_cluster(cluster_view("ACTIVE", "NONE"));
  std::vector<std::string> args = create_args();
  args.push_back("--wait");
  EXPECT_EQ(run_cli(args), 0) << err_.str();
  EXPECT_TRUE(err_has("20%  node 1/3 starting")) << err_.str();
  EXPECT_TRUE(err_has("60%  node 2/3 joining")) << err_.str();
  EXPECT_TRUE(err_has("100%  cluster is ACTIVE")) << err_.str();
  EXPECT_TRUE(out_has("| status            | ACTIVE ")) << out_.str();
  EXPECT_TRUE(out_has("| task              | NONE ")) << out_.str();
  EXPECT_TRUE(out_has(std::string("| ") + kNode3 +
                      " | c1-3 | ACTIVE | rack1 | dc1 |      | 127.10.0.13 |       |"))
      << out_.str();
}

TEST_F(CliClusterCommandsTest, CreateWaitJsonPrintsOnlyTheClusterOnStdout) {
  script_create_accepted();
  http_.on("GET", "/operations/op1",
           json_response(200, cluster_operation("op1", "cluster.create", "COMPLETED", 1, "")));
  script_cluster(cluster_view("ACTIVE", "NONE"));
  std::vector<std::string> args = create_args();
  args.insert(args.end(), {"--wait", "-f", "json"});
  EXPECT_EQ(run_cli(args), 0) << err_.str();
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  EXPECT_EQ(printed["id"], kClusterId);
  EXPECT_EQ(printed["status"], "ACTIVE");
}

TEST_F(CliClusterCommandsTest, CreateWaitFailedExitsOneWithTheHostsError) {
  script_create_accepted();
  http_.on(
      "GET", "/operations/op1",
      json_response(
          200, cluster_operation(
                   "op1", "cluster.create", "FAILED", 0.4, "node 2/3 did not join",
                   {{{"host", "127.10.0.12"}, {"message", "cassandra exited with status 3"}}})));
  std::vector<std::string> args = create_args();
  args.push_back("--wait");
  EXPECT_EQ(run_cli(args), 1);
  EXPECT_TRUE(
      err_has("ERROR: operation op1 (cluster.create) FAILED: node 2/3 did not join\n"
              "  127.10.0.12: cassandra exited with status 3\n"))
      << err_.str();
  EXPECT_EQ(http_.count("GET", std::string("/clusters/") + kClusterId), 0);
}

TEST_F(CliClusterCommandsTest, CreateWaitGivesUpWithExitTwo) {
  script_create_accepted();
  http_.on("GET", "/operations/op1",
           json_response(200, cluster_operation("op1", "cluster.create", "RUNNING", 0.5,
                                                "node 2/3 joining")));
  std::vector<std::string> args = create_args();
  args.insert(args.end(), {"--wait", "--timeout", "5"});
  EXPECT_EQ(run_cli(args), 2);
  EXPECT_TRUE(err_has("gave up after 5s waiting for operation op1 (RUNNING, 50%)")) << err_.str();
}

TEST_F(CliClusterCommandsTest, CreateRefusesBadCountsAndRacksBeforeSending) {
  EXPECT_EQ(run_cli({"cluster", "create", "c1", "--datastore", "cassandra", "--flavor", "3",
                     "--size", "2", "--nodes", "0"}),
            kExitUsage);
  EXPECT_TRUE(err_has("--nodes: must be 1 or more, got 0")) << err_.str();
  EXPECT_EQ(run_cli({"cluster", "create", "c1", "--datastore", "cassandra", "--flavor", "3",
                     "--size", "2", "--nodes", "1", "--rack", "a", "--rack", "b"}),
            kExitUsage);
  EXPECT_TRUE(err_has("2 racks given for 1 node(s)")) << err_.str();
  EXPECT_EQ(run_cli({"cluster", "create", "c1", "--flavor", "3", "--size", "2", "--nodes", "1"}),
            kExitUsage);  // no --datastore
  EXPECT_EQ(run_cli({"cluster", "create", "c1", "--datastore", "cassandra", "--flavor", "3",
                     "--size", "2", "--nodes", "1", "--rack", ""}),
            kExitUsage);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(CliClusterCommandsTest, CreateRefusedByTheServerShowsItsMessage) {
  script_flavors();
  http_.on("POST", "/clusters",
           json_response(400, {{"badRequest",
                                {{"code", 400},
                                 {"message",
                                  "cassandra needs at least 1024 MB of RAM per node; "
                                  "flavor m1.tiny has 512"}}}}));
  EXPECT_EQ(run_cli({"cluster", "create", "c1", "--datastore", "cassandra", "--flavor", "m1.tiny",
                     "--size", "2", "--nodes", "1"}),
            1);
  EXPECT_EQ(err_.str(),
            "ERROR (400): cassandra needs at least 1024 MB of RAM per node; flavor m1.tiny has "
            "512\n");
  EXPECT_EQ(sent("POST", "/clusters")["cluster"]["instances"][0]["flavorRef"], "1");
}

TEST_F(CliClusterCommandsTest, ListAsTableAndJson) {
  script_cluster_list();
  EXPECT_EQ(run_cli({"cluster", "list"}), 0) << err_.str();
  EXPECT_TRUE(out_has(std::string("| ") + kClusterId +
                      " | c1   | cassandra | 5.0.2             | ACTIVE | NONE | 3     |"))
      << out_.str();
  out_.str("");
  EXPECT_EQ(run_cli({"cluster", "list", "-f", "json"}), 0);
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  ASSERT_TRUE(printed.is_array());
  EXPECT_EQ(printed[0]["name"], "c1");
}

TEST_F(CliClusterCommandsTest, ShowByNameHasTheClusterFieldsAndANodeTable) {
  script_cluster_list();
  nlohmann::json nodes = testing::three_nodes();
  nodes[0]["status"] = "BLOCKED";
  nodes[0]["phase"] = "cleanup";
  script_cluster(cluster_view("ACTIVE", "GROWING", nodes));
  EXPECT_EQ(run_cli({"cluster", "show", "c1"}), 0) << err_.str();
  EXPECT_EQ(http_.count("GET", "/clusters"), 1);
  EXPECT_TRUE(out_has(std::string("| id                | ") + kClusterId)) << out_.str();
  EXPECT_TRUE(out_has("| task              | GROWING ")) << out_.str();
  EXPECT_TRUE(out_has("| nodes             | 3 ")) << out_.str();
  EXPECT_TRUE(out_has("| ip                | 127.10.0.11 ")) << out_.str();
  EXPECT_TRUE(out_has("|                   | 127.10.0.13 ")) << out_.str();
  EXPECT_TRUE(
      out_has("| ID                                   | Name | Status  | Rack  | DC  | "
              "Seed | IP          | Phase   |"))
      << out_.str();
  EXPECT_TRUE(out_has(std::string("| ") + kNode1 +
                      " | c1-1 | BLOCKED | rack1 | dc1 | yes  | 127.10.0.11 | cleanup |"))
      << out_.str();
}

TEST_F(CliClusterCommandsTest, ShowJsonIsTheClusterView) {
  script_cluster(cluster_view("ACTIVE", "NONE"));
  EXPECT_EQ(run_cli({"-f", "json", "cluster", "show", kClusterId}), 0) << err_.str();
  EXPECT_EQ(http_.count("GET", "/clusters"), 0);  // a UUID is not looked up
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  EXPECT_EQ(printed["instances"][1]["rack"], "rack2");
  EXPECT_EQ(printed["task"]["name"], "NONE");
}

TEST_F(CliClusterCommandsTest, AnAmbiguousNameAsksForTheId) {
  nlohmann::json twin = cluster_view("ACTIVE", "NONE");
  twin["id"] = "c1c1c1c1-1111-4222-8333-444455556666";
  script_cluster_list(nlohmann::json::array({twin}));
  EXPECT_EQ(run_cli({"cluster", "show", "c1"}), 1);
  EXPECT_EQ(err_.str(),
            "ERROR: 2 clusters are named \"c1\"; give the ID instead (automat cluster list)\n");
  EXPECT_EQ(http_.count("GET", std::string("/clusters/") + kClusterId), 0);
}

TEST_F(CliClusterCommandsTest, AnUnknownNameIsLeftToTheServer) {
  script_cluster_list();
  http_.on("GET", "/clusters/nope",
           json_response(404, {{"itemNotFound",
                                {{"code", 404}, {"message", "cluster nope does not exist"}}}}));
  EXPECT_EQ(run_cli({"cluster", "show", "nope"}), 1);
  EXPECT_EQ(err_.str(), "ERROR (404): cluster nope does not exist\n");
}

TEST_F(CliClusterCommandsTest, DeleteWithoutWait) {
  script_cluster_list();
  http_.on("DELETE", cluster_path(), json_response(202, nullptr, {{"x-operation-id", "op9"}}));
  EXPECT_EQ(run_cli({"cluster", "delete", "c1"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Request to delete cluster ") + kClusterId +
                            " was accepted (operation op9).\n");
}

TEST_F(CliClusterCommandsTest, DeleteWaitEndsWhenTheClusterIsGone) {
  http_.on("DELETE", cluster_path(), json_response(202, nullptr, {{"x-operation-id", "op9"}}));
  http_.on("GET", "/operations/op9",
           json_response(200, cluster_operation("op9", "cluster.delete", "RUNNING", 0.5,
                                                "node 2/3 stopping")));
  http_.on("GET", "/operations/op9",
           json_response(200, cluster_operation("op9", "cluster.delete", "COMPLETED", 1, "")));
  script_cluster(cluster_view("ACTIVE", "DELETING"));
  http_.on("GET", cluster_path(),
           json_response(404, {{"itemNotFound", {{"code", 404}, {"message", "gone"}}}}));
  EXPECT_EQ(run_cli({"cluster", "delete", kClusterId, "--wait"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Cluster ") + kClusterId + " deleted.\n");
  EXPECT_TRUE(err_has("50%  node 2/3 stopping")) << err_.str();
  EXPECT_EQ(http_.count("GET", cluster_path()), 2);
}

TEST_F(CliClusterCommandsTest, DeleteWhileBusyIs422WithTheServersMessage) {
  http_.on("DELETE", cluster_path(),
           json_response(422, {{"unprocessableEntity",
                                {{"code", 422},
                                 {"message",
                                  "cluster c1 is GROWING; wait until its current task "
                                  "finishes"}}}}));
  EXPECT_EQ(run_cli({"cluster", "delete", kClusterId, "--wait"}), 1);
  EXPECT_EQ(err_.str(),
            "ERROR (422): cluster c1 is GROWING; wait until its current task finishes\n");
  EXPECT_EQ(http_.count("GET", "/operations/"), 0);
}

TEST_F(CliClusterCommandsTest, RootEnablePrintsTheUserOnce) {
  script_cluster_list();
  http_.on("POST", cluster_path() + "/root",
           json_response(200, {{"user", {{"name", "root"}, {"password", "Zq8#pw-one-time"}}}}));
  EXPECT_EQ(run_cli({"cluster", "root-enable", "c1"}), 0) << err_.str();
  EXPECT_EQ(http_.last("POST", cluster_path() + "/root").body, "{}");
  EXPECT_TRUE(out_has("| name     | root            |")) << out_.str();
  EXPECT_TRUE(out_has("| password | Zq8#pw-one-time |")) << out_.str();
  EXPECT_TRUE(err_has("it is not shown again")) << err_.str();
  EXPECT_FALSE(err_has("Zq8#pw-one-time"));
}

TEST_F(CliClusterCommandsTest, RootEnableJsonIsTheServersAnswer) {
  http_.on("POST", cluster_path() + "/root",
           json_response(200, {{"user", {{"name", "root"}, {"password", "Zq8#pw-one-time"}}}}));
  EXPECT_EQ(run_cli({"cluster", "root-enable", kClusterId, "-f", "json"}), 0) << err_.str();
  EXPECT_EQ(nlohmann::json::parse(out_.str()),
            (nlohmann::json{{"user", {{"name", "root"}, {"password", "Zq8#pw-one-time"}}}}));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliClusterCommandsTest, RootEnableWithoutACredentialIsAnError) {
  http_.on("POST", cluster_path() + "/root", json_response(200, {{"user", {{"name", "root"}}}}));
  EXPECT_EQ(run_cli({"cluster", "root-enable", kClusterId}), 1);
  EXPECT_TRUE(err_has("did not send the user's name and password")) << err_.str();
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CliClusterCommandsTest, RootEnableBeforeActiveShowsTheServersReason) {
  http_.on("POST", cluster_path() + "/root",
           json_response(422, {{"unprocessableEntity",
                                {{"code", 422},
                                 {"message",
                                  "no node of cluster c1 is ACTIVE yet; enable root "
                                  "once the cluster is ACTIVE"}}}}));
  EXPECT_EQ(run_cli({"cluster", "root-enable", kClusterId}), 1);
  EXPECT_EQ(err_.str(),
            "ERROR (422): no node of cluster c1 is ACTIVE yet; enable root once the cluster is "
            "ACTIVE\n");
}

}  // namespace
}  // namespace automat::cli
