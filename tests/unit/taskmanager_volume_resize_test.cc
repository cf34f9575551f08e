// instance.resize_volume (taskmanager/volume_resize_steps.h) through MySQL's
// workflow, driven by the real OperationRunner against FakeComputeDriver.
#include <gtest/gtest.h>

#include "datastores/workflow_registry.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationRunner;
using Outcome = OperationRunner::Outcome;

class VolumeResizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto create = world.create_instance();
    id = create.resource_id;
    world.guests.guest(id).on_prepare = [this](const proto::PrepareRequest&) {
      world.instances.set_service_status(id, "RUNNING");
    };
    ASSERT_EQ(run(create.id), Outcome::kCompleted) << world.op(create.id).message;
    ASSERT_EQ(world.instance(id).volume_size_gb, 1);
  }
  Outcome run(const std::string& op_id) {
    OperationRunner runner(world.services, datastores::workflow_factory,
                           timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}), world.stop);
    auto op = world.ops.claim(op_id, "tm-1", 30s);
    EXPECT_TRUE(op);
    return runner.run(*op);
  }
  // An instance.resize_volume to `size_gb`, task RESIZE, as the API starts it.
  db::Operation start_resize(int size_gb) {
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = world.tenant_id;
    op.type = "instance.resize_volume";
    op.resource_type = "instance";
    op.resource_id = id;
    op.input = {{"size_gb", size_gb}};
    EXPECT_TRUE(world.instances.start_operation(id, "RESIZE", {"NONE"}, op));
    return op;
  }

  World world;
  FakeRunnerTiming timing;
  std::string id;
};

TEST_F(VolumeResizeTest, GrowsTheVolumeRecordsTheSizeAndEndsIdle) {
  const size_t guest_jobs = world.guests.guest(id).jobs.size();
  const auto op = start_resize(5);
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  EXPECT_EQ(world.compute.volume_resizes, (std::vector<std::pair<std::string, int>>{{id, 5}}));
  EXPECT_EQ(world.compute.servers.at(id).spec.volume_gb, 5);
  const auto inst = world.instance(id);
  EXPECT_EQ(inst.volume_size_gb, 5);
  EXPECT_EQ(inst.task, "NONE");
  EXPECT_FALSE(inst.fault);
  EXPECT_EQ(world.op(op.id).state, "COMPLETED");
  EXPECT_EQ(world.guests.guest(id).jobs.size(), guest_jobs) << "no guest job: the driver grows it";
}

TEST_F(VolumeResizeTest, AHostThatCannotGrowItFailsWithItsErrorAndKeepsTheSize) {
  world.compute.fail_resize_volume = "xfs_growfs: the host's disk is full";
  const auto op = start_resize(5);
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.state, "FAILED");
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, *world.instance(id).address);
  EXPECT_EQ(failed.errors[0].message, "xfs_growfs: the host's disk is full");
  const auto inst = world.instance(id);
  EXPECT_EQ(inst.volume_size_gb, 1) << "nothing grew";
  EXPECT_EQ(inst.task, "NONE") << "the instance is usable again";
  EXPECT_EQ(inst.service_status, "RUNNING");
  EXPECT_EQ(inst.fault, std::optional<std::string>("xfs_growfs: the host's disk is full"));
}

TEST_F(VolumeResizeTest, AResumedResizeCallsTheIdempotentDriverAgainAndFinishes) {
  const auto op = start_resize(5);
  // A taskmanager died after the driver grew the volume, before recording it.
  world.compute.resize_volume(id, 5);
  ASSERT_EQ(run(op.id), Outcome::kCompleted) << world.op(op.id).message;
  EXPECT_EQ(world.compute.volume_resizes.size(), 2u);
  EXPECT_EQ(world.instance(id).volume_size_gb, 5);
  EXPECT_EQ(world.instance(id).task, "NONE");
}

TEST_F(VolumeResizeTest, AnInputThatDoesNotParseFailsBeforeTheDriverIsCalled) {
  auto op = start_resize(5);
  {
    std::lock_guard<std::mutex> l(world.ops.mu);
    world.ops.operations[op.id].input = {{"size", "big"}};
  }
  ASSERT_EQ(run(op.id), Outcome::kFailed);
  const auto failed = world.op(op.id);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_NE(failed.errors[0].message.find("InstanceResizeVolumeInput"), std::string::npos)
      << failed.errors[0].message;
  EXPECT_TRUE(world.compute.volume_resizes.empty());
  EXPECT_EQ(world.instance(id).task, "NONE");
}

}  // namespace
}  // namespace automat::testing
