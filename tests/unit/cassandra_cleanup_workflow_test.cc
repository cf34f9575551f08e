// Cassandra's own cluster action, cleanup (common_cluster_actions.h),
// driven by the real OperationRunner against fake compute, guests and
// repositories, on an ACTIVE 3-node ring (n1 r1 seed, n2 r2 seed, n3 r1).
#include <gtest/gtest.h>

#include "tests/unit/cassandra_ring_world.h"

namespace automat::testing {
namespace {

using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;

class CassandraCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto op = w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
    ASSERT_EQ(w.run(op.id), Outcome::kCompleted);
  }
  RingWorld w;
};

// Cassandra's own cluster action (common_cluster_actions.h): cleanup on
// every node the input names, in its order, and nothing else.
TEST_F(CassandraCleanupTest, ACleanupActionCleansEveryNamedNodeOnceAndEndsActive) {
  const auto op = w.start("cluster.cleanup", "CLEANING", {{"instance_ids", {"n2", "n1", "n3"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  for (const std::string id : {"n1", "n2", "n3"}) {
    EXPECT_EQ(w.acts(id, "cleanup").size(), 1u) << id;
    EXPECT_TRUE(w.acts(id, "update_seeds").empty()) << id << ": a cleanup changes no seeds";
  }
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
  for (const auto& n : c.nodes) EXPECT_EQ(n.phase, "") << n.instance_id;
}

TEST_F(CassandraCleanupTest, ACleanupFailingOnANodeStopsThereWithTheHostsError) {
  w.world.guests.guest("n2").actions["cleanup"] = [](FakeGuest&, const json&) -> json {
    throw common::internal_error("Cleanup failed: disk full");
  };
  const auto op = w.start("cluster.cleanup", "CLEANING", {{"instance_ids", {"n1", "n2", "n3"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n2"));
  EXPECT_NE(done.errors[0].message.find("disk full"), std::string::npos);
  EXPECT_EQ(w.acts("n1", "cleanup").size(), 1u);
  EXPECT_TRUE(w.acts("n3", "cleanup").empty()) << "one node at a time: n3 never started";
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(c.status, "ACTIVE") << "every node still serves";
  for (const auto& n : c.nodes) EXPECT_EQ(n.phase, "") << n.instance_id;
}

}  // namespace
}  // namespace automat::testing
