// instance.resize_flavor (taskmanager/flavor_resize_steps.h) through MySQL's
// workflow, driven by the real OperationRunner against FakeComputeDriver and
// FakeGuestClientFactory.
#include <gtest/gtest.h>

#include "datastores/workflow_registry.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationRunner;
using Outcome = OperationRunner::Outcome;

class FlavorResizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    world.catalog.upsert_flavor({"2", "m1.small", 2048, 2, 10});
    const auto create = world.create_instance();
    id = create.resource_id;
    world.guests.guest(id).on_prepare = [this](const proto::PrepareRequest&) {
      world.instances.set_service_status(id, "RUNNING");
    };
    ASSERT_EQ(run(create.id), Outcome::kCompleted) << world.op(create.id).message;
    ASSERT_EQ(world.compute.servers.at(id).spec.ram_mb, 512);
  }
  Outcome run(const std::string& op_id) {
    OperationRunner runner(world.services, datastores::workflow_factory,
                           timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto op = world.ops.claim(op_id, "tm-1", 30s);
    EXPECT_TRUE(op);
    return runner.run(*op);
  }
  // An instance.resize_flavor to flavor 2, task RESIZE, as the API starts it.
  db::Operation start_resize() {
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = world.tenant_id;
    op.type = "instance.resize_flavor";
    op.resource_type = "instance";
    op.resource_id = id;
    op.input = {{"flavor_id", "2"}, {"ram_mb", 2048}, {"old_flavor_id", "1"}};
    EXPECT_TRUE(world.instances.start_operation(id, "RESIZE", {"NONE"}, op));
    return op;
  }
  FakeGuest& guest() { return world.guests.guest(id); }

  World world;
  FakeRunnerTiming timing;
  std::string id;
};

TEST_F(FlavorResizeTest, TheServerAndTheDatastoreTakeTheNewRamAndTheFlavorIsRecorded) {
  const auto op = start_resize();
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  EXPECT_EQ(world.compute.servers.at(id).spec.ram_mb, 2048) << "guest.conf keeps the new RAM";
  EXPECT_EQ(guest().resizes, std::vector<int>{2048});
  EXPECT_TRUE(guest().jobs.count(op.id + ":resize:" + id)) << "the job under the operation's key";
  const auto inst = world.instance(id);
  EXPECT_EQ(inst.flavor_id, "2");
  EXPECT_EQ(inst.task, "NONE");
  EXPECT_FALSE(inst.fault);
  EXPECT_EQ(world.op(op.id).state, "COMPLETED");
}

TEST_F(FlavorResizeTest, TheGuestJobIsPolledWithoutStartingItAgain) {
  guest().resize_runs = true;
  const auto op = start_resize();
  const std::string key = op.id + ":resize:" + id;
  std::string shown;
  int looks = 0;
  timing.on_pause = [&](std::chrono::milliseconds) {
    const auto now = world.op(op.id);
    if (now.step_name != "restart-with-flavor" || !shown.empty()) return;
    if (++looks < 3) return;
    shown = now.message;
    std::lock_guard<std::mutex> l(world.guests.mu);
    guest().jobs.at(key).set_state(proto::JobReply::SUCCEEDED);
  };
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  EXPECT_EQ(guest().resizes.size(), 1u) << "started once, then only looked at";
  EXPECT_EQ(shown, "restarting MariaDB (restarting)");
  EXPECT_EQ(world.instance(id).flavor_id, "2");
}

TEST_F(FlavorResizeTest, AGuestThatCannotRestartWithItFailsAndKeepsTheOldFlavor) {
  guest().resize_error =
      "MariaDB did not start with the settings for 2048 MB (out of memory); it runs again with "
      "those for 512 MB";
  const auto op = start_resize();
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.state, "FAILED");
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, *world.instance(id).address);
  EXPECT_NE(failed.errors[0].message.find("could not take flavor '2'"), std::string::npos)
      << failed.errors[0].message;
  EXPECT_NE(failed.errors[0].message.find("out of memory"), std::string::npos);
  const auto inst = world.instance(id);
  EXPECT_EQ(inst.flavor_id, "1") << "the old flavor is kept";
  EXPECT_EQ(inst.task, "NONE") << "the instance is usable again";
  EXPECT_EQ(inst.service_status, "RUNNING");
  EXPECT_EQ(world.compute.servers.at(id).spec.ram_mb, 512) << "guest.conf has the old RAM again";
}

TEST_F(FlavorResizeTest, AnUnreachableGuestIsWaitedFor) {
  guest().reachable = false;
  const auto op = start_resize();
  timing.on_pause = [&](std::chrono::milliseconds) {
    std::lock_guard<std::mutex> l(world.guests.mu);
    guest().reachable = true;
  };
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  EXPECT_EQ(guest().resizes, std::vector<int>{2048});
  EXPECT_EQ(world.instance(id).flavor_id, "2");
}

}  // namespace
}  // namespace automat::testing
