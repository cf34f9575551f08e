// cluster.resize_volume (taskmanager/volume_resize_steps.h), and the steps of
// a standalone node's instance.resize_flavor, through
// Cassandra's workflow, driven by the real OperationRunner against
// FakeComputeDriver, on an ACTIVE 3-node ring (n1 r1 seed, n2 r2 seed, n3 r1).
#include <gtest/gtest.h>

#include "datastores/cassandra/workflow_cassandra.h"
#include "tests/unit/cassandra_ring_world.h"

namespace automat::testing {
namespace {

using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;
using Resizes = std::vector<std::pair<std::string, int>>;

class CassandraVolumeResizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto op = w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
    ASSERT_EQ(w.run(op.id), Outcome::kCompleted);
  }
  db::Operation start_resize(int size_gb) {
    return w.start("cluster.resize_volume", "RESIZING_VOLUME",
                   {{"size_gb", size_gb}, {"instance_ids", {"n1", "n2", "n3"}}});
  }
  int size_of(const std::string& id) { return w.world.instance(id).volume_size_gb; }
  RingWorld w;
};

TEST_F(CassandraVolumeResizeTest, GrowsEveryNodeInTurnShowingItsPhaseAndRecordingEachSize) {
  const auto op = start_resize(4);
  std::vector<std::string> messages;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    messages.push_back(w.world.op(op.id).message);
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(w.world.compute.volume_resizes, (Resizes{{"n1", 4}, {"n2", 4}, {"n3", 4}}));
  for (const std::string id : {"n1", "n2", "n3"}) EXPECT_EQ(size_of(id), 4) << id;
  const auto has = [&](const std::string& m) {
    return std::find(messages.begin(), messages.end(), m) != messages.end();
  };
  EXPECT_TRUE(has("node 2/3 growing volume")) << ::testing::PrintToString(messages);
  EXPECT_TRUE(has("node 3/3 volume grown to 4 GB")) << ::testing::PrintToString(messages);
  EXPECT_EQ(w.world.op(op.id).checkpoint, json({{"resized", {"n1", "n2", "n3"}}}));
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(c.status, "ACTIVE");
  for (const auto& n : c.nodes) {
    EXPECT_EQ(n.phase, "") << n.instance_id;
    EXPECT_EQ(n.instance.task, "NONE") << n.instance_id;
  }
}

TEST_F(CassandraVolumeResizeTest, ANodeThatCannotGrowFailsWithItsHostsErrorKeepingWhatGrew) {
  const auto op = start_resize(4);
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    // n2's turn: its host refuses.
    if (w.world.compute.volume_resizes.size() == 1u && !w.world.compute.fail_resize_volume) {
      w.world.compute.fail_resize_volume = "no room on the host for 4 GB";
    }
  };

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto failed = w.world.op(op.id);
  EXPECT_EQ(failed.state, "FAILED");
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, w.address("n2"));
  EXPECT_EQ(failed.errors[0].message, "no room on the host for 4 GB");
  EXPECT_EQ(size_of("n1"), 4) << "n1 grew before the failure";
  EXPECT_EQ(size_of("n2"), 1);
  EXPECT_EQ(size_of("n3"), 1);
  EXPECT_EQ(w.world.compute.volume_resizes, (Resizes{{"n1", 4}, {"n2", 4}}))
      << "one node at a time: n3 never started";
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(c.status, "ACTIVE");
  for (const auto& n : c.nodes) EXPECT_EQ(n.phase, "") << n.instance_id;
}

TEST_F(CassandraVolumeResizeTest, AResumedResizeSkipsTheNodesItsCheckpointLists) {
  const auto op = start_resize(3);
  // A taskmanager grew n1 and recorded it, then died.
  w.world.compute.resize_volume("n1", 3);
  w.world.instances.set_volume_size("n1", 3);
  {
    std::lock_guard<std::mutex> l(w.world.ops.mu);
    w.world.ops.operations[op.id].checkpoint = {{"resized", {"n1"}}};
  }
  w.world.compute.volume_resizes.clear();

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(w.world.compute.volume_resizes, (Resizes{{"n2", 3}, {"n3", 3}}));
  for (const std::string id : {"n1", "n2", "n3"}) EXPECT_EQ(size_of(id), 3) << id;
  EXPECT_EQ(w.cluster().task, "NONE");
}

TEST_F(CassandraVolumeResizeTest, TheInstanceFormRunsInCassandrasWorkflowToo) {
  // For a standalone Cassandra instance; a ring node stands in for one here
  // (the API sends a node's resize through its cluster, the workflow does
  // not look).
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = w.world.tenant_id;
  op.type = "instance.resize_volume";
  op.resource_type = "instance";
  op.resource_id = "n3";
  op.input = {{"size_gb", 6}};
  ASSERT_TRUE(w.world.instances.start_operation("n3", "RESIZE", {}, op));
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_EQ(size_of("n3"), 6);
  EXPECT_EQ(w.world.instance("n3").task, "NONE");
}

TEST(CassandraFlavorResize, AStandaloneNodesFlavorResizeRunsTheSharedStepsAndChecksItsInput) {
  datastores::cassandra::CassandraWorkflowFactory factory;
  db::Operation op;
  op.id = "op-f";
  op.type = "instance.resize_flavor";
  op.resource_type = "instance";
  op.resource_id = "i-1";
  op.input = {{"flavor_id", "2"}, {"ram_mb", 4096}, {"old_flavor_id", "1"}};
  std::vector<std::string> names;
  for (const auto& step : factory.steps_for(op)) names.push_back(step->name());
  EXPECT_EQ(names, (std::vector<std::string>{"apply-flavor-to-server", "restart-with-flavor",
                                             "record-flavor", "wait-for-running", "mark-active"}));
  op.input = {{"flavor_id", 2}};  // a row that does not parse fails before anything runs
  EXPECT_THROW(factory.steps_for(op), common::Error);
}

}  // namespace
}  // namespace automat::testing
