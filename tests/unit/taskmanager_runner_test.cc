// OperationRunner: cursor persisted after every step, retries bounded by the
// step's timeout, resume from a saved cursor, stop on a lost lease.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "taskmanager/operation_data.h"
#include "tests/fakes/fake_runner_timing.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationRunner;
using taskmanager::StepContext;
using taskmanager::StepResult;
using Outcome = OperationRunner::Outcome;

constexpr const char* kOwner = "tm-1";

class RunnerTest : public ::testing::Test {
 protected:
  OperationRunner make_runner(std::chrono::seconds lease = 30s, std::string owner = kOwner) {
    return OperationRunner(
        world.services,
        [this](const std::string& manager) -> std::unique_ptr<taskmanager::WorkflowFactory> {
          if (manager != "mysql") return nullptr;
          return std::make_unique<ScriptedWorkflow>(script);
        },
        options(std::move(owner), lease), world.stop);
  }
  taskmanager::RunnerOptions options(std::string owner, std::chrono::seconds lease) {
    if (fake_time) return timing.apply(taskmanager::RunnerOptions{std::move(owner), lease});
    taskmanager::RunnerOptions real{std::move(owner), lease};
    real.lease_timer = &timing.lease;  // the runner's own time is real; the lease's is not
    return real;
  }
  // Moves the lease keepers' time and the repository's together, one
  // renewal interval of a 1 s lease at a time.
  void lease_time_passes(std::chrono::milliseconds total) {
    timing.lease.await_waiters(1);  // the operation's keeper runs
    for (std::chrono::milliseconds done{0}; done < total; done += 200ms) {
      {
        std::lock_guard<std::mutex> l(world.ops.mu);
        world.ops.time->advance(200ms);
      }
      timing.lease.advance(200ms);
    }
  }
  db::Operation claimed(const std::string& id, std::chrono::seconds lease = 30s) {
    auto op = world.ops.claim(id, kOwner, lease);
    EXPECT_TRUE(op);
    return *op;
  }
  // A step that records the cursor the database holds while it runs.
  std::function<StepResult(StepContext&)> record_cursor(std::vector<int>& seen) {
    return [this, &seen](StepContext& ctx) {
      seen.push_back(world.op(ctx.operation.id).step);
      return StepResult::next();
    };
  }

  World world;
  Script script;
  // Set by a test that runs in fake time (fake_runner_timing.h).
  bool fake_time = false;
  FakeRunnerTiming timing;
};

TEST_F(RunnerTest, SavesTheCursorAfterEveryStepAndCompletes) {
  std::vector<int> cursor_seen;
  for (const char* name : {"a", "b", "c", "d"}) script.add(name, record_cursor(cursor_seen));
  const auto op = world.create_instance();

  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kCompleted);

  EXPECT_EQ(script.runs(), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(cursor_seen, (std::vector<int>{0, 1, 2, 3})) << "cursor saved before each next step";
  const auto done = world.op(op.id);
  EXPECT_EQ(done.state, "COMPLETED");
  EXPECT_EQ(done.step, 4);
  EXPECT_DOUBLE_EQ(done.progress, 1.0);
  EXPECT_FALSE(done.owner);
  EXPECT_TRUE(done.errors.empty());
}

TEST_F(RunnerTest, ProgressAndMessageDescribeTheNextStep) {
  std::vector<db::Operation> during;
  script.add("first", [&](StepContext& ctx) {
    during.push_back(world.op(ctx.operation.id));
    return StepResult::next();
  });
  script.add("second", [&](StepContext& ctx) {
    during.push_back(world.op(ctx.operation.id));
    return StepResult::next();
  });
  const auto op = world.create_instance();
  ASSERT_EQ(make_runner().run(claimed(op.id)), Outcome::kCompleted);
  ASSERT_EQ(during.size(), 2u);
  EXPECT_EQ(during[0].step_name, "first");
  EXPECT_EQ(during[0].message, "doing first");
  EXPECT_DOUBLE_EQ(during[0].progress, 0.0);
  EXPECT_EQ(during[1].step_name, "second");
  EXPECT_EQ(during[1].message, "doing second");
  EXPECT_DOUBLE_EQ(during[1].progress, 0.5);
}

TEST_F(RunnerTest, RetriesAndShowsWhatItWaitsFor) {
  int calls = 0;
  std::string message_seen;
  script.add("wait", [&](StepContext& ctx) {
    if (++calls == 2) message_seen = world.op(ctx.operation.id).message;
    if (calls < 3)
      return StepResult::retry(10ms, "waiting for the thing (" + std::to_string(calls) + ")");
    return StepResult::next();
  });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kCompleted);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(message_seen, "waiting for the thing (1)");
}

TEST_F(RunnerTest, RetryPastTheStepTimeoutFailsWithTheLastMessage) {
  // An hour of retries every 5 s, in the runner's (fake) time: no sleeping.
  fake_time = true;
  int calls = 0;
  script.add(
      "wait",
      [&](StepContext&) {
        ++calls;
        return StepResult::retry(5s, "waiting for the guest, try " + std::to_string(calls));
      },
      std::chrono::hours(1));
  script.add("never", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();

  const auto started = timing.now;
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kFailed);
  EXPECT_EQ(timing.now - started, std::chrono::hours(1));
  EXPECT_EQ(calls, 721) << "one look at 0 s and one after each 5 s pause";

  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.state, "FAILED");
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, op.resource_id);
  EXPECT_NE(failed.errors[0].message.find("timed out"), std::string::npos);
  EXPECT_NE(failed.errors[0].message.find("try " + std::to_string(calls)), std::string::npos)
      << failed.errors[0].message;
  EXPECT_GT(calls, 2);
  EXPECT_EQ(script.runs().back(), "wait") << "the step after never ran";
  ASSERT_EQ(script.failures.size(), 1u);
  EXPECT_EQ(world.instance(op.resource_id).task, "BUILDING_ERROR");
  EXPECT_EQ(world.instance(op.resource_id).fault, failed.errors[0].message);
}

TEST_F(RunnerTest, FailedStepRecordsHostAndReasonAndRunsOnFailure) {
  script.add("ok", [](StepContext&) { return StepResult::next(); });
  script.add("boom", [](StepContext&) { return StepResult::failed("127.10.0.9", "disk full"); });
  script.add("after", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kFailed);
  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.state, "FAILED");
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].host, "127.10.0.9");
  EXPECT_EQ(failed.errors[0].message, "disk full");
  EXPECT_EQ(failed.step, 1) << "the cursor stays on the failed step";
  EXPECT_EQ(script.runs(), (std::vector<std::string>{"ok", "boom"}));
  EXPECT_EQ(script.failures, (std::vector<std::string>{"disk full"}));
}

TEST_F(RunnerTest, AnExceptionInAStepFailsTheOperation) {
  script.add("throws",
             [](StepContext&) -> StepResult { throw common::internal_error("compute said no"); });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kFailed);
  const auto failed = world.op(op.id);
  EXPECT_EQ(failed.state, "FAILED");
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].message, "compute said no");
  EXPECT_EQ(world.instance(op.resource_id).fault, "compute said no");
}

TEST_F(RunnerTest, ResumesFromTheSavedCursorRunningOnlyTheRemainingSteps) {
  for (const char* name : {"a", "b", "c", "d"}) {
    script.add(name, [](StepContext&) { return StepResult::next(); });
  }
  const auto op = world.create_instance();
  // A previous owner did a and b, then died.
  ASSERT_TRUE(world.ops.claim(op.id, "tm-dead", 30s));
  ASSERT_TRUE(world.ops.save_progress(op.id, "tm-dead", 2, "c", 0.5, "doing c"));
  world.ops.time->advance(31s);

  auto resumed = world.ops.claim(op.id, kOwner, 30s);
  ASSERT_TRUE(resumed) << "the lapsed lease lets a new owner in";
  EXPECT_EQ(make_runner().run(*resumed), Outcome::kCompleted);
  EXPECT_EQ(script.runs(), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(world.op(op.id).state, "COMPLETED");
}

TEST_F(RunnerTest, StopsAtOnceWhenItLosesTheLease) {
  script.add("a", [](StepContext&) { return StepResult::next(); });
  script.add("taken-over", [&](StepContext& ctx) {
    // Another taskmanager takes over while this step runs.
    std::lock_guard<std::mutex> l(world.ops.mu);
    world.ops.operations[ctx.operation.id].owner = "tm-2";
    return StepResult::next();
  });
  script.add("c", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();

  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kLeaseLost);
  EXPECT_EQ(script.runs(), (std::vector<std::string>{"a", "taken-over"}));
  const auto now = world.op(op.id);
  EXPECT_EQ(now.state, "RUNNING") << "the new owner's operation is left alone";
  EXPECT_EQ(now.owner, "tm-2");
  EXPECT_EQ(now.step, 1) << "the lost owner wrote no cursor";
  EXPECT_TRUE(script.failures.empty());
}

TEST_F(RunnerTest, AStaleOwnerCannotWriteItsCheckpointAndStopsThere) {
  script.add("records", [&](StepContext& ctx) {
    proto::InstanceCreateCheckpoint done;
    done.set_prepared(true);
    taskmanager::save_checkpoint(ctx, done);  // still ours: written
    {
      std::lock_guard<std::mutex> l(world.ops.mu);
      world.ops.operations[ctx.operation.id].owner = "tm-2";
    }
    ctx.operation.input = {{"users", nlohmann::json::array()}};
    taskmanager::save_checkpoint(ctx, proto::InstanceCreateCheckpoint());  // taken over: refused
    ADD_FAILURE() << "save_checkpoint returned after the lease was lost";
    return StepResult::next();
  });
  script.add("after", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();

  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kLeaseLost);
  EXPECT_EQ(script.runs(), (std::vector<std::string>{"records"}));
  const auto now = world.op(op.id);
  EXPECT_EQ(now.checkpoint, nlohmann::json({{"prepared", true}}));
  EXPECT_EQ(now.input, nlohmann::json::object()) << "the new owner's record is left alone";
  EXPECT_EQ(now.state, "RUNNING");
  EXPECT_EQ(now.step, 0) << "the lost owner wrote no cursor";
  EXPECT_TRUE(script.failures.empty());
}

TEST_F(RunnerTest, AStaleOwnerDoesNotFailTheOperationNorTouchTheInstance) {
  script.add("boom", [&](StepContext& ctx) {
    std::lock_guard<std::mutex> l(world.ops.mu);
    world.ops.operations[ctx.operation.id].owner = "tm-2";
    return StepResult::failed("", "lost in the middle");
  });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kLeaseLost);
  EXPECT_TRUE(script.failures.empty()) << "on_failure belongs to the new owner";
  EXPECT_EQ(world.instance(op.resource_id).task, "BUILDING");
  EXPECT_FALSE(world.instance(op.resource_id).fault);
  EXPECT_EQ(world.op(op.id).state, "RUNNING");
}

TEST_F(RunnerTest, AStaleOwnerWithAFinishedCursorDoesNotComplete) {
  script.add("a", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  auto mine = claimed(op.id);
  mine.step = 1;  // all done, as far as this stale copy knows
  {
    std::lock_guard<std::mutex> l(world.ops.mu);
    world.ops.operations[op.id].owner = "tm-2";
  }
  EXPECT_EQ(make_runner().run(mine), Outcome::kLeaseLost);
  EXPECT_EQ(world.op(op.id).state, "RUNNING");
}

TEST_F(RunnerTest, RenewsTheLeaseWhileALongStepRuns) {
  bool other_could_claim = true;
  script.add("slow", [&](StepContext& ctx) {
    lease_time_passes(2600ms);  // longer than the 1 s lease
    other_could_claim = world.ops.claim(ctx.operation.id, "tm-2", 30s).has_value();
    return StepResult::next();
  });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner(1s).run(claimed(op.id, 1s)), Outcome::kCompleted);
  EXPECT_FALSE(other_could_claim) << "the keeper renewed the lease";
}

TEST_F(RunnerTest, StopRequestAbandonsAndReleasesTheLease) {
  script.add("wait", [&](StepContext&) {
    world.stop.request();
    return StepResult::retry(10s, "waiting forever");
  });
  script.add("never", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kAbandoned);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "the retry wait was cut short";
  EXPECT_EQ(world.op(op.id).state, "RUNNING");
  // The zero-length lease lapses as soon as the clock moves on.
  std::vector<std::string> resumable;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (resumable.empty() && std::chrono::steady_clock::now() < deadline) {
    resumable = world.ops.list_resumable(10s, 10);
  }
  EXPECT_EQ(resumable, std::vector<std::string>{op.id}) << "another owner may resume it now";
}

// The service's workers never wait out a retry: advance() returns to the
// caller (the WorkerPool parks the operation) with the step's own wait, and
// the next advance() goes on from the same step, under the same lease.
TEST_F(RunnerTest, ARetryReturnsToTheCallerWithTheStepsWait) {
  int calls = 0;
  script.add("join", [&](StepContext&) {
    if (++calls < 3)
      return StepResult::retry(2500ms, "node 2 joining (" + std::to_string(calls) + ")");
    return StepResult::next();
  });
  script.add("after", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  auto runner = make_runner();
  auto run = runner.start(claimed(op.id));

  EXPECT_FALSE(run->advance());
  EXPECT_EQ(run->retry_in(), 2500ms);
  auto between = world.op(op.id);
  EXPECT_EQ(between.state, "RUNNING");
  EXPECT_EQ(between.owner, std::optional<std::string>(kOwner))
      << "the lease stays held while parked";
  EXPECT_EQ(between.step_name, "join");
  EXPECT_EQ(between.message, "node 2 joining (1)");
  EXPECT_FALSE(run->advance());
  EXPECT_EQ(world.op(op.id).message, "node 2 joining (2)");
  EXPECT_TRUE(run->advance());
  EXPECT_EQ(run->outcome(), Outcome::kCompleted);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(script.runs(), (std::vector<std::string>{"join", "join", "join", "after"}));
  EXPECT_EQ(world.op(op.id).state, "COMPLETED");
  EXPECT_TRUE(run->advance()) << "an ended run stays ended";
}

TEST_F(RunnerTest, AStopWhileParkedAbandonsOnTheNextAdvance) {
  script.add("wait", [](StepContext&) { return StepResult::retry(1s, "waiting"); });
  const auto op = world.create_instance();
  auto runner = make_runner();
  auto run = runner.start(claimed(op.id));
  ASSERT_FALSE(run->advance());
  world.stop.request();
  EXPECT_TRUE(run->advance());
  EXPECT_EQ(run->outcome(), Outcome::kAbandoned);
  EXPECT_EQ(script.runs(), std::vector<std::string>{"wait"}) << "no step ran after the stop";
  EXPECT_EQ(world.op(op.id).state, "RUNNING") << "resumable from its cursor";
}

TEST_F(RunnerTest, UnknownDatastoreManagerFailsWithAReason) {
  World other("cassandra-not-registered");
  OperationRunner runner(
      other.services, [](const std::string&) { return nullptr; },
      taskmanager::RunnerOptions{kOwner, 30s}, other.stop);
  const auto op = other.create_instance();
  auto c = other.ops.claim(op.id, kOwner, 30s);
  EXPECT_EQ(runner.run(*c), Outcome::kFailed);
  const auto failed = other.op(op.id);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_NE(failed.errors[0].message.find("cassandra-not-registered"), std::string::npos);
  EXPECT_EQ(other.instance(op.resource_id).task, "BUILDING_ERROR");
}

TEST_F(RunnerTest, DeleteOfAnAlreadyDeletedInstanceCompletes) {
  script.add("never", [](StepContext&) { return StepResult::next(); });
  const auto create = world.create_instance();
  const auto del = world.delete_instance(create.resource_id);
  world.instances.mark_deleted(create.resource_id);
  EXPECT_EQ(make_runner().run(claimed(del.id)), Outcome::kCompleted);
  EXPECT_TRUE(script.runs().empty());
  EXPECT_EQ(world.op(del.id).state, "COMPLETED");
}

TEST_F(RunnerTest, DatabaseOutageAbandonsWithoutFinishing) {
  script.add("a", [&](StepContext&) {
    world.ops.unavailable = true;  // the cursor cannot be saved
    return StepResult::next();
  });
  script.add("b", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kAbandoned);
  world.ops.unavailable = false;
  EXPECT_EQ(world.op(op.id).state, "RUNNING") << "it resumes later from its cursor";
  EXPECT_EQ(world.op(op.id).step, 0);
  EXPECT_EQ(script.runs(), std::vector<std::string>{"a"});
}

TEST_F(RunnerTest, ADatabaseOutageInsideAStepAbandonsInsteadOfFailing) {
  script.add("a", [&](StepContext& ctx) -> StepResult {
    // e.g. a repository call of the step while PostgreSQL restarts
    world.instances.unavailable = true;
    ctx.services.instances->find_any(ctx.operation.resource_id);
    return StepResult::next();
  });
  script.add("b", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner().run(claimed(op.id)), Outcome::kAbandoned);
  world.instances.unavailable = false;
  EXPECT_EQ(world.op(op.id).state, "RUNNING") << "not FAILED: it resumes from its cursor";
  EXPECT_TRUE(script.failures.empty());
  EXPECT_EQ(world.instance(op.resource_id).task, "BUILDING");
  EXPECT_FALSE(world.instance(op.resource_id).fault);
}

TEST_F(RunnerTest, StopsAtTheNextStepWhenNoRenewalSucceededForALeaseLength) {
  std::atomic<bool> outage_long_enough{false};
  script.add("a", [&](StepContext& ctx) {
    // The database is unreachable for longer than the 1 s lease while the
    // step runs; nobody else claims the operation meanwhile.
    world.ops.unavailable = true;
    lease_time_passes(1600ms);
    outage_long_enough = true;
    world.ops.unavailable = false;
    return StepResult::next();
  });
  script.add("b", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  EXPECT_EQ(make_runner(1s).run(claimed(op.id, 1s)), Outcome::kLeaseLost);
  ASSERT_TRUE(outage_long_enough);
  EXPECT_EQ(script.runs(), std::vector<std::string>{"a"}) << "b never started";
  EXPECT_EQ(world.op(op.id).step, 0) << "nothing saved once the lease may have lapsed";
  EXPECT_EQ(world.op(op.id).state, "RUNNING");
}

}  // namespace
}  // namespace automat::testing
