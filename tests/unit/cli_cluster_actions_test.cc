// automat cluster grow | shrink | replace-node | cleanup, as whole command lines
// against a scripted HttpClient.
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
using testing::node_view;

constexpr const char* kNode4 = "d4000000-0000-4000-8000-000000000004";

class CliClusterActionsTest : public testing::CliClusterTest {
 protected:
  std::string accepted_line(const std::string& what, const std::string& op) const {
    return "Request to " + what + " was accepted (operation " + op + ").\n";
  }
  void script_operation(const std::string& op, const std::string& type,
                        const std::vector<std::pair<double, std::string>>& running,
                        const nlohmann::json& last) {
    for (const auto& [progress, message] : running) {
      http_.on("GET", "/operations/" + op,
               json_response(200, cluster_operation(op, type, "RUNNING", progress, message)));
    }
    http_.on("GET", "/operations/" + op, json_response(200, last));
  }
};

TEST_F(CliClusterActionsTest, GrowSendsTheNodesWithRacksRoundRobin) {
  script_cluster_list();
  script_action_accepted("opG", "GROWING");
  EXPECT_EQ(
      run_cli({"cluster", "grow", "c1", "--nodes", "3", "--rack", "rack1", "--rack", "rack2"}), 0)
      << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"grow",
                                                           {{{"availability_zone", "rack1"}},
                                                            {{"availability_zone", "rack2"}},
                                                            {{"availability_zone", "rack1"}}}}}));
  EXPECT_EQ(out_.str(), accepted_line(std::string("grow cluster ") + kClusterId, "opG"));
  EXPECT_EQ(http_.count("GET", "/operations/opG"), 0);
}

TEST_F(CliClusterActionsTest, BackupSendsItsKeyspacesAndBandwidthLimit) {
  http_.on("POST", std::string("/clusters/") + kClusterId + "/backups",
           json_response(202, {{"backup", {{"id", "b1"}, {"name", "nightly"}, {"status", "NEW"}}},
                               {"operation", {{"id", "opB"}}}}));
  EXPECT_EQ(run_cli({"cluster", "backup", kClusterId, "--name", "nightly", "--keyspace", "shop",
                     "--max-mib-per-second", "40"}),
            0)
      << err_.str();
  EXPECT_EQ(
      sent("POST", std::string("/clusters/") + kClusterId + "/backups"),
      (nlohmann::json{
          {"backup", {{"name", "nightly"}, {"keyspaces", {"shop"}}, {"max_mib_per_second", 40}}}}));
  // Out of range: refused before anything is sent.
  EXPECT_NE(run_cli({"cluster", "backup", kClusterId, "--name", "n", "--max-mib-per-second", "0"}),
            0);
  EXPECT_EQ(http_.count("POST", std::string("/clusters/") + kClusterId + "/backups"), 1);
}

TEST_F(CliClusterActionsTest, CleanupSendsTheAction) {
  script_cluster_list();
  script_action_accepted("opC", "CLEANING");
  EXPECT_EQ(run_cli({"cluster", "cleanup", "c1"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"cleanup", nlohmann::json::object()}}));
  EXPECT_EQ(out_.str(), accepted_line(std::string("clean up cluster ") + kClusterId, "opC"));
}

TEST_F(CliClusterActionsTest, CleanupWaitShowsEachNodesPhaseThenTheCluster) {
  script_action_accepted("opC", "CLEANING");
  script_operation("opC", "cluster.cleanup", {{0.5, "node 2/3 cleanup"}},
                   cluster_operation("opC", "cluster.cleanup", "COMPLETED", 1, "cleaned up"));
  script_cluster(cluster_view("ACTIVE", "NONE", testing::three_nodes()));
  EXPECT_EQ(run_cli({"cluster", "cleanup", kClusterId, "--wait"}), 0) << err_.str();
  EXPECT_TRUE(err_has("50%  node 2/3 cleanup")) << err_.str();
  EXPECT_TRUE(out_has("| status            | ACTIVE")) << out_.str();
}

TEST_F(CliClusterActionsTest, GrowDefaultsToOneNodePerRackElseOneInTheClustersRack) {
  script_action_accepted("opG", "GROWING");
  EXPECT_EQ(run_cli({"cluster", "grow", kClusterId}), 0) << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()),
            (nlohmann::json{{"grow", {nlohmann::json::object()}}}));  // the server picks the rack
  EXPECT_EQ(run_cli({"cluster", "grow", kClusterId, "--rack", "rack3", "--rack", "rack4"}), 0);
  EXPECT_EQ(sent("POST", cluster_path()),
            (nlohmann::json{
                {"grow", {{{"availability_zone", "rack3"}}, {{"availability_zone", "rack4"}}}}}));
  EXPECT_EQ(http_.count("GET", "/clusters"), 0);  // a UUID is not looked up
}

TEST_F(CliClusterActionsTest, GrowWaitShowsEachNodesPhaseThenTheGrownCluster) {
  script_action_accepted("opG", "GROWING");
  script_operation(
      "opG", "cluster.grow",
      {{0.25, "node 4/4 joining"}, {0.5, "node 1/3 cleanup"}, {0.75, "node 3/3 cleanup"}},
      cluster_operation("opG", "cluster.grow", "COMPLETED", 1, "grown"));
  nlohmann::json nodes = testing::three_nodes();
  nodes.push_back(node_view(kNode4, "c1-4", "rack2", false, "127.10.0.14"));
  script_cluster(cluster_view("ACTIVE", "NONE", nodes));
  EXPECT_EQ(run_cli({"cluster", "grow", kClusterId, "--rack", "rack2", "--wait"}), 0) << err_.str();
  EXPECT_TRUE(err_has("25%  node 4/4 joining")) << err_.str();
  EXPECT_TRUE(err_has("50%  node 1/3 cleanup")) << err_.str();
  EXPECT_TRUE(err_has("75%  node 3/3 cleanup")) << err_.str();
  EXPECT_TRUE(out_has("| nodes             | 4 ")) << out_.str();
  EXPECT_TRUE(out_has(std::string("| ") + kNode4 + " | c1-4 | ACTIVE | rack2 |")) << out_.str();
}

TEST_F(CliClusterActionsTest, GrowJsonWithoutWaitIsTheServersAnswer) {
  script_action_accepted("opG", "GROWING");
  EXPECT_EQ(run_cli({"-f", "json", "cluster", "grow", kClusterId}), 0) << err_.str();
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  EXPECT_EQ(printed["operation"]["id"], "opG");
  EXPECT_EQ(printed["cluster"]["task"]["name"], "GROWING");
}

TEST_F(CliClusterActionsTest, GrowWhileBusyPrintsTheServersMessageAndExitsOne) {
  http_.on("POST", cluster_path(),
           json_response(422, {{"unprocessableEntity",
                                {{"code", 422},
                                 {"message",
                                  "cluster c1 is SHRINKING; wait until its current "
                                  "task finishes"}}}}));
  EXPECT_EQ(run_cli({"cluster", "grow", kClusterId, "--wait"}), 1);
  EXPECT_EQ(err_.str(),
            "ERROR (422): cluster c1 is SHRINKING; wait until its current task finishes\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CliClusterActionsTest, GrowRefusesBadCountsAndRacksBeforeSending) {
  EXPECT_EQ(run_cli({"cluster", "grow", kClusterId, "--nodes", "0"}), kExitUsage);
  EXPECT_TRUE(err_has("--nodes: must be 1 or more, got 0")) << err_.str();
  EXPECT_EQ(run_cli({"cluster", "grow", kClusterId, "--nodes", "1", "--rack", "a", "--rack", "b"}),
            kExitUsage);
  EXPECT_TRUE(err_has("2 racks given for 1 node(s)")) << err_.str();
  EXPECT_EQ(run_cli({"cluster", "grow"}), kExitUsage);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(CliClusterActionsTest, ShrinkResolvesNodeNamesWithinTheCluster) {
  script_cluster_list();
  script_cluster(cluster_view("ACTIVE", "NONE"));
  script_action_accepted("opS", "SHRINKING");
  EXPECT_EQ(run_cli({"cluster", "shrink", "c1", "--node", "c1-2", "--node", kNode3}), 0)
      << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()),
            (nlohmann::json{{"shrink", {{{"id", kNode2}}, {{"id", kNode3}}}}}));
  EXPECT_EQ(http_.count("GET", cluster_path()), 1);
  EXPECT_EQ(out_.str(), accepted_line(std::string("shrink cluster ") + kClusterId, "opS"));
}

TEST_F(CliClusterActionsTest, ShrinkByNodeIdsLooksNothingUp) {
  script_action_accepted("opS", "SHRINKING");
  EXPECT_EQ(run_cli({"cluster", "shrink", kClusterId, "--node", kNode1}), 0) << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"shrink", {{{"id", kNode1}}}}}));
  EXPECT_EQ(http_.count("GET", cluster_path()), 0);
  EXPECT_EQ(http_.count("GET", "/clusters"), 0);
}

TEST_F(CliClusterActionsTest, ShrinkNodeNameSharedByTwoNodesAsksForTheId) {
  nlohmann::json nodes = testing::three_nodes();
  nodes[2]["name"] = "c1-2";
  script_cluster(cluster_view("ACTIVE", "NONE", nodes));
  EXPECT_EQ(run_cli({"cluster", "shrink", kClusterId, "--node", "c1-2"}), 1);
  EXPECT_TRUE(
      err_has("ERROR: 2 nodes of this cluster are named \"c1-2\"; give the ID instead "
              "(automat cluster show"))
      << err_.str();
  EXPECT_EQ(http_.count("POST", cluster_path()), 0);
}

TEST_F(CliClusterActionsTest, UnsafeShrinkPrintsTheServersMessageAndExitsOne) {
  const std::string message =
      "shrinking cluster c1 to 2 nodes would leave fewer nodes than keyspace shop's "
      "replication factor 3; grow first or lower the replication factor";
  http_.on("POST", cluster_path(),
           json_response(422, {{"unprocessableEntity", {{"code", 422}, {"message", message}}}}));
  EXPECT_EQ(run_cli({"cluster", "shrink", kClusterId, "--node", kNode1, "--wait"}), 1);
  EXPECT_EQ(err_.str(), "ERROR (422): " + message + "\n");
  EXPECT_EQ(http_.count("GET", "/operations/"), 0);
}

TEST_F(CliClusterActionsTest, ShrinkWaitShowsDecommissionThenTheSmallerCluster) {
  script_action_accepted("opS", "SHRINKING");
  script_operation("opS", "cluster.shrink", {{0.3, "node c1-1 decommissioning"}},
                   cluster_operation("opS", "cluster.shrink", "COMPLETED", 1, "shrunk"));
  nlohmann::json nodes = testing::three_nodes();
  nodes.erase(0);
  script_cluster(cluster_view("ACTIVE", "NONE", nodes));
  EXPECT_EQ(run_cli({"cluster", "shrink", kClusterId, "--node", kNode1, "--wait"}), 0)
      << err_.str();
  EXPECT_TRUE(err_has("30%  node c1-1 decommissioning")) << err_.str();
  EXPECT_TRUE(out_has("| nodes             | 2 ")) << out_.str();
  EXPECT_FALSE(out_has(kNode1)) << out_.str();
}

TEST_F(CliClusterActionsTest, ShrinkWaitFailedDecommissionExitsOneWithTheHostsError) {
  script_action_accepted("opS", "SHRINKING");
  script_operation("opS", "cluster.shrink", {},
                   cluster_operation("opS", "cluster.shrink", "FAILED", 0.3,
                                     "decommission of node c1-1 failed; it still serves",
                                     {{{"host", "127.10.0.11"},
                                       {"message", "nodetool decommission exited with 2"}}}));
  EXPECT_EQ(run_cli({"cluster", "shrink", kClusterId, "--node", kNode1, "--wait"}), 1);
  EXPECT_TRUE(
      err_has("ERROR: operation opS (cluster.shrink) FAILED: decommission of node c1-1 "
              "failed; it still serves\n  127.10.0.11: nodetool decommission exited "
              "with 2\n"))
      << err_.str();
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CliClusterActionsTest, ShrinkWaitGivesUpWithExitTwo) {
  script_action_accepted("opS", "SHRINKING");
  script_operation(
      "opS", "cluster.shrink", {},
      cluster_operation("opS", "cluster.shrink", "RUNNING", 0.4, "node c1-1 decommissioning"));
  EXPECT_EQ(
      run_cli({"--timeout", "4", "cluster", "shrink", kClusterId, "--node", kNode1, "--wait"}), 2);
  EXPECT_TRUE(
      err_has("gave up after 4s waiting for operation opS (RUNNING, 40%); it goes on on "
              "the server: automat operation show opS"))
      << err_.str();
}

TEST_F(CliClusterActionsTest, ShrinkNeedsANode) {
  EXPECT_EQ(run_cli({"cluster", "shrink", kClusterId}), kExitUsage);
  EXPECT_TRUE(err_has("--node is required")) << err_.str();
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(CliClusterActionsTest, ReplaceNodeByNameWaitsForTheNewNode) {
  script_cluster_list();
  script_cluster(cluster_view("ACTIVE", "NONE"));
  script_action_accepted("opR", "REPLACING");
  script_operation("opR", "cluster.replace_node", {{0.5, "node c1-4 replacing 127.10.0.12"}},
                   cluster_operation("opR", "cluster.replace_node", "COMPLETED", 1, "replaced"));
  EXPECT_EQ(run_cli({"cluster", "replace-node", "c1", "--node", "c1-2", "--wait"}), 0)
      << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"replace_node", {{"id", kNode2}}}}));
  EXPECT_TRUE(err_has("50%  node c1-4 replacing 127.10.0.12")) << err_.str();
  EXPECT_TRUE(out_has("| status            | ACTIVE ")) << out_.str();
}

TEST_F(CliClusterActionsTest, ReplaceNodeWithoutWait) {
  script_action_accepted("opR", "REPLACING");
  EXPECT_EQ(run_cli({"cluster", "replace-node", kClusterId, "--node", kNode2}), 0) << err_.str();
  EXPECT_EQ(
      out_.str(),
      accepted_line(std::string("replace node ") + kNode2 + " of cluster " + kClusterId, "opR"));
}

TEST_F(CliClusterActionsTest, ReplaceAnUnknownNodeIsLeftToTheServer) {
  script_cluster(cluster_view("ACTIVE", "NONE"));
  http_.on("POST", cluster_path(),
           json_response(
               404, {{"itemNotFound",
                      {{"code", 404}, {"message", "node c1-9 is not a node of cluster c1"}}}}));
  EXPECT_EQ(run_cli({"cluster", "replace-node", kClusterId, "--node", "c1-9"}), 1);
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"replace_node", {{"id", "c1-9"}}}}));
  EXPECT_EQ(err_.str(), "ERROR (404): node c1-9 is not a node of cluster c1\n");
}

}  // namespace
}  // namespace automat::cli
