// The MySQL workflows (datastores/mysql/workflow_mysql.cc) driven by the real
// OperationRunner against fake compute, guest and repositories.
#include <gtest/gtest.h>

#include <algorithm>

#include "automat/operations.pb.h"
#include "common/proto_json.h"
#include "datastores/workflow_registry.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationRunner;
using Outcome = OperationRunner::Outcome;

constexpr const char* kPassword = "Sup3rSecretPw";

nlohmann::json create_input() {
  return nlohmann::json::parse(R"({
    "databases": [{"name": "shop", "character_set": "utf8mb4"}, {"name": "logs"}],
    "users": [{"name": "app", "password": ")" +
                               std::string(kPassword) +
                               R"(", "databases": ["shop"]},
              {"name": "ro", "password": "other-pw", "host": "127.%", "databases": ["logs"]}]
  })");
}

class MysqlWorkflowTest : public ::testing::Test {
 protected:
  Outcome run(const std::string& op_id) {
    OperationRunner runner(world.services, datastores::workflow_factory,
                           timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto op = world.ops.claim(op_id, "tm-1", 30s);
    EXPECT_TRUE(op);
    return runner.run(*op);
  }
  // Plays the conductor: the guest's next heartbeat says `status`.
  void heartbeat_after_prepare(const std::string& instance_id, const std::string& status) {
    world.guests.guest(instance_id).on_prepare = [this, instance_id,
                                                  status](const proto::PrepareRequest&) {
      world.instances.set_service_status(instance_id, status);
    };
  }
  FakeGuest guest(const std::string& id) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    return world.guests.guest(id);
  }

  World world;
  FakeRunnerTiming timing;  // retries at once; the test moves the world in on_pause
};

TEST_F(MysqlWorkflowTest, CreateAllocatesPreparesAndEndsActive) {
  const auto op = world.create_instance(create_input());
  const std::string id = op.resource_id;
  heartbeat_after_prepare(id, "RUNNING");

  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;

  ASSERT_EQ(world.compute.creates.size(), 1u);
  const auto& spec = world.compute.creates[0];
  EXPECT_EQ(spec.instance_id, id);
  EXPECT_EQ(spec.manager, "mysql");
  EXPECT_EQ(spec.datastore_version, "10.11");
  EXPECT_EQ(spec.ram_mb, 512);
  const auto inst = world.instance(id);
  EXPECT_EQ(inst.address, world.compute.servers.at(id).server.address);
  EXPECT_EQ(inst.guest_port, world.compute.servers.at(id).server.guest_port)
      << "the API reaches the guest where the driver said it listens";
  EXPECT_EQ(inst.task, "NONE");
  EXPECT_FALSE(inst.fault);

  const FakeGuest g = guest(id);
  ASSERT_EQ(g.prepares.size(), 1u);
  const auto& req = g.prepares[0];
  ASSERT_EQ(req.databases_size(), 2);
  EXPECT_EQ(req.databases(0).name(), "shop");
  EXPECT_EQ(req.databases(0).character_set(), "utf8mb4");
  ASSERT_EQ(req.users_size(), 2);
  EXPECT_EQ(req.users(0).name(), "app");
  EXPECT_EQ(req.users(0).password(), kPassword);
  EXPECT_EQ(req.users(0).host(), "%");
  EXPECT_EQ(req.users(1).host(), "127.%");
  ASSERT_EQ(req.users(0).databases_size(), 1);
  EXPECT_EQ(req.users(0).databases(0), "shop");
  EXPECT_EQ(req.memory_mb(), 512);
  EXPECT_EQ(g.jobs.count(op.id + ":prepare:" + op.resource_id), 1u) << "prepared as a guest job";

  const auto done = world.op(op.id);
  EXPECT_EQ(done.state, "COMPLETED");
  EXPECT_EQ(done.input.dump().find(kPassword), std::string::npos) << done.input.dump();
  EXPECT_EQ(done.input.dump().find("other-pw"), std::string::npos);
  const auto stored = common::proto_json::decode<proto::InstanceCreateInput>(done.input, "input");
  EXPECT_EQ(stored.users(0).name(), "app") << "only passwords are removed";
  EXPECT_EQ(stored.users(1).databases(0), "logs");
  EXPECT_EQ(done.checkpoint, nlohmann::json({{"prepared", true}}));
}

// A stored input that does not fit its message fails the operation with a
// message naming the operation, the message type and the field, before
// anything is made; never a json type_error.
TEST_F(MysqlWorkflowTest, AnInputThatDoesNotParseFailsTheOperationClearly) {
  const auto op = world.create_instance({{"users", {{{"name", 7}}}}});
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  const auto failed = world.op(op.id);
  ASSERT_EQ(failed.errors.size(), 1u);
  const std::string& why = failed.errors[0].message;
  EXPECT_NE(why.find("the input of operation " + op.id + " (instance.create)"), std::string::npos)
      << why;
  EXPECT_NE(why.find("does not parse as automat.proto.InstanceCreateInput"), std::string::npos)
      << why;
  EXPECT_EQ(why.find("type_error"), std::string::npos) << why;
  EXPECT_FALSE(world.compute.find(op.resource_id)) << "no server was made";
  EXPECT_EQ(world.instance(op.resource_id).task, "BUILDING_ERROR");
}

// Every type has its declared pair of messages (check_records in
// taskmanager/operation_data.h): a delete takes no input, so a row that
// carries one is refused before the instance is touched.
TEST_F(MysqlWorkflowTest, ARecordThatIsNotItsTypesMessageFailsBeforeAnyStep) {
  const auto create = world.create_instance(create_input());
  heartbeat_after_prepare(create.resource_id, "RUNNING");
  ASSERT_EQ(run(create.id), Outcome::kCompleted);
  const auto del = world.delete_instance(create.resource_id);
  {
    std::lock_guard<std::mutex> l(world.ops.mu);
    world.ops.operations.at(del.id).checkpoint = {{"stopped", true}};
  }
  ASSERT_EQ(run(del.id), Outcome::kFailed);
  const std::string why = world.op(del.id).errors.at(0).message;
  EXPECT_NE(why.find("the checkpoint of operation " + del.id + " (instance.delete)"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("does not parse as automat.proto.Empty"), std::string::npos) << why;
  EXPECT_EQ(guest(create.resource_id).stops, 0) << "nothing was done";
  EXPECT_TRUE(world.compute.find(create.resource_id));
}

TEST_F(MysqlWorkflowTest, ATypeMysqlDoesNotServeIsNotImplemented) {
  db::Operation op = world.create_instance(create_input());
  op.type = "cluster.grow";
  try {
    datastores::workflow_factory("mysql")->steps_for(op);
    ADD_FAILURE() << "expected kNotImplemented";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotImplemented);
    EXPECT_STREQ(e.what(), "MySQL does not support operation 'cluster.grow'");
  }
}

TEST_F(MysqlWorkflowTest, WaitsForAGuestThatAnswersLate) {
  const auto op = world.create_instance(create_input());
  heartbeat_after_prepare(op.resource_id, "RUNNING");
  world.guests.guest(op.resource_id).unavailable_pings = 3;
  ASSERT_EQ(run(op.id), Outcome::kCompleted);
  EXPECT_EQ(guest(op.resource_id).pings, 4);
}

TEST_F(MysqlWorkflowTest, WaitsForTheConductorToRecordRunning) {
  const auto op = world.create_instance(create_input());
  // The heartbeat saying RUNNING comes a while after prepare.
  world.guests.guest(op.resource_id).on_prepare = [&](const proto::PrepareRequest&) {
    world.instances.set_service_status(op.resource_id, "BUILDING");
  };
  // The conductor records RUNNING 700 ms (of the runner's time) later.
  std::chrono::milliseconds building_for{0};
  timing.on_pause = [&](std::chrono::milliseconds d) {
    if (world.instance(op.resource_id).service_status != "BUILDING") return;
    building_for += d;
    if (building_for >= 700ms) world.instances.set_service_status(op.resource_id, "RUNNING");
  };
  const Outcome outcome = run(op.id);
  ASSERT_EQ(outcome, Outcome::kCompleted);
  EXPECT_GE(building_for, 700ms) << "ACTIVE before the conductor recorded RUNNING";
  EXPECT_EQ(world.instance(op.resource_id).task, "NONE");
}

// A prepare runs on the guest as a job: the step starts it once, then only
// looks at it between retries (the worker is free meanwhile), showing the
// guest's progress line, until the job ends.
TEST_F(MysqlWorkflowTest, PrepareIsAGuestJobStartedOnceAndFollowedUntilItEnds) {
  const auto op = world.create_instance(create_input());
  const std::string id = op.resource_id;
  const std::string key = op.id + ":prepare:" + id;
  world.guests.guest(id).prepare_runs = true;
  std::string shown;
  int looks = 0;
  timing.on_pause = [&](std::chrono::milliseconds) {
    const auto now = world.op(op.id);
    if (now.step_name != "prepare-datastore" || !shown.empty()) return;
    if (++looks < 4) return;
    shown = now.message;
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(id).jobs.at(key).set_state(proto::JobReply::SUCCEEDED);
    world.instances.set_service_status(id, "RUNNING");
  };
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  EXPECT_EQ(guest(id).prepares.size(), 1u) << "started once, then only looked at";
  EXPECT_EQ(shown, "preparing MariaDB (starting)");
  EXPECT_EQ(world.op(op.id).input.dump().find(kPassword), std::string::npos);
}

TEST_F(MysqlWorkflowTest, APrepareJobTheGuestLostIsStartedAgainUnderTheNextKey) {
  const auto op = world.create_instance(create_input());
  const std::string id = op.resource_id;
  heartbeat_after_prepare(id, "RUNNING");
  {
    // The guest restarted while the first prepare ran.
    proto::JobReply lost;
    lost.set_key(op.id + ":prepare:" + id);
    lost.set_kind("prepare");
    lost.set_state(proto::JobReply::LOST);
    world.guests.guest(id).jobs[lost.key()] = lost;
  }
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  const FakeGuest g = guest(id);
  EXPECT_EQ(g.prepares.size(), 1u);
  ASSERT_EQ(g.jobs.count(op.id + ":prepare:" + id + ".2"), 1u);
  EXPECT_EQ(g.jobs.at(op.id + ":prepare:" + id + ".2").state(), proto::JobReply::SUCCEEDED);
}

TEST_F(MysqlWorkflowTest, GuestPrepareErrorFailsTheCreateWithTheGuestsMessage) {
  const auto op = world.create_instance(create_input());
  world.guests.guest(op.resource_id).prepare_error = "mariadb-install-db exited with status 1";
  ASSERT_EQ(run(op.id), Outcome::kFailed);

  const auto failed = world.op(op.id);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_NE(failed.errors[0].message.find("mariadb-install-db exited"), std::string::npos);
  EXPECT_EQ(failed.errors[0].host, world.compute.servers.at(op.resource_id).server.address);
  EXPECT_EQ(failed.step_name, "prepare-datastore");
  const auto inst = world.instance(op.resource_id);
  EXPECT_EQ(inst.task, "BUILDING_ERROR");
  ASSERT_TRUE(inst.fault);
  EXPECT_NE(inst.fault->find("mariadb-install-db exited"), std::string::npos);
  EXPECT_EQ(inst.fault->find(kPassword), std::string::npos);
}

TEST_F(MysqlWorkflowTest, GuestReportingFailedFailsTheCreate) {
  const auto op = world.create_instance(create_input());
  heartbeat_after_prepare(op.resource_id, "FAILED");
  world.guests.guest(op.resource_id).status = "FAILED";
  world.guests.guest(op.resource_id).report.set_fault("mariadbd would not start");
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.step_name, "prepare-datastore") << "prepare answered FAILED already";
  EXPECT_NE(failed.errors.at(0).message.find("mariadbd would not start"), std::string::npos);
  EXPECT_EQ(world.instance(op.resource_id).task, "BUILDING_ERROR");
}

TEST_F(MysqlWorkflowTest, HeartbeatFailedAfterPrepareFailsWaitForRunning) {
  const auto op = world.create_instance(create_input());
  heartbeat_after_prepare(op.resource_id, "FAILED");
  // The guest's status answer says why, in its report's fault.
  world.guests.guest(op.resource_id).report.set_fault("ibdata1 is damaged");
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.step_name, "wait-for-running");
  EXPECT_NE(failed.errors.at(0).message.find("FAILED"), std::string::npos);
  EXPECT_NE(failed.errors.at(0).message.find("(ibdata1 is damaged)"), std::string::npos)
      << failed.errors.at(0).message;
}

TEST_F(MysqlWorkflowTest, AGuestThatExitedFailsFastWithAReason) {
  const auto op = world.create_instance(create_input());
  // The server exists (allocate-server done), but its guest agent died.
  world.compute.create({op.resource_id, "mysql", "10.11", "", 512, 1, 1, "rack1"});
  world.compute.set_guest_running(op.resource_id, false);
  ASSERT_TRUE(world.ops.claim(op.id, "tm-dead", 30s));
  ASSERT_TRUE(world.ops.save_progress(op.id, "tm-dead", 1, "wait-for-guest", 0.2, ""));
  world.ops.time->advance(31s);

  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "no 60 s wait for a dead guest";
  EXPECT_NE(world.op(op.id).errors.at(0).message.find("not running"), std::string::npos);
  EXPECT_EQ(world.instance(op.resource_id).task, "BUILDING_ERROR");
}

TEST_F(MysqlWorkflowTest, ResumedCreateDoesNotRedoFinishedSteps) {
  const auto op = world.create_instance(create_input());
  heartbeat_after_prepare(op.resource_id, "RUNNING");
  // A taskmanager allocated the server, then was killed.
  world.compute.create({op.resource_id, "mysql", "10.11", "", 512, 1, 1, "rack1"});
  world.compute.creates.clear();
  ASSERT_TRUE(world.ops.claim(op.id, "tm-dead", 30s));
  ASSERT_TRUE(world.ops.save_progress(op.id, "tm-dead", 2, "prepare-datastore", 0.4, ""));
  world.ops.time->advance(31s);

  ASSERT_EQ(run(op.id), Outcome::kCompleted);
  EXPECT_TRUE(world.compute.creates.empty()) << "allocate-server was not run again";
  EXPECT_EQ(guest(op.resource_id).pings, 0) << "wait-for-guest was not run again";
  EXPECT_EQ(guest(op.resource_id).prepares.size(), 1u);
}

TEST_F(MysqlWorkflowTest, PrepareIsNotRepeatedOnceItsPasswordsAreScrubbed) {
  // Killed after prepare scrubbed the passwords but before the cursor moved:
  // asking again would hand the guest users without passwords.
  const auto scrubbed = taskmanager::without_passwords(
      common::proto_json::decode<proto::InstanceCreateInput>(create_input(), "input"));
  const auto op = world.create_instance(common::proto_json::encode(scrubbed), {{"prepared", true}});
  world.instances.set_service_status(op.resource_id, "RUNNING");
  world.compute.create({op.resource_id, "mysql", "10.11", "", 512, 1, 1, "rack1"});
  ASSERT_TRUE(world.ops.claim(op.id, "tm-dead", 30s));
  ASSERT_TRUE(world.ops.save_progress(op.id, "tm-dead", 2, "prepare-datastore", 0.4, ""));
  world.ops.time->advance(31s);

  ASSERT_EQ(run(op.id), Outcome::kCompleted);
  EXPECT_TRUE(guest(op.resource_id).prepares.empty());
}

TEST_F(MysqlWorkflowTest, DeleteStopsDestroysAndMarksDeleted) {
  const auto create = world.create_instance(create_input());
  heartbeat_after_prepare(create.resource_id, "RUNNING");
  ASSERT_EQ(run(create.id), Outcome::kCompleted);
  const auto del = world.delete_instance(create.resource_id);

  ASSERT_EQ(run(del.id), Outcome::kCompleted);
  const FakeGuest g = guest(create.resource_id);
  EXPECT_EQ(g.stops, 1);
  const std::string key = del.id + ":stop:" + create.resource_id;
  EXPECT_EQ(g.stop_keys, std::vector<std::string>{key}) << "a job under the operation's key";
  EXPECT_EQ(g.jobs.at(key).kind(), "stop");
  EXPECT_EQ(world.compute.destroys, std::vector<std::string>{create.resource_id});
  EXPECT_FALSE(world.compute.find(create.resource_id));
  EXPECT_FALSE(world.instances.find_any(create.resource_id)) << "marked deleted";
  EXPECT_EQ(world.op(del.id).state, "COMPLETED");
}

// The stop runs as a guest job: the step answers a retry while it runs
// (the worker is free), looks at the job again without starting it twice,
// and destroys the server only once it ended.
TEST_F(MysqlWorkflowTest, DeleteFollowsTheStopJobWithoutHoldingTheWorker) {
  const auto create = world.create_instance(create_input());
  const std::string id = create.resource_id;
  heartbeat_after_prepare(id, "RUNNING");
  ASSERT_EQ(run(create.id), Outcome::kCompleted);
  world.guests.guest(id).stop_runs = true;
  const auto del = world.delete_instance(id);
  const std::string key = del.id + ":stop:" + id;
  std::vector<std::string> shown;
  size_t destroyed_while_stopping = 0;
  timing.on_pause = [&](std::chrono::milliseconds) {
    const auto now = world.op(del.id);
    if (now.step_name != "stop-datastore") return;
    shown.push_back(now.message);
    destroyed_while_stopping += world.compute.destroys.size();
    if (shown.size() < 3) return;
    std::lock_guard<std::mutex> l(world.guests.mu);
    world.guests.guest(id).jobs.at(key).set_state(proto::JobReply::SUCCEEDED);
  };

  ASSERT_EQ(run(del.id), Outcome::kCompleted) << world.op(del.id).message;
  ASSERT_EQ(shown.size(), 3u) << "a retry at each look while the job ran";
  EXPECT_EQ(shown[0], "stopping MariaDB (stopping the datastore)");
  EXPECT_EQ(destroyed_while_stopping, 0u) << "the server waits for its stop";
  EXPECT_EQ(guest(id).stops, 1) << "started once, then only looked at";
  const auto& journal = world.guests.journal;
  EXPECT_EQ(std::count(journal.begin(), journal.end(), "get_job " + id + " " + key), 3)
      << "looked at on each run after the one that started it";
  EXPECT_EQ(world.compute.destroys, std::vector<std::string>{id});
  EXPECT_FALSE(world.instances.find_any(id));
}

// A stop job that fails, that the guest lost (it restarted), or that runs
// past its own deadline of two minutes is only logged: the delete goes on.
TEST_F(MysqlWorkflowTest, DeleteGoesOnWhenTheStopFailsIsLostOrRunsTooLong) {
  for (const std::string how : {"failed", "lost", "overdue"}) {
    const auto create = world.create_instance(create_input());
    const std::string id = create.resource_id;
    heartbeat_after_prepare(id, "RUNNING");
    ASSERT_EQ(run(create.id), Outcome::kCompleted);
    if (how == "failed") world.guests.guest(id).stop_error = "mariadbd did not stop within 60 s";
    if (how != "failed") world.guests.guest(id).stop_runs = true;
    const auto del = world.delete_instance(id);
    const std::string key = del.id + ":stop:" + id;
    timing.on_pause = [&](std::chrono::milliseconds) {
      std::lock_guard<std::mutex> l(world.guests.mu);
      auto& jobs = world.guests.guest(id).jobs;
      if (!jobs.count(key)) return;
      if (how == "lost") jobs.at(key).set_state(proto::JobReply::LOST);
      if (how == "overdue") {
        const auto started = std::chrono::system_clock::now() - 121s;
        jobs.at(key).set_started_us(
            std::chrono::duration_cast<std::chrono::microseconds>(started.time_since_epoch())
                .count());
      }
    };

    ASSERT_EQ(run(del.id), Outcome::kCompleted) << how << ": " << world.op(del.id).message;
    timing.on_pause = nullptr;
    EXPECT_EQ(guest(id).stops, 1) << how << ": not started again";
    EXPECT_EQ(world.compute.destroys.back(), id) << how;
    EXPECT_FALSE(world.compute.find(id)) << how;
    EXPECT_FALSE(world.instances.find_any(id)) << how;
  }
}

TEST_F(MysqlWorkflowTest, DeleteGoesOnWhenTheGuestIsUnreachable) {
  const auto create = world.create_instance(create_input());
  heartbeat_after_prepare(create.resource_id, "RUNNING");
  ASSERT_EQ(run(create.id), Outcome::kCompleted);
  world.guests.guest(create.resource_id).reachable = false;
  const auto del = world.delete_instance(create.resource_id);

  ASSERT_EQ(run(del.id), Outcome::kCompleted);
  EXPECT_EQ(world.compute.destroys, std::vector<std::string>{create.resource_id});
  EXPECT_FALSE(world.instances.find_any(create.resource_id));
}

TEST_F(MysqlWorkflowTest, DeleteOfAnInstanceWithoutServerStillCompletes) {
  const auto create = world.create_instance(create_input());
  world.instances.set_task(create.resource_id, "BUILDING_ERROR");
  const auto del = world.delete_instance(create.resource_id);
  ASSERT_EQ(run(del.id), Outcome::kCompleted);
  EXPECT_EQ(guest(create.resource_id).stops, 0);
  EXPECT_FALSE(world.instances.find_any(create.resource_id));
}

TEST_F(MysqlWorkflowTest, FailedDeleteLeavesTheInstanceRetryable) {
  const auto create = world.create_instance();
  const auto del = world.delete_instance(create.resource_id);
  auto factory = datastores::workflow_factory("mysql");
  ASSERT_TRUE(factory);
  factory->on_failure(world.services, world.op(del.id), "could not stop 1 process(es)");
  const auto inst = world.instance(create.resource_id);
  EXPECT_EQ(inst.task, "NONE");
  EXPECT_EQ(inst.fault, "could not stop 1 process(es)");
}

TEST_F(MysqlWorkflowTest, UnsupportedOperationTypeIsNotImplemented) {
  auto factory = datastores::workflow_factory("mysql");
  db::Operation op;
  op.type = "instance.resize";
  try {
    factory->steps_for(op);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotImplemented);
  }
  EXPECT_EQ(datastores::workflow_factory("no-such-manager"), nullptr);
}

TEST(PrepareRequest, ReadsTheCreateInput) {
  const auto req = taskmanager::prepare_request_from(
      common::proto_json::decode<proto::InstanceCreateInput>(create_input(), "input"));
  ASSERT_EQ(req.users_size(), 2);
  EXPECT_EQ(req.users(1).name(), "ro");
  EXPECT_EQ(req.users(1).password(), "other-pw");
  EXPECT_EQ(req.users(1).databases(0), "logs");
  EXPECT_EQ(req.databases(1).collate(), "");
  EXPECT_EQ(req.users(0).host(), "%") << "a user without a host";
  EXPECT_EQ(req.users(1).host(), "127.%");
  EXPECT_EQ(taskmanager::prepare_request_from(proto::InstanceCreateInput()).users_size(), 0);
}

}  // namespace
}  // namespace automat::testing
