// A replica create's seed (datastores/mysql/workflow_replication.cc,
// SeedReplicaStep) driven by the real OperationRunner against fake guests:
// the master's copy is taken for the replica as a job, handed to the
// replica's follow job, and let go of afterwards, also when the follow
// failed. While a job runs the step answers a retry (the worker is free);
// a lost copy is taken again, a lost follow fails unless the replica follows.
#include <gtest/gtest.h>

#include "datastores/workflow_registry.h"
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
    m.actions["take_seed_copy"] = [](FakeGuest&, const json&) { return kCopy; };
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

  // The create, advanced step by step as the service's workers do.
  std::unique_ptr<OperationRunner::Run> start() {
    runner = std::make_unique<OperationRunner>(
        world.services, datastores::workflow_factory,
        timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto claimed = world.ops.claim(create.id, "tm-1", 30s);
    EXPECT_TRUE(claimed);
    return runner->start(*claimed);
  }
  // Advances until the operation ends or waits in seed-replica (false).
  bool advance_to_seed(OperationRunner::Run& run) {
    for (int i = 0; i < 50; ++i) {
      if (run.advance()) return true;
      if (world.op(create.id).step_name == "seed-replica") return false;
    }
    ADD_FAILURE() << "the create never reached seed-replica";
    return true;
  }
  // Advances until the operation ends; its outcome.
  Outcome finish(OperationRunner::Run& run) {
    for (int i = 0; i < 50; ++i) {
      if (run.advance()) return run.outcome();
    }
    ADD_FAILURE() << "the create never ended: " << world.op(create.id).message;
    return Outcome::kAbandoned;
  }

  std::string copy_job() const { return create.id + ":seed-copy:" + replica; }
  std::string follow_job() const { return create.id + ":follow:" + replica; }
  // Makes the action's job RUNNING (with `message`) instead of ending at once.
  void runs(const std::string& id, const std::string& action, const std::string& message) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(id).actions[action] = [message](FakeGuest&, const json&) {
      return json{{"state", "RUNNING"}, {"message", message}};
    };
  }
  // Edits `id`'s job under `key` as its guest would.
  void set_job(const std::string& id, const std::string& key,
               const std::function<void(proto::JobReply&)>& edit) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    auto& jobs = world.guests.guest(id).jobs;
    ASSERT_TRUE(jobs.count(key)) << "no job " << key << " on " << id;
    edit(jobs[key]);
  }
  static std::string copy_result() {
    proto::mysql::Backup copy;
    copy.set_path(kCopy.at("path").get<std::string>());
    copy.set_gtid(kCopy.at("gtid").get<std::string>());
    copy.set_format(kCopy.at("format").get<std::string>());
    return copy.SerializeAsString();
  }
  void replica_reports(bool replicating, bool sql_running) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(replica).actions["replication_status"] = [replicating, sql_running](
                                                                    FakeGuest&, const json&) {
      return json{
          {"replicating", replicating}, {"io_running", replicating}, {"sql_running", sql_running}};
    };
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
  std::unique_ptr<OperationRunner> runner;
  std::string master, replica;
  db::Operation create;
};

TEST_F(ReplicaSeedWorkflowTest, TheReplicaHoldsTheMastersCopyUntilItFollowsThenLetsGo) {
  ASSERT_EQ(run(), Outcome::kCompleted) << world.op(create.id).message;

  const auto takes = calls(master, "take_seed_copy");
  ASSERT_EQ(takes.size(), 1u);
  EXPECT_EQ(takes[0].value("key", ""), copy_job()) << "the job's key: operation and replica";
  EXPECT_EQ(takes[0].at("copy").value("key", ""), "batch-1");
  EXPECT_EQ(takes[0].at("copy").value("holder", ""), replica);
  const auto follows = calls(replica, "follow");
  ASSERT_EQ(follows.size(), 1u);
  EXPECT_EQ(follows[0].value("key", ""), follow_job());
  EXPECT_EQ(follows[0].at("follow").at("backup"), kCopy)
      << "the job's copy reaches the follow whole, format included";
  EXPECT_EQ(follows[0].at("follow").at("source").value("password", ""), "repl-secret");
  const auto releases = calls(master, "release_backup");
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0].value("key", ""), "batch-1");
  EXPECT_EQ(releases[0].value("holder", ""), replica);
  const auto seq = names(master);
  EXPECT_LT(std::find(seq.begin(), seq.end(), "take_seed_copy"),
            std::find(seq.begin(), seq.end(), "release_backup"));
  EXPECT_EQ(world.instance(replica).task, "NONE");
}

TEST_F(ReplicaSeedWorkflowTest, AFailedFollowStillLetsGoOfTheCopy) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(replica).actions["follow"] = [](FakeGuest&, const json&) {
      return json{{"state", "FAILED"}, {"message", "mariadb-backup --copy-back failed: disk full"}};
    };
  }
  ASSERT_EQ(run(), Outcome::kFailed);
  const db::Operation op = world.op(create.id);
  EXPECT_NE(op.message.find("disk full"), std::string::npos) << op.message;
  ASSERT_EQ(op.errors.size(), 1u);
  EXPECT_EQ(op.errors[0].host, world.instance(replica).address.value_or(replica))
      << "the replica's host failed, not the master's";
  ASSERT_EQ(calls(master, "release_backup").size(), 1u);
  EXPECT_EQ(calls(master, "release_backup")[0].value("holder", ""), replica);
}

TEST_F(ReplicaSeedWorkflowTest, AFollowTheGuestRefusesStillLetsGoOfTheCopy) {
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(replica).actions["follow"] = [](FakeGuest&, const json&) -> json {
      throw common::bad_request("Follow takes a physical copy");
    };
  }
  ASSERT_EQ(run(), Outcome::kFailed);
  EXPECT_NE(world.op(create.id).message.find("physical copy"), std::string::npos)
      << world.op(create.id).message;
  ASSERT_EQ(calls(master, "release_backup").size(), 1u);
}

TEST_F(ReplicaSeedWorkflowTest, WhileEachJobRunsTheStepAnswersARetryAndFreesTheWorker) {
  runs(master, "take_seed_copy", "mariadb-backup --backup: 40 %");
  runs(replica, "follow", "mariadb-backup --copy-back");
  auto op = start();
  ASSERT_FALSE(advance_to_seed(*op));
  EXPECT_GT(op->retry_in(), 0ms) << "the worker goes back to the pool";
  EXPECT_EQ(world.op(create.id).message, "mariadb-backup --backup: 40 %");
  EXPECT_FALSE(op->advance()) << "still running: another retry";
  EXPECT_EQ(calls(master, "take_seed_copy").size(), 1u) << "a running job is not started again";
  EXPECT_TRUE(calls(replica, "follow").empty()) << "no follow before the copy";

  set_job(master, copy_job(), [](proto::JobReply& j) {
    j.set_state(proto::JobReply::SUCCEEDED);
    j.set_result(copy_result());
  });
  EXPECT_FALSE(op->advance()) << "the follow job runs now";
  EXPECT_EQ(world.op(create.id).step_name, "seed-replica");
  EXPECT_EQ(world.op(create.id).message, "mariadb-backup --copy-back");
  ASSERT_EQ(calls(replica, "follow").size(), 1u);
  EXPECT_EQ(calls(replica, "follow")[0].at("follow").at("backup"), kCopy);
  EXPECT_TRUE(calls(master, "release_backup").empty()) << "held while the follow runs";

  EXPECT_FALSE(op->advance());
  EXPECT_EQ(calls(master, "take_seed_copy").size(), 1u) << "the copy is in the checkpoint";
  EXPECT_EQ(calls(replica, "follow").size(), 1u);
  set_job(replica, follow_job(),
          [](proto::JobReply& j) { j.set_state(proto::JobReply::SUCCEEDED); });
  EXPECT_EQ(finish(*op), Outcome::kCompleted) << world.op(create.id).message;
  EXPECT_EQ(calls(master, "release_backup").size(), 1u);
  EXPECT_EQ(calls(master, "enable_source").size(), 2u)
      << "binary logging before the copy, the account's password as the follow starts";
}

TEST_F(ReplicaSeedWorkflowTest, ALostCopyIsTakenAgainUnderTheNextKey) {
  runs(master, "take_seed_copy", "mariadb-backup --backup");
  auto op = start();
  ASSERT_FALSE(advance_to_seed(*op));
  set_job(master, copy_job(), [](proto::JobReply& j) { j.set_state(proto::JobReply::LOST); });
  {
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(master).actions["take_seed_copy"] = [](FakeGuest&, const json&) {
      return kCopy;
    };
  }
  EXPECT_EQ(finish(*op), Outcome::kCompleted) << world.op(create.id).message;
  const auto takes = calls(master, "take_seed_copy");
  ASSERT_EQ(takes.size(), 2u);
  EXPECT_EQ(takes[1].value("key", ""), copy_job() + ".2");
  EXPECT_EQ(takes[1].at("copy").value("holder", ""), replica);
  ASSERT_EQ(calls(replica, "follow").size(), 1u);
  EXPECT_EQ(calls(replica, "follow")[0].at("follow").at("backup"), kCopy);
}

TEST_F(ReplicaSeedWorkflowTest, ALostFollowFailsWithTheReplicasHost) {
  runs(replica, "follow", "mariadb-backup --copy-back");
  replica_reports(false, false);
  auto op = start();
  ASSERT_FALSE(advance_to_seed(*op));
  set_job(replica, follow_job(), [](proto::JobReply& j) { j.set_state(proto::JobReply::LOST); });
  EXPECT_EQ(finish(*op), Outcome::kFailed);
  const db::Operation failed = world.op(create.id);
  EXPECT_NE(failed.message.find("restarted"), std::string::npos) << failed.message;
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, world.instance(replica).address.value_or(replica));
  EXPECT_EQ(calls(replica, "follow").size(), 1u) << "a lost follow is not started again";
  EXPECT_EQ(calls(master, "release_backup").size(), 1u);
}

TEST_F(ReplicaSeedWorkflowTest, ALostFollowOfAReplicaThatFollowsAlreadyCompletes) {
  runs(replica, "follow", "mariadb-backup --copy-back");
  auto op = start();
  ASSERT_FALSE(advance_to_seed(*op));
  set_job(replica, follow_job(), [](proto::JobReply& j) { j.set_state(proto::JobReply::LOST); });
  replica_reports(true, true);  // START SLAVE, the follow's last act, was done
  EXPECT_EQ(finish(*op), Outcome::kCompleted) << world.op(create.id).message;
  EXPECT_EQ(calls(replica, "follow").size(), 1u);
}

TEST_F(ReplicaSeedWorkflowTest, ACopyRunningPastItsDeadlineFails) {
  runs(master, "take_seed_copy", "mariadb-backup --prepare");
  auto op = start();
  ASSERT_FALSE(advance_to_seed(*op));
  const int64_t long_ago = std::chrono::duration_cast<std::chrono::microseconds>(
                               (std::chrono::system_clock::now() - 31min).time_since_epoch())
                               .count();
  set_job(master, copy_job(), [&](proto::JobReply& j) { j.set_started_us(long_ago); });
  EXPECT_EQ(finish(*op), Outcome::kFailed);
  EXPECT_NE(world.op(create.id).message.find("did not finish within 1800 s"), std::string::npos)
      << world.op(create.id).message;
  EXPECT_NE(world.op(create.id).message.find("mariadb-backup --prepare"), std::string::npos);
  EXPECT_TRUE(calls(replica, "follow").empty());
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
