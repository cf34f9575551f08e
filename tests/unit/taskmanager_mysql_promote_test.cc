// A failed promote leaves the replication set as it was: the old master
// takes writes again and every replica follows it (datastores/mysql/
// workflow_replication.cc, roll_back_promote); its repoint-others step
// re-points each follower once, recorded in the checkpoint. Driven by the
// real OperationRunner against fake guests.
#include <gtest/gtest.h>

#include <set>

#include "datastores/workflow_registry.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using taskmanager::OperationRunner;
using Outcome = OperationRunner::Outcome;

class PromoteRollbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    master = add_instance("10.0.0.1", std::nullopt);
    candidate = add_instance("10.0.0.2", master);
    other = add_instance("10.0.0.3", master);
    std::lock_guard<std::mutex> l(world.guests.mu);
    auto ok = [](FakeGuest&, const json&) { return json::object(); };
    FakeGuest& m = world.guests.guest(master);
    m.actions["read_only"] = ok;
    m.actions["detach"] = ok;
    m.actions["current_gtid"] = [](FakeGuest&, const json&) { return json{{"gtid", "0-1-42"}}; };
    m.actions["enable_source"] = [](FakeGuest&, const json& args) {
      return json{{"user", args.at("user")}, {"password", "repl-secret"}};
    };
    for (const std::string& id : {candidate, other}) {
      FakeGuest& g = world.guests.guest(id);
      g.actions["follow_current"] = ok;
      g.actions["detach"] = ok;
      g.actions["wait_caught_up"] = [](FakeGuest&, const json&) {
        return json{{"caught_up", true}};
      };
      g.actions["enable_source"] = [](FakeGuest&, const json& args) {
        return json{{"user", args.at("user")}, {"password", "repl-secret"}};
      };
    }
  }

  std::string add_instance(const std::string& address, std::optional<std::string> slave_of) {
    db::Operation create = world.create_instance();
    const std::string id = create.resource_id;
    world.instances.set_task(id, "NONE");
    world.instances.set_address(id, address, 8780);
    world.instances.set_service_status(id, "RUNNING");
    if (slave_of) world.instances.set_slave_of(id, slave_of);
    compute::ServerSpec spec;
    spec.instance_id = id;
    world.compute.create(spec);
    return id;
  }

  // Starts a promote of the candidate (op_id) and runs it to its end.
  Outcome promote() {
    start_promote();
    return run();
  }
  void start_promote() {
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = world.tenant_id;
    op.type = "instance.promote";
    op.resource_type = "instance";
    op.resource_id = candidate;
    EXPECT_TRUE(world.instances.start_operation(candidate, "PROMOTING", {"NONE"}, op));
    op_id = op.id;
  }
  Outcome run() {
    OperationRunner runner(world.services, datastores::workflow_factory,
                           timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto claimed = world.ops.claim(op_id, "tm-1", 30s);
    EXPECT_TRUE(claimed);
    return runner.run(*claimed);
  }

  FakeRunnerTiming timing;  // retries at once, in the runner's fake time

  std::vector<std::pair<std::string, json>> acts(const std::string& id) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    return world.guests.guest(id).acts;
  }

  // The master's current_gtid answers by throwing `error`.
  void gtid_read_throws(common::Error error) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(master).actions["current_gtid"] = [error](FakeGuest&, const json&) -> json {
      throw error;
    };
  }

  // The promote failed with `reason`, and the master it froze first was
  // made writable again last.
  void expect_unfrozen_after_failing_with(const std::string& reason) {
    const auto on_master = acts(master);
    ASSERT_GE(on_master.size(), 2u);
    EXPECT_EQ(on_master.front(), (std::pair<std::string, json>{"read_only", {{"on", true}}}));
    EXPECT_EQ(on_master.back(), (std::pair<std::string, json>{"read_only", {{"on", false}}}));
    const db::Operation op = world.op(op_id);
    EXPECT_EQ(op.state, "FAILED");
    ASSERT_EQ(op.errors.size(), 1u);
    EXPECT_NE(op.errors[0].message.find(reason), std::string::npos) << op.errors[0].message;
  }

  World world;
  std::string master, candidate, other, op_id;
};

TEST_F(PromoteRollbackTest, FailedCatchUpMakesTheOldMasterWritableAgain) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(candidate).actions["wait_caught_up"] = [](FakeGuest&, const json&) -> json {
      throw common::internal_error("replication stopped: Duplicate entry '7' for key 'PRIMARY'");
    };
  }
  EXPECT_EQ(promote(), Outcome::kFailed);

  const auto on_master = acts(master);
  ASSERT_GE(on_master.size(), 2u);
  EXPECT_EQ(on_master.front(), (std::pair<std::string, json>{"read_only", {{"on", true}}}));
  EXPECT_EQ(on_master.back(), (std::pair<std::string, json>{"read_only", {{"on", false}}}));
  // Nothing else changed: the candidate was never detached, nobody re-pointed.
  for (const auto& [action, args] : acts(candidate)) EXPECT_NE(action, "detach");
  EXPECT_EQ(world.instance(candidate).slave_of, master);
  EXPECT_EQ(world.instance(other).slave_of, master);
  EXPECT_FALSE(world.instance(master).slave_of);
  // The failure stays on the operation; the candidate says what was undone.
  const db::Operation op = world.op(op_id);
  EXPECT_EQ(op.state, "FAILED");
  ASSERT_EQ(op.errors.size(), 1u);
  EXPECT_NE(op.errors[0].message.find("Duplicate entry"), std::string::npos);
  const db::Instance c = world.instance(candidate);
  EXPECT_EQ(c.task, "NONE");
  ASSERT_TRUE(c.fault);
  EXPECT_NE(c.fault->find("rolled back: " + master + " is the master again"), std::string::npos)
      << *c.fault;
}

// The master is read-only from the first call of freeze-source on; a GTID
// that cannot be read after it must not leave it so.
TEST_F(PromoteRollbackTest, AGtidUnreadAfterTheFreezeMakesTheOldMasterWritableAgain) {
  gtid_read_throws(common::internal_error("gtid_executed is unreadable"));
  EXPECT_EQ(promote(), Outcome::kFailed);
  expect_unfrozen_after_failing_with("gtid_executed is unreadable");
  const db::Instance c = world.instance(candidate);
  ASSERT_TRUE(c.fault);
  EXPECT_NE(c.fault->find("rolled back: " + master + " is the master again"), std::string::npos)
      << *c.fault;
}

// The same when the GTID read keeps timing out until the step's timeout.
TEST_F(PromoteRollbackTest, AFreezeThatTimesOutMakesTheOldMasterWritableAgain) {
  gtid_read_throws(common::unavailable("the server is shutting down"));
  EXPECT_EQ(promote(), Outcome::kFailed);
  expect_unfrozen_after_failing_with("the server is shutting down");
}

TEST_F(PromoteRollbackTest, FailureAfterTheCandidateRanAloneRepointsEveryoneBack) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    // repoint-others: the old master cannot follow the candidate.
    world.guests.guest(master).actions["follow_current"] = [](FakeGuest&, const json&) -> json {
      throw common::internal_error("CHANGE MASTER failed");
    };
  }
  EXPECT_EQ(promote(), Outcome::kFailed);

  // The candidate was detached (promote-candidate), then put back under the
  // old master; the other replica follows the old master too.
  const auto on_candidate = acts(candidate);
  ASSERT_FALSE(on_candidate.empty());
  EXPECT_EQ(on_candidate.back().first, "follow_current");
  EXPECT_EQ(on_candidate.back().second["source"]["address"], "10.0.0.1");
  EXPECT_EQ(acts(other).back().first, "follow_current");
  EXPECT_EQ(acts(other).back().second["source"]["address"], "10.0.0.1");
  const auto on_master = acts(master);
  EXPECT_EQ(on_master.back(), (std::pair<std::string, json>{"read_only", {{"on", false}}}));
  bool master_detached = false;
  for (const auto& [action, args] : on_master) master_detached |= action == "detach";
  EXPECT_TRUE(master_detached);
  EXPECT_EQ(world.instance(candidate).slave_of, master);
  EXPECT_FALSE(world.instance(master).slave_of);
}

TEST_F(PromoteRollbackTest, AnUnreachableMasterIsNamedInTheFault) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(candidate).actions["wait_caught_up"] = [this](FakeGuest&,
                                                                     const json&) -> json {
      world.guests.guest(master).reachable = false;  // the master died meanwhile
      throw common::internal_error("the replica stopped applying");
    };
  }
  EXPECT_EQ(promote(), Outcome::kFailed);
  const db::Instance c = world.instance(candidate);
  ASSERT_TRUE(c.fault);
  EXPECT_NE(c.fault->find("did not answer and need a look: " + master), std::string::npos)
      << *c.fault;
}

TEST_F(PromoteRollbackTest, ASuccessfulPromoteIsNotRolledBack) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(master).actions["follow_current"] = [](FakeGuest&, const json&) {
      return json::object();
    };
    world.guests.guest(candidate).actions["drop_replication_user"] = [](FakeGuest&, const json&) {
      return json::object();
    };
  }
  EXPECT_EQ(promote(), Outcome::kCompleted);
  EXPECT_EQ(world.instance(master).slave_of, candidate);
  EXPECT_FALSE(world.instance(candidate).slave_of);
  EXPECT_EQ(acts(master).front().second, (json{{"on", true}}));
  for (const auto& [action, args] : acts(master)) EXPECT_NE(args, (json{{"on", false}}));
}

// repoint-others over the old master, the candidate and two other replicas.
class RepointOthersTest : public PromoteRollbackTest {
 protected:
  void SetUp() override {
    PromoteRollbackTest::SetUp();
    third = add_instance("10.0.0.4", master);
    std::lock_guard<std::mutex> l(world.guests.mu);
    auto ok = [](FakeGuest&, const json&) { return json::object(); };
    world.guests.guest(master).actions["follow_current"] = ok;
    world.guests.guest(candidate).actions["drop_replication_user"] = ok;
    FakeGuest& g = world.guests.guest(third);
    g.actions = world.guests.guest(other).actions;  // a replica as the other
  }
  // The follow_current calls `id` got, each checked to name the candidate.
  size_t follows(const std::string& id) {
    size_t n = 0;
    for (const auto& [action, args] : acts(id)) {
      if (action != "follow_current") continue;
      EXPECT_EQ(args["source"]["address"], "10.0.0.2") << id;
      ++n;
    }
    return n;
  }
  std::set<std::string> repointed() {
    return world.op(op_id).checkpoint.value("repointed", std::set<std::string>{});
  }
  std::string third;
};

TEST_F(RepointOthersTest, EveryFollowerIsRepointedOnceAndRecordedInTheCheckpoint) {
  EXPECT_EQ(promote(), Outcome::kCompleted) << world.op(op_id).message;
  for (const auto& id : {master, other, third}) EXPECT_EQ(follows(id), 1u) << id;
  EXPECT_EQ(follows(candidate), 0u);
  EXPECT_EQ(repointed(), (std::set<std::string>{master, other, third}));
  EXPECT_EQ(world.op(op_id).checkpoint["repointed"][0], master) << "the old master first";
}

// A follower that does not answer is tried again; the followers already
// re-pointed are not.
TEST_F(RepointOthersTest, AFollowerTriedAgainLeavesTheOthersAlone) {
  int refusals = 3;
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(third).actions["follow_current"] = [&](FakeGuest&, const json&) -> json {
      if (refusals-- > 0) throw common::unavailable("MySQL is restarting");
      return json::object();
    };
  }
  EXPECT_EQ(promote(), Outcome::kCompleted) << world.op(op_id).message;
  EXPECT_EQ(follows(third), 4u);
  EXPECT_EQ(follows(master), 1u);
  EXPECT_EQ(follows(other), 1u);
  EXPECT_EQ(repointed(), (std::set<std::string>{master, other, third}));
}

TEST_F(RepointOthersTest, AResumedStepSkipsTheFollowersItsCheckpointLists) {
  start_promote();
  {
    // Taken over at repoint-others (step 3) after it re-pointed two.
    std::lock_guard<std::mutex> l(world.ops.mu);
    auto& op = world.ops.operations[op_id];
    op.step = 3;
    op.checkpoint = {
        {"old_master", master}, {"frozen_gtid", "0-1-42"}, {"repointed", {master, other}}};
  }
  EXPECT_EQ(run(), Outcome::kCompleted) << world.op(op_id).message;
  EXPECT_EQ(follows(master), 0u);
  EXPECT_EQ(follows(other), 0u);
  EXPECT_EQ(follows(third), 1u);
  EXPECT_EQ(repointed(), (std::set<std::string>{master, other, third}));
}

TEST_F(RepointOthersTest, AFollowerThatFailsFailsThePromoteNamingIt) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(third).actions["follow_current"] = [](FakeGuest&, const json&) -> json {
      throw common::internal_error("CHANGE MASTER failed: Access denied");
    };
  }
  EXPECT_EQ(promote(), Outcome::kFailed);
  const db::Operation op = world.op(op_id);
  ASSERT_EQ(op.errors.size(), 1u);
  EXPECT_EQ(op.errors[0].host, third);
  EXPECT_NE(op.errors[0].message.find("Access denied"), std::string::npos) << op.errors[0].message;
  EXPECT_EQ(repointed().count(master), 1u) << "the old master was re-pointed first";
  EXPECT_EQ(repointed().count(third), 0u);
}

}  // namespace
}  // namespace automat::testing
