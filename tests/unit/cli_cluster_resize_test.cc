// automat cluster resize (a rolling flavor resize of every node), as whole command lines
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

class CliClusterResizeTest : public testing::CliClusterTest {
 protected:
  void script_flavors() {
    http_.on("GET", "/flavors",
             json_response(200, {{"flavors",
                                  {{{"id", "2"}, {"name", "m1.small"}, {"ram", 1024}},
                                   {{"id", "3"}, {"name", "m1.medium"}, {"ram", 2048}}}}}));
  }
  std::string accepted_line(const std::string& flavor) const {
    return std::string("Request to move cluster ") + kClusterId + " to flavor " + flavor +
           " was accepted (operation opF).\n";
  }
};

TEST_F(CliClusterResizeTest, ByNamesSendsTheFlavorsIdAndLeavesTheRollToTheServer) {
  script_cluster_list();
  script_flavors();
  script_action_accepted("opF", "RESIZING");
  EXPECT_EQ(run_cli({"cluster", "resize", "c1", "--flavor", "m1.medium"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"resize", {{"flavorRef", "3"}}}}));
  EXPECT_EQ(out_.str(), accepted_line("m1.medium"));
  EXPECT_EQ(http_.count("GET", "/operations/opF"), 0);
}

TEST_F(CliClusterResizeTest, ByAndConcurrencyAreSentWhenGiven) {
  script_flavors();
  script_action_accepted("opF", "RESIZING");
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "2", "--by", "rack",
                     "--concurrency", "2"}),
            0)
      << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()),
            (nlohmann::json{{"resize", {{"flavorRef", "2"}, {"by", "rack"}, {"concurrency", 2}}}}));
  EXPECT_EQ(out_.str(), accepted_line("2"));
}

TEST_F(CliClusterResizeTest, ByNodeAloneSendsNoConcurrency) {
  script_flavors();
  script_action_accepted("opF", "RESIZING");
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--by", "node"}), 0)
      << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()),
            (nlohmann::json{{"resize", {{"flavorRef", "3"}, {"by", "node"}}}}));
}

TEST_F(CliClusterResizeTest, WaitShowsEachPhaseThenTheCluster) {
  script_flavors();
  script_action_accepted("opF", "RESIZING");
  http_.on("GET", "/operations/opF",
           json_response(200, cluster_operation("opF", "cluster.resize_flavor", "RUNNING", 0.3,
                                                "rack rack2: node 2/3 restarting with the new "
                                                "flavor")));
  http_.on("GET", "/operations/opF",
           json_response(200, cluster_operation("opF", "cluster.resize_flavor", "RUNNING", 0.6,
                                                "node 2/3 waiting for UN")));
  http_.on("GET", "/operations/opF",
           json_response(
               200, cluster_operation("opF", "cluster.resize_flavor", "COMPLETED", 1, "done")));
  script_cluster(cluster_view("ACTIVE", "NONE"));
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "m1.medium", "--wait"}), 0)
      << err_.str();
  EXPECT_TRUE(err_has("30%  rack rack2: node 2/3 restarting with the new flavor")) << err_.str();
  EXPECT_TRUE(err_has("60%  node 2/3 waiting for UN")) << err_.str();
  EXPECT_TRUE(out_has("| status            | ACTIVE")) << out_.str();
}

TEST_F(CliClusterResizeTest, WaitFailedExitsOneWithTheHostsError) {
  script_flavors();
  script_action_accepted("opF", "RESIZING");
  http_.on(
      "GET", "/operations/opF",
      json_response(200, cluster_operation("opF", "cluster.resize_flavor", "FAILED", 0.3,
                                           "Cassandra did not start with the new flavor's heap",
                                           {{{"host", testing::kNode2},
                                             {"message",
                                              "Cassandra did not start with the new "
                                              "flavor's heap"}}})));
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--wait"}), 1);
  EXPECT_TRUE(err_has("Cassandra did not start with the new flavor's heap")) << err_.str();
}

TEST_F(CliClusterResizeTest, QuorumRefusalPrintsTheServersReasonAndExitsOne) {
  const std::string message =
      "resizing cluster c1 by rack would take rack rack1 down while keyspace shop keeps 2 of "
      "its 3 replicas there: QUORUM reads and writes would fail; resize by node";
  script_flavors();
  http_.on("POST", cluster_path(),
           json_response(422, {{"unprocessableEntity", {{"code", 422}, {"message", message}}}}));
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--by", "rack", "--wait"}),
            1);
  EXPECT_EQ(err_.str(), "ERROR (422): " + message + "\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(http_.count("GET", "/operations/opF"), 0);
}

TEST_F(CliClusterResizeTest, SameFlavorRefusalPrintsTheServersMessage) {
  script_flavors();
  http_.on("POST", cluster_path(),
           json_response(400, {{"badRequest",
                                {{"code", 400},
                                 {"message",
                                  "resize.flavorRef: cluster c1 already has flavor "
                                  "'m1.medium'"}}}}));
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3"}), 1);
  EXPECT_TRUE(err_has("ERROR (400): resize.flavorRef: cluster c1 already has flavor"))
      << err_.str();
}

TEST_F(CliClusterResizeTest, UsageErrorsSendNothing) {
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId}), kExitUsage);
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--by", "zone"}),
            kExitUsage);
  EXPECT_TRUE(err_has("--by: zone not in {node,rack}")) << err_.str();
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--concurrency", "0"}),
            kExitUsage);
  EXPECT_TRUE(err_has("--concurrency: must be 1 or more, got 0")) << err_.str();
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--concurrency", "-2"}),
            kExitUsage);
  EXPECT_EQ(run_cli({"cluster", "resize", kClusterId, "--flavor", "3", "--concurrency", "two"}),
            kExitUsage);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(CliClusterResizeTest, UnknownFlavorNameIsReportedBeforeTheActionIsSent) {
  script_flavors();
  EXPECT_NE(run_cli({"cluster", "resize", kClusterId, "--flavor", "m1.huge"}), 0);
  EXPECT_TRUE(err_has("no flavor with ID or name \"m1.huge\"")) << err_.str();
  EXPECT_EQ(http_.count("POST", cluster_path()), 0);
}

}  // namespace
}  // namespace automat::cli
