// automat instance resize (--size or --flavor) and automat cluster resize-volume, as whole
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

constexpr const char* kInstance = "6f0c3a52-1d2e-4b7a-8c9d-0e1f2a3b4c5d";

nlohmann::json instance_view(int size_gb, const std::string& status) {
  return {{"id", kInstance},
          {"name", "db1"},
          {"status", status},
          {"task", status == "ACTIVE" ? "NONE" : status},
          {"flavor", {{"id", "2"}}},
          {"datastore", {{"type", "mysql"}, {"version", "10.11"}}},
          {"volume", {{"size", size_gb}}}};
}

nlohmann::json resize_op(const std::string& state, double progress, const std::string& message) {
  nlohmann::json errors = nlohmann::json::array();
  if (state == "FAILED") errors.push_back({{"host", kInstance}, {"message", message}});
  return {{"operation",
           {{"id", "opR"},
            {"type", "instance.resize_volume"},
            {"state", state},
            {"progress", progress},
            {"message", message},
            {"errors", errors}}}};
}

class CliVolumeResizeTest : public testing::CliClusterTest {
 protected:
  std::string action_path() const { return std::string("/instances/") + kInstance + "/action"; }
  void script_flavors() {
    http_.on("GET", "/flavors",
             json_response(200, {{"flavors",
                                  {{{"id", "2"}, {"name", "m1.small"}, {"ram", 1024}},
                                   {{"id", "3"}, {"name", "m1.large"}, {"ram", 4096}}}}}));
  }
  void script_resize_accepted() {
    http_.on("POST", action_path(),
             json_response(202, {{"operation", {{"id", "opR"}, {"state", "SUBMITTED"}}}},
                           {{"x-operation-id", "opR"}}));
  }
};

TEST_F(CliVolumeResizeTest, InstanceResizeByNameSendsTroveResizeBody) {
  http_.on("GET", "/instances", json_response(200, {{"instances", {instance_view(5, "ACTIVE")}}}));
  script_resize_accepted();
  EXPECT_EQ(run_cli({"instance", "resize", "db1", "--size", "8"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", action_path()), (nlohmann::json{{"resize", {{"volume", {{"size", 8}}}}}}));
  EXPECT_EQ(out_.str(), std::string("Request to grow the volume of instance ") + kInstance +
                            " to 8 GB was accepted (operation opR).\n");
  EXPECT_EQ(http_.count("GET", "/operations/opR"), 0);
}

TEST_F(CliVolumeResizeTest, InstanceResizeWaitShowsTheGrownInstance) {
  script_resize_accepted();
  http_.on("GET", "/operations/opR",
           json_response(200, resize_op("RUNNING", 0.5, "growing the volume")));
  http_.on("GET", "/operations/opR", json_response(200, resize_op("COMPLETED", 1, "done")));
  http_.on("GET", std::string("/instances/") + kInstance,
           json_response(200, {{"instance", instance_view(8, "ACTIVE")}}));
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--size", "8", "--wait"}), 0) << err_.str();
  EXPECT_TRUE(err_has("50%  growing the volume")) << err_.str();
  EXPECT_TRUE(out_has("| volume            | 8")) << out_.str();
}

TEST_F(CliVolumeResizeTest, InstanceResizeWaitFailedExitsOneWithTheHostsError) {
  script_resize_accepted();
  http_.on("GET", "/operations/opR",
           json_response(200, resize_op("FAILED", 0, "xfs_growfs: no space left on the host")));
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--size", "8", "--wait"}), 1);
  EXPECT_TRUE(err_has("xfs_growfs: no space left on the host")) << err_.str();
}

TEST_F(CliVolumeResizeTest, InstanceResizeRefusalPrintsTheServersMessage) {
  http_.on("POST", action_path(),
           json_response(400, {{"badRequest",
                                {{"code", 400},
                                 {"message", "resize.volume.size: volumes only grow: instance " +
                                                 std::string(kInstance) + "'s volume is 5 GB"}}}}));
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--size", "4"}), 1);
  EXPECT_TRUE(err_has("ERROR (400): resize.volume.size: volumes only grow")) << err_.str();
}

TEST_F(CliVolumeResizeTest, SizeIsRequiredAndPositiveBeforeAnythingIsSent) {
  EXPECT_EQ(run_cli({"instance", "resize", kInstance}), kExitUsage);
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--size", "0"}), kExitUsage);
  EXPECT_EQ(run_cli({"cluster", "resize-volume", kClusterId, "--size", "-3"}), kExitUsage);
  EXPECT_EQ(http_.count("POST", action_path()), 0);
  EXPECT_EQ(http_.count("POST", cluster_path()), 0);
}

TEST_F(CliVolumeResizeTest, InstanceResizeFlavorByNameSendsTheFlavorsId) {
  script_flavors();
  script_resize_accepted();
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--flavor", "m1.large"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", action_path()), (nlohmann::json{{"resize", {{"flavorRef", "3"}}}}));
  EXPECT_EQ(out_.str(), std::string("Request to move instance ") + kInstance +
                            " to flavor m1.large was accepted (operation opR).\n");
}

TEST_F(CliVolumeResizeTest, InstanceResizeFlavorWaitShowsTheInstanceOnItsNewFlavor) {
  script_flavors();
  script_resize_accepted();
  http_.on("GET", "/operations/opR",
           json_response(200, resize_op("RUNNING", 0.4, "restarting MariaDB: restarting")));
  http_.on("GET", "/operations/opR", json_response(200, resize_op("COMPLETED", 1, "done")));
  nlohmann::json resized = instance_view(5, "ACTIVE");
  resized["flavor"]["id"] = "3";
  http_.on("GET", std::string("/instances/") + kInstance,
           json_response(200, {{"instance", resized}}));
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--flavor", "3", "--wait"}), 0) << err_.str();
  EXPECT_TRUE(err_has("40%  restarting MariaDB")) << err_.str();
  EXPECT_TRUE(out_has("| 3")) << out_.str();
}

TEST_F(CliVolumeResizeTest, InstanceResizeFlavorRefusalPrintsTheServersMessage) {
  script_flavors();
  http_.on(
      "POST", action_path(),
      json_response(400, {{"badRequest",
                           {{"code", 400},
                            {"message", "resize.flavorRef: instance " + std::string(kInstance) +
                                            " already has flavor 'm1.small'"}}}}));
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--flavor", "m1.small"}), 1);
  EXPECT_TRUE(err_has("ERROR (400): resize.flavorRef: instance")) << err_.str();
}

TEST_F(CliVolumeResizeTest, ExactlyOneOfSizeAndFlavorBeforeAnythingIsSent) {
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--size", "8", "--flavor", "m1.small"}),
            kExitUsage);
  EXPECT_EQ(run_cli({"instance", "resize", kInstance, "--wait"}), kExitUsage);
  EXPECT_EQ(http_.count("POST", action_path()), 0);
}

TEST_F(CliVolumeResizeTest, ClusterResizeVolumeByNameSendsTheAction) {
  script_cluster_list();
  script_action_accepted("opV", "RESIZING_VOLUME");
  EXPECT_EQ(run_cli({"cluster", "resize-volume", "c1", "--size", "20"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", cluster_path()), (nlohmann::json{{"resize_volume", {{"size", 20}}}}));
  EXPECT_EQ(out_.str(), std::string("Request to grow the volumes of cluster ") + kClusterId +
                            " to 20 GB was accepted (operation opV).\n");
}

TEST_F(CliVolumeResizeTest, ClusterResizeVolumeWaitShowsEachNodeThenTheCluster) {
  script_action_accepted("opV", "RESIZING_VOLUME");
  http_.on("GET", "/operations/opV",
           json_response(200, cluster_operation("opV", "cluster.resize_volume", "RUNNING", 0.4,
                                                "node 2/3 growing volume")));
  http_.on("GET", "/operations/opV",
           json_response(
               200, cluster_operation("opV", "cluster.resize_volume", "COMPLETED", 1, "done")));
  script_cluster(cluster_view("ACTIVE", "NONE", testing::three_nodes()));
  EXPECT_EQ(run_cli({"cluster", "resize-volume", kClusterId, "--size", "20", "--wait"}), 0)
      << err_.str();
  EXPECT_TRUE(err_has("40%  node 2/3 growing volume")) << err_.str();
  EXPECT_TRUE(out_has("| status            | ACTIVE")) << out_.str();
}

}  // namespace
}  // namespace automat::cli
