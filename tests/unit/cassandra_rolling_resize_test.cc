// cluster.resize_flavor (workflow_cassandra_rolling.cc) through Cassandra's
// workflow, driven by the real OperationRunner against the fakes, on an
// ACTIVE 3-node ring (n1 r1 seed, n2 r2 seed, n3 r1): each node's server
// gets the new RAM, its guest restarts Cassandra as a job, the next waits
// until the ring sees it UN and no node holds hints for it.
#include <gtest/gtest.h>

#include "tests/unit/cassandra_ring_world.h"

namespace automat::testing {
namespace {

using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;

class CassandraRollingResizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    w.world.catalog.upsert_flavor({"3", "m1.medium", 4096, 2, 20});
    const auto op = w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
    ASSERT_EQ(w.run(op.id), Outcome::kCompleted);
    for (const std::string id : {"n1", "n2", "n3"}) {
      w.world.guests.guest(id).actions["pending_hints"] = [this](FakeGuest&, const json&) {
        return hints_answer();
      };
    }
  }
  db::Operation start_roll(const std::string& turn, int concurrency,
                           const std::vector<std::string>& order = {"n1", "n2", "n3"}) {
    return w.start("cluster.resize_flavor", "RESIZING",
                   {{"flavor_id", "3"},
                    {"ram_mb", 4096},
                    {"old_flavor_id", "2"},
                    {"turn", turn},
                    {"concurrency", concurrency},
                    {"instance_ids", order}});
  }
  // What a node answers for pending_hints: `hints_left` files for
  // `hinted`'s address, fewer on each call, then none.
  json hints_answer() {
    if (hints_left <= 0 || hinted.empty()) return json::object();
    return {{"targets", {{{"address", w.address(hinted)}, {"files", hints_left--}}}}};
  }
  int ram_of(const std::string& id) {
    std::lock_guard<std::mutex> l(w.world.compute.mu);
    return w.world.compute.servers.at(id).spec.ram_mb;
  }
  std::vector<int> resizes(const std::string& id) { return w.guest(id).resizes; }

  RingWorld w;
  std::string hinted;
  int hints_left = 0;
};

TEST_F(CassandraRollingResizeTest, ByNodeRestartsEachInTurnWaitingForItsHintsAndRecordsTheFlavor) {
  const auto op = start_roll("BY_NODE", 1);
  std::vector<std::string> messages;
  // The others hold hints for n1, written while it was down.
  hinted = "n1";
  hints_left = 2;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    messages.push_back(w.world.op(op.id).message);
    if (hints_left > 0) {
      EXPECT_TRUE(resizes("n2").empty()) << "n2 restarted while n1's hints were pending";
    }
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  for (const std::string id : {"n1", "n2", "n3"}) {
    EXPECT_EQ(resizes(id), std::vector<int>{4096}) << id;
    EXPECT_EQ(ram_of(id), 4096) << id << ": a restarted guest keeps the new RAM";
    EXPECT_EQ(w.world.instance(id).flavor_id, "3") << id;
  }
  const auto has = [&](const std::string& part) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const std::string& m) { return m.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(has("node 1/3 restarting")) << ::testing::PrintToString(messages);
  EXPECT_TRUE(has("node 1/3 waiting for its hints: " + w.address("n2") + " holds 2 hint files"))
      << ::testing::PrintToString(messages);
  EXPECT_TRUE(has("node 3/3 runs with flavor '3'")) << ::testing::PrintToString(messages);
  // n2 started only after every hint for n1 was delivered.
  EXPECT_EQ(hints_left, 0);
  EXPECT_EQ(w.world.op(op.id).checkpoint,
            json({{"restarted", {"n1", "n2", "n3"}}, {"resized", {"n1", "n2", "n3"}}}));
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(c.status, "ACTIVE");
  for (const auto& n : c.nodes) EXPECT_EQ(n.phase, "") << n.instance_id;
}

TEST_F(CassandraRollingResizeTest, ByRackRestartsEveryNodeOfARackTogether) {
  const auto op = start_roll("BY_ZONE", 1);
  // While n1 and n3 (r1) restart, n2 (r2) has not been asked.
  bool r2_waited = false;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (!resizes("n1").empty() && !resizes("n3").empty() && resizes("n2").empty()) {
      r2_waited = true;
    }
    EXPECT_FALSE(!resizes("n2").empty() && (resizes("n1").empty() || resizes("n3").empty()))
        << "r2 started before r1 was done";
  };
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_TRUE(r2_waited);
  for (const std::string id : {"n1", "n2", "n3"}) EXPECT_EQ(w.world.instance(id).flavor_id, "3");
}

TEST_F(CassandraRollingResizeTest, ANodeIsNotRestartedWhileAnotherIsDown) {
  const auto op = start_roll("BY_NODE", 1);
  {
    std::lock_guard<std::mutex> l(w.ring_mu);
    w.up.erase("n3");  // n3 went down on its own
  }
  int pauses = 0;
  std::string waiting;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (++pauses == 3) {
      waiting = w.world.op(op.id).message;
      std::lock_guard<std::mutex> l(w.ring_mu);
      w.up.insert("n3");
    }
  };
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_NE(waiting.find("node 1/3 waits before restarting: every other node must be UN first; " +
                         w.address("n3") + " is not in the ring yet"),
            std::string::npos)
      << waiting;
  EXPECT_EQ(resizes("n1"), std::vector<int>{4096});
}

TEST_F(CassandraRollingResizeTest, ANodeThatCannotTakeTheFlavorFailsNamingItsHostAndKeepsTheRest) {
  w.world.guests.guest("n2").resize_error = "Cassandra did not start with the heap for 4096 MB";
  const auto op = start_roll("BY_NODE", 1);

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto failed = w.world.op(op.id);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, w.address("n2"));
  EXPECT_NE(failed.errors[0].message.find("could not take flavor '3': Cassandra did not start"),
            std::string::npos)
      << failed.errors[0].message;
  EXPECT_EQ(w.world.instance("n1").flavor_id, "3") << "n1 runs with the new flavor";
  EXPECT_EQ(w.world.instance("n2").flavor_id, "2");
  EXPECT_EQ(ram_of("n2"), 2048) << "n2's server record goes back with its guest";
  EXPECT_TRUE(resizes("n3").empty()) << "the roll stops at the failure";
  EXPECT_EQ(ram_of("n3"), 2048);
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(c.status, "ACTIVE");
  for (const auto& n : c.nodes) EXPECT_EQ(n.phase, "") << n.instance_id;
}

TEST_F(CassandraRollingResizeTest, AResumedRollSkipsTheNodesItsCheckpointLists) {
  const auto op = start_roll("BY_NODE", 1);
  w.world.instances.set_flavor("n1", "3");
  {
    std::lock_guard<std::mutex> l(w.world.ops.mu);
    w.world.ops.operations[op.id].checkpoint = {{"restarted", {"n1", "n2"}}, {"resized", {"n1"}}};
  }
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_TRUE(resizes("n1").empty());
  EXPECT_TRUE(resizes("n2").empty()) << "n2 had restarted: only its wait remained";
  EXPECT_EQ(resizes("n3"), std::vector<int>{4096});
  EXPECT_EQ(w.world.instance("n2").flavor_id, "3");
}

TEST_F(CassandraRollingResizeTest, AnInputThatDoesNotParseFailsBeforeAnythingRuns) {
  const auto op = w.start("cluster.resize_flavor", "RESIZING", {{"flavor_id", 3}});
  ASSERT_EQ(w.run(op.id), Outcome::kFailed);
  EXPECT_TRUE(resizes("n1").empty());
}

}  // namespace
}  // namespace automat::testing
