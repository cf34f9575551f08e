// Shrink safety (datastores/cassandra/common_shrink_checks.h) over node
// reports shaped as the guest sends them (NodeReport, cassandra_guest.proto).
#include <gtest/gtest.h>

#include <map>

#include "common/status_detail.h"
#include "datastores/cassandra/common_node_report.h"
#include "datastores/cassandra/common_shrink_checks.h"

namespace automat::datastores::cassandra {
namespace {

using proto::cassandra::Keyspace;
using proto::cassandra::NodeReport;
using Keyspaces = std::vector<Keyspace>;

constexpr double kGiB = 1024.0 * 1024 * 1024;

Keyspace keyspace(const std::string& name, const std::string& strategy,
                  const std::map<std::string, std::string>& replication) {
  Keyspace ks;
  ks.set_name(name);
  ks.set_strategy(strategy);
  for (const auto& [key, value] : replication) (*ks.mutable_replication())[key] = value;
  return ks;
}

Keyspace simple(const std::string& name, const std::string& rf) {
  return keyspace(name, "SimpleStrategy", {{"replication_factor", rf}});
}

Keyspace nts(const std::string& name, const std::map<std::string, std::string>& per_dc) {
  return keyspace(name, "NetworkTopologyStrategy", per_dc);
}

Keyspace local(const std::string& name) { return keyspace(name, "LocalStrategy", {}); }

// Cassandra 5.0's own keyspaces on a fresh ring.
Keyspaces system_keyspaces() {
  return {local("system"), local("system_schema"), simple("system_auth", "1"),
          simple("system_distributed", "3"), simple("system_traces", "2")};
}

NodeReport report(const Keyspaces& keyspaces, double load, double free) {
  NodeReport r;
  auto* node = r.mutable_ring()->add_nodes();
  node->set_address("127.10.0.2");
  node->set_state("UN");
  node->set_rack("r1");
  node->set_dc("dc1");
  node->set_load_bytes(int64_t(load));
  node->set_host_id("h");
  for (const auto& ks : keyspaces) *r.mutable_keyspaces()->add_keyspaces() = ks;
  r.set_load_bytes(int64_t(load));
  r.set_free_disk_bytes(int64_t(free));
  return r;
}

// Members n1..nN in `racks` of dc1, each with the same keyspaces, 1 GiB of
// load and 10 GiB free.
std::vector<ShrinkMember> members(const std::vector<std::string>& racks,
                                  const Keyspaces& keyspaces) {
  std::vector<ShrinkMember> out;
  for (size_t k = 0; k < racks.size(); ++k) {
    const std::string id = "n" + std::to_string(k + 1);
    out.push_back({id, "ring-" + std::to_string(k + 1), "dc1", racks[k],
                   report(keyspaces, 1 * kGiB, 10 * kGiB)});
  }
  return out;
}

Keyspaces with(Keyspaces keyspaces, const Keyspace& extra) {
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
  auto ring = members({"r1", "r2", "r1", "r2"}, {nts("ks", {{"dc1", "4"}})});
  const auto why = shrink_refusal(ring, {"n2"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("would leave 3 nodes in dc1"), std::string::npos) << *why;
  EXPECT_NE(why->find("keyspace 'ks' (NetworkTopologyStrategy) asks in dc1"), std::string::npos)
      << *why;

  // A factor asked in another DC does not hold dc1 back.
  ring = members({"r1", "r2", "r1", "r2"}, {nts("ks", {{"dc2", "4"}})});
  EXPECT_EQ(shrink_refusal(ring, {"n2"}), std::nullopt);
}

TEST(CassandraShrink, TransientFactorsAndAClassAmongTheOptionsAreRead) {
  EXPECT_TRUE(shrink_refusal(members({"r1", "r1", "r1"}, {simple("t", "3/1")}), {"n1"}));
  // No strategy of its own: the class option names it (long or short).
  const Keyspace in_options = keyspace(
      "n", "",
      {{"class", "org.apache.cassandra.locator.SimpleStrategy"}, {"replication_factor", "3"}});
  EXPECT_TRUE(shrink_refusal(members({"r1", "r1", "r1"}, {in_options}), {"n1"}));
}

TEST(CassandraShrink, KeyspacesAreMergedOverAllReports) {
  // Only n1 knows about keyspace "late" yet: its factor still counts.
  auto ring = members({"r1", "r1", "r1"}, {simple("ks", "1")});
  *ring[0].report->mutable_keyspaces()->add_keyspaces() = simple("late", "3");
  const auto why = shrink_refusal(ring, {"n2"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("'late'"), std::string::npos) << *why;
}

TEST(CassandraShrink, MissingReportIsRetryShortly) {
  auto ring = members({"r1", "r1", "r1", "r1"}, {simple("ks", "1")});
  ring[2].report.reset();
  auto why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "node ring-3 has not reported its ring yet; retry shortly");

  ring[2].report = NodeReport();
  ring[2].report->mutable_ring();
  ring[2].report->set_load_bytes(1);
  why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why) << "free_disk_bytes missing";
  EXPECT_NE(why->find("ring-3"), std::string::npos);

  ring[2].report = report({simple("ks", "1")}, 1 * kGiB, 10 * kGiB);
  ring[2].report->clear_ring();
  why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why) << "ring missing";
  EXPECT_NE(why->find("ring-3"), std::string::npos);
}

TEST(CassandraShrink, KeyspacesMustBeKnownFromAtLeastOneNode) {
  // A guest whose CQL does not answer reports no keyspaces; without any
  // keyspace list the factors are unknown, so nothing may leave.
  auto ring = members({"r1", "r1", "r1", "r1"}, {simple("ks", "3")});
  for (auto& m : ring) m.report->clear_keyspaces();
  auto why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "no node has reported its keyspaces yet; retry shortly");
  // One node's list is enough (the schema is the same everywhere).
  *ring[1].report->mutable_keyspaces()->add_keyspaces() = simple("ks", "4");
  why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("replication factor 4"), std::string::npos) << *why;
}

TEST(CassandraShrink, RemainingNodeWithoutFreeDiskForTheLeavingLoadIsRefused) {
  auto ring = members({"r1", "r1", "r1", "r1"}, {simple("ks", "2")});
  ring[3].report->set_load_bytes(int64_t(6 * kGiB));  // leaving
  ring[1].report->set_free_disk_bytes(int64_t(5 * kGiB));
  const auto why = shrink_refusal(ring, {"n4"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("node ring-2 has 5.0 GiB of free disk"), std::string::npos) << *why;
  EXPECT_NE(why->find("hold 6.0 GiB"), std::string::npos) << *why;

  // The loads of several leaving nodes add up: 2 x 1 GiB > 1.5 GiB free.
  ring = members({"r1", "r1", "r1", "r1", "r1"}, {simple("ks", "1")});
  ring[0].report->set_free_disk_bytes(int64_t(1.5 * kGiB));
  EXPECT_TRUE(shrink_refusal(ring, {"n4", "n5"}));
  EXPECT_FALSE(shrink_refusal(ring, {"n5"}));
}

TEST(CassandraShrink, LosingARackIsRefusedWhenANetworkTopologyKeyspaceNeedsIt) {
  // Three racks, one node in r3; ks keeps 3 replicas on separate racks.
  const auto ring =
      members({"r1", "r1", "r2", "r2", "r3"}, {nts("ks", {{"dc1", "3"}}), simple("s", "1")});
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
  auto ring = members({"r1", "r1", "r2", "r2", "r3"}, {nts("ks", {{"dc1", "2"}})});
  EXPECT_FALSE(shrink_refusal(ring, {"n5"}));
  // SimpleStrategy ignores racks.
  ring = members({"r1", "r1", "r2", "r2", "r3"}, {simple("ks", "3")});
  EXPECT_FALSE(shrink_refusal(ring, {"n5"}));
}

TEST(CassandraShrink, ChecksRunInOrderReplicasBeforeDiskBeforeRacks) {
  // Both the factor and the disk are violated: the factor is named.
  auto ring = members({"r1", "r2", "r3"}, {nts("ks", {{"dc1", "3"}})});
  ring[0].report->set_free_disk_bytes(0);
  const auto why = shrink_refusal(ring, {"n3"});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("replication factor 3"), std::string::npos) << *why;
}

// A cluster node as the repository reads it, with `detail` stored.
db::Node node(const std::string& id, const nlohmann::json& detail) {
  db::Node n;
  n.instance_id = id;
  n.instance.name = "ring-" + id;
  n.zone = "r1";
  n.detail = detail;
  return n;
}

TEST(CassandraShrink, MembersCarryTheReportsDecodedFromTheStoredDetails) {
  const NodeReport sent = report(system_keyspaces(), 1 * kGiB, 10 * kGiB);
  const auto members = shrink_members({node("1", stored_detail(sent))});
  ASSERT_EQ(members.size(), 1u);
  ASSERT_TRUE(members[0].report.has_value());
  EXPECT_EQ(members[0].report->SerializeAsString(), sent.SerializeAsString());
  EXPECT_EQ(members[0].name, "ring-1");
  EXPECT_EQ(members[0].rack, "r1");
}

TEST(CassandraShrink, ADetailThatDoesNotDecodeIsANodeThatHasNotReported) {
  const NodeReport sent = report({simple("ks", "1")}, 1 * kGiB, 10 * kGiB);
  auto nodes = std::vector<db::Node>{node("1", stored_detail(sent)), node("2", stored_detail(sent)),
                                     node("3", stored_detail(sent))};
  // The shape written before NodeReport: keys walked by hand once.
  nodes[1].detail = {{"cassandra", {{"ring", nlohmann::json::array()}, {"load_bytes", 1}}}};
  EXPECT_FALSE(node_report(nodes[1].detail, "2").has_value());
  auto why = shrink_refusal(shrink_members(nodes), {"3"});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "node ring-2 has not reported its ring yet; retry shortly");
  // Fields of the wrong type, and a detail that is no object at all.
  nodes[1].detail = stored_detail(sent);
  nodes[1].detail["datastore"]["load_bytes"] = nlohmann::json::array({1});
  EXPECT_EQ(shrink_refusal(shrink_members(nodes), {"3"}), why);
  nodes[1].detail = nlohmann::json::array({1, 2});
  EXPECT_EQ(shrink_refusal(shrink_members(nodes), {"3"}), why);
  // Another datastore's report (or none) is no Cassandra report either.
  proto::StatusDetail other;
  other.set_fault("disk full");
  nodes[1].detail = common::encode_status_detail(other).value();
  EXPECT_EQ(shrink_refusal(shrink_members(nodes), {"3"}), why);
  // Reported again: the shrink may go on.
  nodes[1].detail = stored_detail(sent);
  EXPECT_EQ(shrink_refusal(shrink_members(nodes), {"3"}), std::nullopt);
}

TEST(CassandraShrink, HumanBytes) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(3 * 1024), "3.0 KiB");
  EXPECT_EQ(human_bytes(1.5 * kGiB), "1.5 GiB");
}

// A ring's keyspaces once secured: system_auth per DC (min(3, nodes)),
// system_traces at 2 (only tracing reads it: it never blocks a roll).
Keyspaces ring_keyspaces(const Keyspace& extra) {
  return {local("system"), nts("system_auth", {{"dc1", "3"}}), simple("system_distributed", "3"),
          simple("system_traces", "2"), extra};
}

TEST(CassandraRollingRestart, OneNodeOrOneRackOfOneReplicaAtATimeKeepsQuorumAtFactorThree) {
  const auto ring = members({"r1", "r2", "r3"}, ring_keyspaces(nts("app", {{"dc1", "3"}})));
  EXPECT_EQ(rolling_restart_refusal(ring, /*by_rack=*/false, 1), std::nullopt);
  EXPECT_EQ(rolling_restart_refusal(ring, /*by_rack=*/true, 1), std::nullopt);
}

TEST(CassandraRollingRestart, TwoNodesAtATimeAtFactorThreeIsRefusedNamingTheKeyspace) {
  const auto ring = members({"r1", "r2", "r3"}, ring_keyspaces(nts("app", {{"dc1", "3"}})));
  const auto why = rolling_restart_refusal(ring, false, 2);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "restarting 2 nodes at a time could stop 2 of the 3 replicas keyspace 'app' "
            "(NetworkTopologyStrategy) keeps of a token range, but QUORUM needs 2 of them up; "
            "use concurrency 1 or less");
  const auto racks = rolling_restart_refusal(ring, true, 2);
  ASSERT_TRUE(racks);
  EXPECT_NE(racks->find("restarting every node of 2 racks at a time could stop 2 of the 3"),
            std::string::npos)
      << *racks;
}

TEST(CassandraRollingRestart, ARackHoldingTwoReplicasOfARangeIsRefusedByRackButNotByNode) {
  // Two racks for a factor of 3: r1's two nodes may hold two replicas of a range.
  const auto ring = members({"r1", "r1", "r2"}, ring_keyspaces(nts("app", {{"dc1", "3"}})));
  EXPECT_EQ(rolling_restart_refusal(ring, false, 1), std::nullopt);
  const auto why = rolling_restart_refusal(ring, true, 1);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("every node of 1 rack at a time could stop 2 of the 3 replicas keyspace"),
            std::string::npos)
      << *why;
  EXPECT_NE(why->find("roll by node with concurrency 1"), std::string::npos) << *why;
}

TEST(CassandraRollingRestart, SimpleStrategyIgnoresRacks) {
  // Rack-unaware: a rack of two nodes may hold two of a range's 3 replicas.
  const auto ring = members({"r1", "r1", "r2", "r3"}, ring_keyspaces(simple("app", "3")));
  const auto why = rolling_restart_refusal(ring, true, 1);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("keyspace 'app' (SimpleStrategy)"), std::string::npos) << *why;
}

TEST(CassandraRollingRestart, AFactorOfOneOrTwoHasNoReplicaToSpare) {
  for (const std::string rf : {"1", "2"}) {
    const auto ring = members({"r1", "r2", "r3"}, ring_keyspaces(simple("app", rf)));
    const auto why = rolling_restart_refusal(ring, false, 1);
    ASSERT_TRUE(why) << rf;
    EXPECT_NE(why->find("QUORUM keeps no replica to spare: raise its replication factor to 3"),
              std::string::npos)
        << *why;
  }
}

TEST(CassandraRollingRestart, FactorFiveToleratesTwoAndManyDcsAddUp) {
  const auto five = members({"r1", "r2", "r3", "r4", "r5"}, {simple("app", "5")});
  EXPECT_EQ(rolling_restart_refusal(five, false, 2), std::nullopt);
  EXPECT_TRUE(rolling_restart_refusal(five, false, 3));
  // system_auth at 3 over the same ring still allows one at a time only.
  const auto secured = members({"r1", "r2", "r3", "r4", "r5"}, ring_keyspaces(simple("app", "5")));
  const auto why = rolling_restart_refusal(secured, false, 2);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("keyspace 'system_auth'"), std::string::npos) << *why;
  // dc1: 3 and dc2: 2 make 5 replicas, QUORUM 3: two down at once is fine.
  auto ring = members({"r1", "r2", "r3"}, ring_keyspaces(nts("app", {{"dc1", "3"}, {"dc2", "2"}})));
  ring[2].dc = "dc2";
  EXPECT_EQ(rolling_restart_refusal(ring, false, 1), std::nullopt);
}

TEST(CassandraRollingRestart, NoKeyspacesReportedYetIsRetryShortly) {
  auto ring = members({"r1", "r2", "r3"}, ring_keyspaces(simple("app", "3")));
  for (auto& m : ring) m.report->clear_keyspaces();
  EXPECT_EQ(rolling_restart_refusal(ring, false, 1),
            "no node has reported its keyspaces yet; retry shortly");
}

TEST(CassandraGrowDisk, NewNodesThatWouldStartOver90PercentFullAreWarnedOf) {
  // 3 nodes of 1.5 GiB each, one more of 2 GiB: each takes ~1.1 GiB, fine.
  std::vector<GrowingNode> ring;
  for (const std::string name : {"ring-1", "ring-2", "ring-3"}) {
    ring.push_back({name, int64_t(1.5 * kGiB), int64_t(1.6 * kGiB), int64_t(2 * kGiB)});
  }
  EXPECT_TRUE(grow_disk_warnings(ring, 1, int64_t(2 * kGiB)).empty());
  // Each held 3 GiB: 9 GiB over 4 nodes is 2.25 GiB each, over 90 % of 2 GiB.
  for (auto& n : ring) n.load_bytes = int64_t(3 * kGiB);
  const auto warnings = grow_disk_warnings(ring, 1, int64_t(2 * kGiB));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "each new node would take about 2.2 GiB of the ring's 9.0 GiB of data, over 90 % of "
            "its 2.0 GiB volume; grow the volumes first (resize_volume) or add more nodes");
}

TEST(CassandraGrowDisk, ANodeAlreadyOver90PercentFullIsWarnedOfAndUnreportedOnesCountForNothing) {
  std::vector<GrowingNode> ring = {
      {"ring-1", int64_t(0.5 * kGiB), int64_t(1.9 * kGiB), int64_t(2 * kGiB)},
      {"ring-2", std::nullopt, std::nullopt, std::nullopt},
      {"ring-3", int64_t(0.5 * kGiB), int64_t(1.0 * kGiB), int64_t(2 * kGiB)}};
  const auto warnings = grow_disk_warnings(ring, 2, int64_t(2 * kGiB));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "node ring-1's volume is 95 % full (1.9 GiB of 2.0 GiB): the grow's cleanup rewrites "
            "its data and may run out of room; grow the volumes first (resize_volume)");
}

}  // namespace
}  // namespace automat::datastores::cassandra
