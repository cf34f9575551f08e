// taskmanager/node_phase.h: one phase over a cluster's nodes, round by round
// as the runner calls a step (no sleeping: each round is one call).
#include <gtest/gtest.h>

#include <set>

#include "taskmanager/node_phase.h"
#include "tests/fakes/fake_cluster_repository.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::NodePhase;
using taskmanager::StepContext;
using taskmanager::StepResult;
using Kind = StepResult::Kind;

class NodePhaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    world.services.clusters = &clusters;
    db::Cluster c;
    c.id = "c1";
    c.tenant_id = world.tenant_id;
    c.name = "ring";
    c.datastore_version_id = world.version_id;
    const std::vector<std::string> racks = {"r1", "r2", "r1", "r2"};
    for (size_t i = 0; i < racks.size(); ++i) {
      db::Node n;
      n.instance_id = "n" + std::to_string(i + 1);
      n.cluster_id = c.id;
      n.zone = racks[i];
      n.ordinal = static_cast<int>(i) + 1;
      n.instance.id = n.instance_id;
      n.instance.tenant_id = world.tenant_id;
      n.instance.name = "ring-" + std::to_string(i + 1);
      n.instance.datastore_version_id = world.version_id;
      c.nodes.push_back(n);
    }
    op.id = "op-1";
    op.tenant_id = world.tenant_id;
    op.type = "cluster.grow";
    op.resource_type = "cluster";
    op.resource_id = c.id;
    clusters.create_with_operation(c, op);
    phase.phase = "cleanup";
    phase.done_message = "cleaned up";
    phase.done = [this](const StepContext&, const db::Node& n) {
      return done.count(n.instance_id);
    };
    phase.record = [this](StepContext&, const db::Node& n) { done.insert(n.instance_id); };
    phase.act = [this](StepContext&, const db::Node& n) -> std::optional<StepResult> {
      acted.push_back(n.instance_id);
      auto it = answers.find(n.instance_id);
      if (it == answers.end() || it->second.empty()) return std::nullopt;
      StepResult r = it->second.front();
      it->second.erase(it->second.begin());
      return r;
    };
  }

  // One round over every node of the cluster (as stored now).
  StepResult round() {
    const db::Cluster c = *clusters.find_any("c1");
    StepContext ctx{world.services, op};
    return taskmanager::run_node_phase(ctx, c, c.nodes, phase);
  }
  std::string phase_of(const std::string& id) {
    return clusters.find_any("c1")->nodes.at(std::stoi(id.substr(1)) - 1).phase;
  }

  World world{"cassandra"};
  FakeClusterRepository clusters{&world.instances, &world.ops, &world.catalog};
  db::Operation op;
  NodePhase phase;
  std::set<std::string> done;
  std::vector<std::string> acted;
  std::map<std::string, std::vector<StepResult>> answers;  // per node, in turn; then done
};

TEST_F(NodePhaseTest, InTurnShowsEachNodesPhaseThenActsOnItAlone) {
  StepResult r = round();
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.message, "node 1/4 cleanup") << "shown before any work";
  EXPECT_EQ(phase_of("n1"), "cleanup");
  EXPECT_TRUE(acted.empty());

  r = round();
  EXPECT_EQ(r.message, "node 1/4 cleaned up");
  EXPECT_EQ(acted, std::vector<std::string>{"n1"});
  EXPECT_EQ(done, std::set<std::string>{"n1"});
  EXPECT_EQ(phase_of("n1"), "") << "idle again";
  EXPECT_EQ(phase_of("n2"), "") << "not its turn yet";

  int rounds = 2;
  while (round().kind == Kind::kRetry) ASSERT_LT(++rounds, 20);
  EXPECT_EQ(rounds, 8) << "two rounds a node";
  EXPECT_EQ(acted, (std::vector<std::string>{"n1", "n2", "n3", "n4"}));
  EXPECT_EQ(round().kind, Kind::kNext);
}

TEST_F(NodePhaseTest, ConcurrentlyWorksOnNNodesAndWaitsAsLittleAsOneOfThemAsks) {
  phase.turn = NodePhase::concurrently(2);
  answers["n1"] = {StepResult::retry(2s, "node 1/4 cleanup running")};
  answers["n2"] = {StepResult::retry(500ms, "node 2/4 cleanup running"),
                   StepResult::retry(500ms, "node 2/4 cleanup running")};
  EXPECT_EQ(round().message, "node 1/4, node 2/4 cleanup");
  EXPECT_EQ(phase_of("n1"), "cleanup");
  EXPECT_EQ(phase_of("n2"), "cleanup");
  EXPECT_EQ(phase_of("n3"), "");

  StepResult r = round();
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.retry_after, 500ms) << "the shortest wait";
  EXPECT_EQ(r.message, "node 1/4 cleanup running; node 2/4 cleanup running");
  EXPECT_TRUE(done.empty());

  r = round();  // n1 finished, n2 still works
  EXPECT_EQ(done, std::set<std::string>{"n1"});
  EXPECT_EQ(r.message, "node 2/4 cleanup running");
  EXPECT_EQ(phase_of("n3"), "");

  // As one finishes, the next starts: two work at once.
  EXPECT_EQ(round().message, "node 2/4, node 3/4 cleanup");
  EXPECT_EQ(phase_of("n2"), "cleanup") << "still working";
  EXPECT_EQ(phase_of("n3"), "cleanup");
  EXPECT_EQ(round().message, "node 2/4, node 3/4 cleaned up");
  EXPECT_EQ(round().message, "node 4/4 cleanup");
  EXPECT_EQ(round().message, "node 4/4 cleaned up");
  EXPECT_EQ(round().kind, Kind::kNext);
  EXPECT_EQ(acted, (std::vector<std::string>{"n1", "n2", "n1", "n2", "n2", "n3", "n4"}));
}

TEST_F(NodePhaseTest, AllAtOnceActsOnEveryPendingNodeInOneRound) {
  phase.phase = taskmanager::kNoPhase;  // nothing shown: the first round acts
  phase.done_message = "stopped";
  phase.turn = NodePhase::all_at_once();
  done = {"n2"};
  answers["n3"] = {StepResult::retry(1s, "node 3/4 still stopping")};
  EXPECT_EQ(round().message, "node 3/4 still stopping");
  EXPECT_EQ(acted, (std::vector<std::string>{"n1", "n3", "n4"}));
  EXPECT_EQ(done, (std::set<std::string>{"n1", "n2", "n4"}));
  EXPECT_EQ(round().message, "node 3/4 stopped");
  EXPECT_EQ(round().kind, Kind::kNext);
  EXPECT_EQ(phase_of("n1"), "");
}

TEST_F(NodePhaseTest, ByRackTakesOneRackAtATime) {
  phase.turn = NodePhase::by_zone();
  EXPECT_EQ(round().message, "node 1/4, node 3/4 cleanup");
  EXPECT_EQ(phase_of("n2"), "");
  EXPECT_EQ(round().message, "node 1/4, node 3/4 cleaned up");
  EXPECT_EQ(round().message, "node 2/4, node 4/4 cleanup");
  EXPECT_EQ(round().message, "node 2/4, node 4/4 cleaned up");
  EXPECT_EQ(round().kind, Kind::kNext);
  EXPECT_EQ(acted, (std::vector<std::string>{"n1", "n3", "n2", "n4"}));
}

TEST_F(NodePhaseTest, ByRackFinishesTheRackInProgressBeforeTheNext) {
  phase.turn = NodePhase::by_zone();
  answers["n3"] = {StepResult::retry(1s, "node 3/4 cleanup running")};
  EXPECT_EQ(round().message, "node 1/4, node 3/4 cleanup");
  EXPECT_EQ(round().message, "node 3/4 cleanup running");  // n1 done, n3 works
  EXPECT_EQ(done, std::set<std::string>{"n1"});
  // n2 (r2) now comes first among the pending, but r1 is still in progress.
  EXPECT_EQ(round().message, "node 3/4 cleaned up");
  EXPECT_EQ(phase_of("n2"), "");
  EXPECT_EQ(round().message, "node 2/4, node 4/4 cleanup");
}

TEST_F(NodePhaseTest, ByTwoRacksTakesEveryNodeOfBothAndMoreRacksThanThereAreIsAll) {
  phase.turn = NodePhase::by_zones(2);
  EXPECT_EQ(round().message, "node 1/4, node 2/4, node 3/4, node 4/4 cleanup");
  EXPECT_EQ(round().message, "node 1/4, node 2/4, node 3/4, node 4/4 cleaned up");
  EXPECT_EQ(round().kind, Kind::kNext);
}

TEST_F(NodePhaseTest, ByZonesStartsTheNextRackAsSoonAsOneInProgressIsDone) {
  // Three racks, two at a time: r3 starts once r1 is done, while r2 works.
  {
    std::lock_guard<std::mutex> l(clusters.mu);
    clusters.nodes.at("n3").zone = "r3";
  }
  phase.turn = NodePhase::by_zones(2);
  answers["n2"] = {StepResult::retry(1s, "node 2/4 busy"), StepResult::retry(1s, "node 2/4 busy")};
  answers["n4"] = {StepResult::retry(1s, "node 4/4 busy"), StepResult::retry(1s, "node 4/4 busy")};
  EXPECT_EQ(round().message, "node 1/4, node 2/4, node 4/4 cleanup");  // r1 and r2
  EXPECT_EQ(phase_of("n3"), "");
  round();  // n1 done; r2 works
  EXPECT_EQ(done, std::set<std::string>{"n1"});
  EXPECT_EQ(round().message, "node 2/4, node 3/4, node 4/4 cleanup") << "r3 joins r2";
  EXPECT_EQ(phase_of("n3"), "cleanup");
}

TEST_F(NodePhaseTest, AFailureIsAnsweredWithItsHostAndNodesThatFinishedStayRecorded) {
  phase.turn = NodePhase::concurrently(2);
  answers["n1"] = {StepResult::failed("10.0.0.1", "nodetool cleanup: disk full")};
  round();
  const StepResult r = round();
  EXPECT_EQ(r.kind, Kind::kFailed);
  EXPECT_EQ(r.host, "10.0.0.1");
  EXPECT_EQ(r.message, "nodetool cleanup: disk full");
  EXPECT_EQ(done, std::set<std::string>{"n2"}) << "n2 finished in the same round";
}

TEST_F(NodePhaseTest, MayStartRefusesBeforeTheNodeShowsThePhase) {
  int asked = 0;
  phase.may_start = [&](StepContext&, const db::Node& n) -> std::optional<StepResult> {
    ++asked;
    if (n.instance_id == "n2") return StepResult::failed("c1", "unsafe now");
    return std::nullopt;
  };
  EXPECT_EQ(round().message, "node 1/4 cleanup");
  EXPECT_EQ(round().message, "node 1/4 cleaned up");
  EXPECT_EQ(asked, 1) << "asked once, before the phase showed";
  const StepResult r = round();
  EXPECT_EQ(r.kind, Kind::kFailed);
  EXPECT_EQ(r.message, "unsafe now");
  EXPECT_EQ(phase_of("n2"), "") << "refused before it showed";
  EXPECT_EQ(acted, std::vector<std::string>{"n1"});
}

TEST_F(NodePhaseTest, AResumedPhaseSkipsTheNodesItsCheckpointLists) {
  done = {"n1", "n3"};
  EXPECT_EQ(round().message, "node 2/4 cleanup");
  round();
  round();
  round();
  EXPECT_EQ(round().kind, Kind::kNext);
  EXPECT_EQ(acted, (std::vector<std::string>{"n2", "n4"}));
}

TEST_F(NodePhaseTest, ANodeStillShowingThePhaseIsNotAnnouncedAgain) {
  // A taskmanager that died after showing the phase: the next one acts at once.
  clusters.set_node_phase("n1", "cleanup");
  EXPECT_EQ(round().message, "node 1/4 cleaned up");
  EXPECT_EQ(acted, std::vector<std::string>{"n1"});
}

}  // namespace
}  // namespace automat::testing
