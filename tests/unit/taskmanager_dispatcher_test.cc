// OperationDispatcher over a real WorkerPool and OperationRunner: an
// operation whose step waits (a node joining, a guest job running) parks
// between its retries, so a taskmanager with ONE worker still runs another
// tenant's operation to its end meanwhile (issue 11, section 2).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "taskmanager/operation_dispatcher.h"
#include "tests/fakes/manual_pool_time.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationDispatcher;
using taskmanager::StepContext;
using taskmanager::StepResult;

constexpr auto kPatience = 10s;

// Whether `pred` holds within kPatience (checked without sleeping).
template <typename Pred>
bool eventually(Pred pred) {
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest()
      : runner(
            world.services,
            [this](const std::string&) -> std::unique_ptr<taskmanager::WorkflowFactory> {
              return std::make_unique<ScriptedWorkflow>(script);
            },
            taskmanager::RunnerOptions{"tm-1", 30s}, world.stop),
        dispatcher(pool, world.ops, runner, "tm-1", 30s) {}
  ~DispatcherTest() override {
    world.stop.request();
    pool.join();
  }
  OperationDispatcher::Result start(const std::string& op_id, std::chrono::milliseconds wait) {
    auto ticket = pool.reserve(wait);
    if (!ticket) return OperationDispatcher::Result::kAlreadyHere;
    return dispatcher.start(std::move(*ticket), op_id);
  }
  std::string state(const std::string& op_id) { return world.op(op_id).state; }

  World world;
  Script script;
  taskmanager::OperationRunner runner;
  ManualPoolTime time;  // the pool's: a retry is due when a test says so
  taskmanager::WorkerPool pool{1, time.now()};
  OperationDispatcher dispatcher;
};

TEST_F(DispatcherTest, AWaitingOperationLeavesTheOnlyWorkerToAnother) {
  const auto grow = world.create_instance();
  const auto create = world.create_instance();
  std::atomic<bool> joined{false};
  std::atomic<int> looks{0};
  script.add("work", [&](StepContext& ctx) {
    if (ctx.operation.id != grow.id || joined) return StepResult::next();
    ++looks;
    return StepResult::retry(100ms, "node 2 joining");
  });

  ASSERT_EQ(start(grow.id, 0ms), OperationDispatcher::Result::kStarted);
  ASSERT_TRUE(eventually([&] { return pool.parked() == 1; }));

  // The only worker is free while the grow waits: the create runs to its end.
  ASSERT_EQ(start(create.id, kPatience), OperationDispatcher::Result::kStarted)
      << "the waiting operation still holds the worker";
  ASSERT_TRUE(eventually([&] { return state(create.id) == "COMPLETED"; }));
  EXPECT_EQ(state(grow.id), "RUNNING");
  EXPECT_EQ(world.op(grow.id).message, "node 2 joining");
  EXPECT_EQ(world.op(grow.id).owner, std::optional<std::string>("tm-1"))
      << "a parked operation keeps its lease";

  // The grow goes on from its retries once the node joined.
  const int seen = looks;
  EXPECT_EQ(pool.parked(), 1u) << "not due before its 100 ms";
  time.advance(pool, 100ms);
  ASSERT_TRUE(eventually([&] { return looks > seen; })) << "the parked grow was looked at again";
  joined = true;
  ASSERT_TRUE(eventually([&] {
    time.advance(pool, 100ms);
    return state(grow.id) == "COMPLETED";
  }));
  EXPECT_TRUE(pool.wait_idle(kPatience));
  EXPECT_EQ(pool.parked(), 0u);
}

TEST_F(DispatcherTest, AParkedOperationIsNotStartedTwice) {
  const auto grow = world.create_instance();
  script.add("work", [](StepContext&) { return StepResult::retry(1h, "waiting"); });
  ASSERT_EQ(start(grow.id, 0ms), OperationDispatcher::Result::kStarted);
  ASSERT_TRUE(eventually([&] { return pool.parked() == 1; }));
  // A redelivered task message or the resume scan names it again.
  EXPECT_EQ(start(grow.id, 0ms), OperationDispatcher::Result::kAlreadyHere);
  EXPECT_EQ(script.runs().size(), 1u);
}

TEST_F(DispatcherTest, AStoppingPoolLetsParkedOperationsGoAtOnce) {
  const auto grow = world.create_instance();
  script.add("work", [](StepContext&) { return StepResult::retry(1h, "waiting an hour"); });
  ASSERT_EQ(start(grow.id, 0ms), OperationDispatcher::Result::kStarted);
  ASSERT_TRUE(eventually([&] { return pool.parked() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  world.stop.request();
  pool.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "waited out the retry";
  EXPECT_EQ(state(grow.id), "RUNNING") << "abandoned, resumable from its cursor";
  EXPECT_EQ(script.runs().size(), 1u);
}

}  // namespace
}  // namespace automat::testing
