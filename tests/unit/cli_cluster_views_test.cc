// The cluster requests and tables of `automat cluster`, as pure functions.
#include <gtest/gtest.h>

#include "cli/cluster_request.h"
#include "cli/cluster_views.h"
#include "tests/unit/cli_cluster_fixture.h"

namespace automat::cli {
namespace {

using Racks = std::vector<std::string>;

TEST(CliClusterRequest, RacksGoRoundRobin) {
  EXPECT_EQ(racks_round_robin(5, {"a", "b"}), (Racks{"a", "b", "a", "b", "a"}));
  EXPECT_EQ(racks_round_robin(2, {"a", "b"}), (Racks{"a", "b"}));
  EXPECT_EQ(racks_round_robin(3, {}), Racks{});
}

TEST(CliClusterRequest, RackProblems) {
  EXPECT_EQ(rack_problem(3, {"a", "b"}), "");
  EXPECT_EQ(rack_problem(1, {}), "");
  EXPECT_EQ(rack_problem(2, {"a", ""}), "a rack name cannot be empty");
  EXPECT_NE(rack_problem(2, {"a", "b", "c"}).find("3 racks given for 2 node(s)"),
            std::string::npos);
}

TEST(CliClusterRequest, CreateBodyHasOneInstancePerNode) {
  CreateClusterArgs args;
  args.name = "c1";
  args.datastore = "cassandra";
  args.size_gb = 4;
  args.nodes = 3;
  args.racks = {"r1", "r2"};
  nlohmann::json body = create_cluster_request(args, "7");
  ASSERT_EQ(body["cluster"]["instances"].size(), 3u);
  EXPECT_EQ(
      body["cluster"]["instances"][2],
      (nlohmann::json{{"flavorRef", "7"}, {"volume", {{"size", 4}}}, {"availability_zone", "r1"}}));
  EXPECT_EQ(body["cluster"]["datastore"], (nlohmann::json{{"type", "cassandra"}}));
}

TEST(CliClusterRequest, ARestoreMayLeaveTheNodesToTheBackup) {
  CreateClusterArgs args;
  args.name = "c2";
  args.datastore = "cassandra";
  args.restore_from = "b-1";
  EXPECT_EQ(create_options_problem(args), "");
  nlohmann::json body = create_cluster_request(args, "");
  EXPECT_FALSE(body["cluster"].contains("instances"));
  EXPECT_EQ(body["cluster"]["restore"], (nlohmann::json{{"backup", "b-1"}}));
  args.restore_keyspaces = {"shop", "logs.events"};
  EXPECT_EQ(create_cluster_request(args, "")["cluster"]["restore"]["keyspaces"],
            (nlohmann::json{"shop", "logs.events"}));

  args.nodes = 3;
  EXPECT_NE(create_options_problem(args).find("together, or none"), std::string::npos);
  args.flavor = "m1.small";
  args.size_gb = 2;
  EXPECT_EQ(create_options_problem(args), "");
  EXPECT_EQ(create_cluster_request(args, "2")["cluster"]["instances"].size(), 3u);

  CreateClusterArgs plain;
  plain.nodes = 3;
  EXPECT_NE(create_options_problem(plain).find("are required"), std::string::npos);
  plain.restore_keyspaces = {"shop"};
  EXPECT_EQ(create_options_problem(plain), "--keyspace needs --restore-from");
}

TEST(CliClusterRequest, ActionBodies) {
  EXPECT_EQ(grow_request(2, {}),
            (nlohmann::json{{"grow", {nlohmann::json::object(), nlohmann::json::object()}}}));
  EXPECT_EQ(shrink_request({"x", "y"}),
            (nlohmann::json{{"shrink", {{{"id", "x"}}, {{"id", "y"}}}}}));
  EXPECT_EQ(replace_node_request("x"), (nlohmann::json{{"replace_node", {{"id", "x"}}}}));
}

TEST(CliClusterViews, NodeTableHasOneRowPerNodeInTheServersOrder) {
  Table table = cluster_node_table(testing::cluster_view("ACTIVE", "NONE"));
  EXPECT_EQ(table.headers, (Racks{"ID", "Name", "Status", "Rack", "DC", "Seed", "IP", "Phase"}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0],
            (Racks{testing::kNode1, "c1-1", "ACTIVE", "rack1", "dc1", "yes", "127.10.0.11", ""}));
  EXPECT_EQ(table.rows[2][5], "");  // not a seed
}

TEST(CliClusterViews, MissingFieldsShowEmpty) {
  nlohmann::json sparse = {{"id", "x"}, {"task", "GROWING"}, {"instances", {{{"id", "n"}}}}};
  Table fields = cluster_table(sparse);
  EXPECT_EQ(fields.rows[3], (Racks{"task", "GROWING"}));  // a plain task string
  EXPECT_EQ(fields.rows[6], (Racks{"nodes", "1"}));       // counted when "size" is missing
  EXPECT_EQ(cluster_node_table(sparse).rows[0], (Racks{"n", "", "", "", "", "", "", ""}));
  EXPECT_TRUE(cluster_node_table(nlohmann::json()).rows.empty());
  EXPECT_EQ(cluster_list_table(nlohmann::json::array({sparse})).rows[0][5], "GROWING");
}

}  // namespace
}  // namespace automat::cli
