// A replica create's seed (datastores/mysql/workflow_replication.cc,
// SeedReplicaStep) driven by the real OperationRunner against fake guests:
// the master's copy is taken for the replica, handed to its Follow, and let
// go of afterwards, also when Follow failed.
#include <gtest/gtest.h>

#include "datastores/registry.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using taskmanager::OperationRunner;
using Outcome = OperationRunner::Outcome;

const json kCopy = {
    {"path", "/state/master/backups/batch-1/copy"}, {"gtid", "0-1-42"}, {"format", "physical"}};

class ReplicaSeedWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const db::Operation made = world.create_instance();
    master = made.resource_id;
    world.instances.set_task(master, "NONE");
    world.instances.set_address(master, "10.0.0.1", 8780);
    world.instances.set_service_status(master, "RUNNING");
    compute::ServerSpec spec;
    spec.instance_id = master;
    world.compute.create(spec);

    create = world.create_instance({{"replica_of", master}, {"backup_key", "batch-1"}});
    replica = create.resource_id;
    world.guests.guest(replica).on_prepare = [this](const proto::PrepareRequest&) {
      world.instances.set_service_status(replica, "RUNNING");
    };
    std::lock_guard<std::mutex> l(world.guests.mu);
    auto ok = [](FakeGuest&, const json&) { return json::object(); };
    FakeGuest& m = world.guests.guest(master);
    m.actions["enable_source"] = [](FakeGuest&, const json& args) {
      return json{{"user", args.at("user")}, {"password", "repl-secret"}};
    };
    m.actions["take_backup"] = [](FakeGuest&, const json&) { return kCopy; };
    m.actions["release_backup"] = ok;
    m.actions["current_gtid"] = [](FakeGuest&, const json&) { return json{{"gtid", "0-1-42"}}; };
    FakeGuest& r = world.guests.guest(replica);
    r.actions["follow"] = ok;
    r.actions["replication_status"] = [](FakeGuest&, const json&) {
      return json{{"replicating", true}, {"io_running", true}, {"sql_running", true}};
    };
    r.actions["wait_caught_up"] = [](FakeGuest&, const json&) { return json{{"caught_up", true}}; };
  }

  Outcome run() {
    OperationRunner runner(world.services, datastores::workflow_factory,
                           timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto claimed = world.ops.claim(create.id, "tm-1", 30s);
    EXPECT_TRUE(claimed);
    return runner.run(*claimed);
  }

  // The calls `id`'s guest got, named `action`.
  std::vector<json> calls(const std::string& id, const std::string& action) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    std::vector<json> out;
    for (const auto& [name, args] : world.guests.guest(id).acts) {
      if (name == action) out.push_back(args);
    }
    return out;
  }
  std::vector<std::string> names(const std::string& id) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    std::vector<std::string> out;
    for (const auto& act : world.guests.guest(id).acts) out.push_back(act.first);
    return out;
  }

  World world;
  FakeRunnerTiming timing;
  std::string master, replica;
  db::Operation create;
};

TEST_F(ReplicaSeedWorkflowTest, TheReplicaHoldsTheMastersCopyUntilItFollowsThenLetsGo) {
  ASSERT_EQ(run(), Outcome::kCompleted) << world.op(create.id).message;

  const auto takes = calls(master, "take_backup");
  ASSERT_EQ(takes.size(), 1u);
  EXPECT_EQ(takes[0].value("key", ""), "batch-1");
  EXPECT_EQ(takes[0].value("holder", ""), replica);
  const auto follows = calls(replica, "follow");
  ASSERT_EQ(follows.size(), 1u);
  EXPECT_EQ(follows[0].at("backup"), kCopy) << "the copy reaches Follow whole, format included";
  const auto releases = calls(master, "release_backup");
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0].value("key", ""), "batch-1");
  EXPECT_EQ(releases[0].value("holder", ""), replica);
  const auto seq = names(master);
  EXPECT_LT(std::find(seq.begin(), seq.end(), "take_backup"),
            std::find(seq.begin(), seq.end(), "release_backup"));
  EXPECT_EQ(world.instance(replica).task, "NONE");
}

TEST_F(ReplicaSeedWorkflowTest, AFailedFollowStillLetsGoOfTheCopy) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(replica).actions["follow"] = [](FakeGuest&, const json&) -> json {
      throw common::internal_error("mariadb-backup --copy-back failed: disk full");
    };
  }
  ASSERT_EQ(run(), Outcome::kFailed);
  EXPECT_NE(world.op(create.id).message.find("disk full"), std::string::npos)
      << world.op(create.id).message;
  ASSERT_EQ(calls(master, "release_backup").size(), 1u);
  EXPECT_EQ(calls(master, "release_backup")[0].value("holder", ""), replica);
}

// The guest may have taken a Follow that timed out (it installs the copy):
// it is not sent again; the operator retries the operation.
TEST_F(ReplicaSeedWorkflowTest, AFollowThatTimedOutIsNotSentAgain) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(replica).actions["follow"] = [](FakeGuest&, const json&) -> json {
      throw common::timed_out("copying back takes longer");
    };
  }
  ASSERT_EQ(run(), Outcome::kFailed);
  EXPECT_EQ(calls(replica, "follow").size(), 1u) << "a Follow is never sent twice";
  const db::Operation op = world.op(create.id);
  ASSERT_EQ(op.errors.size(), 1u);
  EXPECT_EQ(op.errors[0].host, "10.0.0.1");
  EXPECT_NE(op.errors[0].message.find("timed out"), std::string::npos) << op.errors[0].message;
  EXPECT_NE(op.errors[0].message.find("Follow"), std::string::npos) << op.errors[0].message;
  EXPECT_NE(op.errors[0].message.find("retry the operation"), std::string::npos)
      << op.errors[0].message;
  EXPECT_EQ(calls(master, "release_backup").size(), 1u);
}

// A read that timed out is asked again.
TEST_F(ReplicaSeedWorkflowTest, AStatusReadThatTimedOutIsAskedAgain) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(replica).actions["replication_status"] = [](FakeGuest& g,
                                                                   const json&) -> json {
      int looks = 0;
      for (const auto& act : g.acts) looks += act.first == "replication_status";
      if (looks == 1) throw common::timed_out("busy");
      return json{{"replicating", true}, {"io_running", true}, {"sql_running", true}};
    };
  }
  ASSERT_EQ(run(), Outcome::kCompleted) << world.op(create.id).message;
  EXPECT_EQ(calls(replica, "replication_status").size(), 2u);
}

TEST_F(ReplicaSeedWorkflowTest, AMasterThatCannotReleaseDoesNotFailTheSeed) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(master).actions["release_backup"] = [](FakeGuest&, const json&) -> json {
      throw common::internal_error("cannot remove the copy");
    };
  }
  ASSERT_EQ(run(), Outcome::kCompleted) << world.op(create.id).message;
  EXPECT_EQ(calls(replica, "follow").size(), 1u);
}

}  // namespace
}  // namespace automat::testing
