// Shrink safety (datastores/cassandra/common_shrink_checks.h) over heartbeat
// details shaped as the guest reports them.
#include <gtest/gtest.h>

#include "datastores/cassandra/common_shrink_checks.h"

namespace automat::datastores::cassandra {
namespace {

using nlohmann::json;

constexpr double kGiB = 1024.0 * 1024 * 1024;

json simple(const std::string& name, const std::string& rf) {
  return {{"name", name},
          {"class", "org.apache.cassandra.locator.SimpleStrategy"},
          {"replication", {{"replication_factor", rf}}}};
}

json nts(const std::string& name, json per_dc) {
  per_dc["class"] = "org.apache.cassandra.locator.NetworkTopologyStrategy";
  return {{"name", name}, {"class", "NetworkTopologyStrategy"}, {"replication", per_dc}};
}

json local(const std::string& name) {
  return {{"name", name},
          {"class", "org.apache.cassandra.locator.LocalStrategy"},
          {"replication", json::object()}};
}

// Cassandra 5.0's own keyspaces on a fresh ring.
json system_keyspaces() {
  return json::array({local("system"), local("system_schema"), simple("system_auth", "1"),
                      simple("system_distributed", "3"), simple("system_traces", "2")});
}

json report(json keyspaces, double load, double free) {
  return {{"cassandra",
           {{"ring", json::array({{{"address", "127.10.0.2"},
                                   {"state", "UN"},
                                   {"rack", "r1"},
                                   {"dc", "dc1"},
                                   {"load_bytes", load},
                                   {"host_id", "h"}}})},
            {"keyspaces", std::move(keyspaces)},
            {"load_bytes", load},
            {"free_disk_bytes", free}}}};
}

// Members n1..nN in `racks` of dc1, each with the same keyspaces, 1 GiB of
// load and 10 GiB free.
std::vector<ShrinkMember> members(const std::vector<std::string>& racks, const json& keyspaces) {
  std::vector<ShrinkMember> out;
  for (size_t k = 0; k < racks.size(); ++k) {
    const std::string id = "n" + std::to_string(k + 1);
    out.push_back({id, "ring-" + std::to_string(k + 1), "dc1", racks[k],
                   report(keyspaces, 1 * kGiB, 10 * kGiB)});
  }
  return out;
}

json with(json keyspaces, const json& extra) {
  keyspaces.push_back(extra);
  return keyspaces;
}

TEST(CassandraShrink, SafeShrinkIsAllowed) {
  const auto ring = members({"r1", "r1", "r2", "r2"}, with(system_keyspaces(), simple("ks", "3")));
  EXPECT_EQ(shrink_refusal(ring, {"n4"}), std::nullopt);
  EXPECT_EQ(shrink_refusal(ring, {}), std::nullopt) << "removing nothing is safe";
  EXPECT_EQ(shrink_refusal(ring, {"not-a-member"}), std::nullopt);
}

TEST(CassandraShrink, SystemKeyspaceReplicationFactorCounts) {
  // system_distributed has RF 3: a 3-node ring cannot go to 2.
  const auto ring = members({"r1", "r1", "r1"}, system_keyspaces());
  const auto why = shrink_refusal(ring, {"n3"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("would leave 2 nodes"), std::string::npos) << *why;
  EXPECT_NE(why->find("replication factor 3 of keyspace 'system_distributed'"), std::string::npos)
      << *why;
  EXPECT_NE(why->find("ALTER KEYSPACE"), std::string::npos) << *why;
}

TEST(CassandraShrink, NamesTheKeyspaceWithTheLargestFactor) {
  const auto ring =
      members({"r1", "r1", "r1", "r1", "r1"}, with(system_keyspaces(), simple("orders", "5")));
  const auto why = shrink_refusal(ring, {"n1"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("replication factor 5 of keyspace 'orders'"), std::string::npos) << *why;
}

TEST(CassandraShrink, NetworkTopologyFactorCountsTheNodesOfItsDc) {
  // Four nodes in dc1 and a keyspace with dc1: 4.
  auto ring = members({"r1", "r2", "r1", "r2"}, json::array({nts("ks", {{"dc1", "4"}})}));
  const auto why = shrink_refusal(ring, {"n2"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("would leave 3 nodes in dc1"), std::string::npos) << *why;
  EXPECT_NE(why->find("keyspace 'ks' (NetworkTopologyStrategy) asks in dc1"), std::string::npos)
      << *why;

  // A factor asked in another DC does not hold dc1 back.
  ring = members({"r1", "r2", "r1", "r2"}, json::array({nts("ks", {{"dc2", "4"}})}));
  EXPECT_EQ(shrink_refusal(ring, {"n2"}), std::nullopt);
}

TEST(CassandraShrink, TransientAndNumericFactorsAreRead) {
  const json ks = {
      {"name", "t"}, {"class", "SimpleStrategy"}, {"replication", {{"replication_factor", "3/1"}}}};
  EXPECT_TRUE(shrink_refusal(members({"r1", "r1", "r1"}, json::array({ks})), {"n1"}));
  const json numeric = {
      {"name", "n"},
      {"replication",
       {{"class", "org.apache.cassandra.locator.SimpleStrategy"}, {"replication_factor", 3}}}};
  EXPECT_TRUE(shrink_refusal(members({"r1", "r1", "r1"}, json::array({numeric})), {"n1"}));
}

TEST(CassandraShrink, KeyspacesAreMergedOverAllReports) {
  // Only n1 knows about keyspace "late" yet: its factor still counts.
  auto ring = members({"r1", "r1", "r1"}, json::array({simple("ks", "1")}));
  ring[0].detail["cassandra"]["keyspaces"].push_back(simple("late", "3"));
  const auto why = shrink_refusal(ring, {"n2"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("'late'"), std::string::npos) << *why;
}

TEST(CassandraShrink, MissingReportIsRetryShortly) {
  auto ring = members({"r1", "r1", "r1", "r1"}, json::array({simple("ks", "1")}));
  ring[2].detail = json::object();
  auto why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "node ring-3 has not reported its ring yet; retry shortly");

  ring[2].detail = {{"cassandra", {{"ring", json::array()}, {"load_bytes", 1}}}};
  why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why) << "free_disk_bytes missing";
  EXPECT_NE(why->find("ring-3"), std::string::npos);
}

TEST(CassandraShrink, KeyspacesMustBeKnownFromAtLeastOneNode) {
  // A guest whose CQL does not answer reports no keyspaces; without any
  // keyspace list the factors are unknown, so nothing may leave.
  auto ring = members({"r1", "r1", "r1", "r1"}, json::array({simple("ks", "3")}));
  for (auto& m : ring) m.detail["cassandra"].erase("keyspaces");
  auto why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "no node has reported its keyspaces yet; retry shortly");
  // One node's list is enough (the schema is the same everywhere).
  ring[1].detail["cassandra"]["keyspaces"] = json::array({simple("ks", "4")});
  why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("replication factor 4"), std::string::npos) << *why;
}

TEST(CassandraShrink, RemainingNodeWithoutFreeDiskForTheLeavingLoadIsRefused) {
  auto ring = members({"r1", "r1", "r1", "r1"}, json::array({simple("ks", "2")}));
  ring[3].detail["cassandra"]["load_bytes"] = 6 * kGiB;  // leaving
  ring[1].detail["cassandra"]["free_disk_bytes"] = 5 * kGiB;
  const auto why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("node ring-2 has 5.0 GiB of free disk"), std::string::npos) << *why;
  EXPECT_NE(why->find("hold 6.0 GiB"), std::string::npos) << *why;

  // The loads of several leaving nodes add up: 2 x 1 GiB > 1.5 GiB free.
  ring = members({"r1", "r1", "r1", "r1", "r1"}, json::array({simple("ks", "1")}));
  ring[0].detail["cassandra"]["free_disk_bytes"] = 1.5 * kGiB;
  EXPECT_TRUE(shrink_refusal(ring, {"n4", "n5"}));
  EXPECT_FALSE(shrink_refusal(ring, {"n5"}));
}

TEST(CassandraShrink, LosingARackIsRefusedWhenANetworkTopologyKeyspaceNeedsIt) {
  // Three racks, one node in r3; ks keeps 3 replicas on separate racks.
  const auto ring = members({"r1", "r1", "r2", "r2", "r3"},
                            json::array({nts("ks", {{"dc1", "3"}}), simple("s", "1")}));
  const auto why = shrink_refusal(ring, {"n5"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("last node of rack 'r3'"), std::string::npos) << *why;
  EXPECT_NE(why->find("leave dc1 with 2 racks"), std::string::npos) << *why;
  EXPECT_NE(why->find("keyspace 'ks'"), std::string::npos) << *why;
  // A node of a rack that keeps others may go.
  EXPECT_FALSE(shrink_refusal(ring, {"n4"}));
}

TEST(CassandraShrink, LosingARackIsAllowedWhenNoKeyspaceNeedsThatManyRacks) {
  // NTS with 2 replicas still finds 2 racks after r3 goes.
  auto ring = members({"r1", "r1", "r2", "r2", "r3"}, json::array({nts("ks", {{"dc1", "2"}})}));
  EXPECT_FALSE(shrink_refusal(ring, {"n5"}));
  // SimpleStrategy ignores racks.
  ring = members({"r1", "r1", "r2", "r2", "r3"}, json::array({simple("ks", "3")}));
  EXPECT_FALSE(shrink_refusal(ring, {"n5"}));
}

TEST(CassandraShrink, ChecksRunInOrderReplicasBeforeDiskBeforeRacks) {
  // Both the factor and the disk are violated: the factor is named.
  auto ring = members({"r1", "r2", "r3"}, json::array({nts("ks", {{"dc1", "3"}})}));
  ring[0].detail["cassandra"]["free_disk_bytes"] = 0;
  const auto why = shrink_refusal(ring, {"n3"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("replication factor 3"), std::string::npos) << *why;
}

TEST(CassandraShrink, HumanBytes) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(3 * 1024), "3.0 KiB");
  EXPECT_EQ(human_bytes(1.5 * kGiB), "1.5 GiB");
}

}  // namespace
}  // namespace automat::datastores::cassandra
