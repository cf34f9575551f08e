// Two taskmanagers against the real PostgreSQL: a live owner keeps its
// operation by renewing the lease; once an owner stops renewing (killed),
// another takes over from the saved cursor and the stale one writes nothing.
#include <gtest/gtest.h>

#include <thread>

#include "taskmanager/operation_dispatcher.h"
#include "taskmanager/resume_scanner.h"
#include "taskmanager/taskmanager_settings.h"
#include "tests/integration/db_seed.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::OperationRunner;
using taskmanager::StepContext;
using taskmanager::StepResult;
using Outcome = OperationRunner::Outcome;

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

// One taskmanager: its own owner id, runner, workers and scanner, sharing
// the database with the others.
struct Taskmanager {
  Taskmanager(db::ConnectionPool& pool, Script& script, std::string owner_id,
              std::chrono::seconds lease, std::chrono::seconds scan_interval = 1s)
      : instances(pool),
        operations(pool),
        catalog(pool),
        owner(std::move(owner_id)),
        runner(
            services,
            [&script](const std::string&) { return std::make_unique<ScriptedWorkflow>(script); },
            taskmanager::RunnerOptions{owner, lease}, stop),
        dispatcher(workers, operations, runner, owner, lease),
        scanner(operations, dispatcher, stop, scan_interval, 60s) {}

  db::PgInstanceRepository instances;
  db::PgOperationRepository operations;
  db::PgCatalogRepository catalog;
  FakeComputeDriver compute;
  FakeGuestClientFactory guests;
  taskmanager::Services services{nullptr, &instances, &operations, &catalog, &compute, &guests};
  common::StopSignal stop;
  std::string owner;
  OperationRunner runner;
  taskmanager::WorkerPool workers{2};
  taskmanager::OperationDispatcher dispatcher;
  taskmanager::ResumeScanner scanner;
};

class LeaseTakeoverTest : public ::testing::Test {
 protected:
  db::Operation new_create() {
    const Seed s = seed_catalog(db.pool());
    db::PgInstanceRepository instances(db.pool());
    const db::Instance inst = new_instance(s);
    db::Operation op = new_operation(inst, "instance.create");
    instances.create_with_operation(inst, op);
    return op;
  }
  db::Operation row(const std::string& id) { return *ops.find_any(id); }

  PgTestDb& db = PgTestDb::get();
  db::PgOperationRepository ops{db.pool()};
};

TEST_F(LeaseTakeoverTest, ALiveOwnerKeepsItsOperationPastTheLeaseLength) {
  Script script;
  Gate gate;
  script.add("slow", [&](StepContext&) {
    gate.wait();
    return StepResult::next();
  });
  Taskmanager a(db.pool(), script, "tm-a", 1s);
  Taskmanager b(db.pool(), script, "tm-b", 1s);
  const auto op = new_create();

  auto claimed = a.operations.claim(op.id, a.owner, 1s);
  ASSERT_TRUE(claimed);
  std::thread worker([&] { EXPECT_EQ(a.runner.run(*claimed), Outcome::kCompleted); });
  // Three lease lengths: b's scans never find it, b's claims never win.
  const auto until = std::chrono::steady_clock::now() + 3s;
  bool b_took_it = false;
  while (std::chrono::steady_clock::now() < until) {
    b_took_it = b_took_it || b.operations.claim(op.id, b.owner, 30s).has_value();
    std::this_thread::sleep_for(200ms);
  }
  gate.release();
  worker.join();
  EXPECT_FALSE(b_took_it);
  EXPECT_EQ(row(op.id).state, "COMPLETED");
  EXPECT_EQ(script.runs(), std::vector<std::string>{"slow"});
}

TEST_F(LeaseTakeoverTest, AnotherOwnerResumesAKilledOwnersOperationFromItsCursor) {
  Script script;
  for (const char* name : {"allocate", "prepare", "wait", "activate"}) {
    script.add(name, [](StepContext&) { return StepResult::next(); });
  }
  const auto op = new_create();
  // tm-a claimed it, finished two steps, then was killed (no more renewals).
  ASSERT_TRUE(ops.claim(op.id, "tm-a", 1s));
  ASSERT_TRUE(ops.save_progress(op.id, "tm-a", 2, "wait", 0.5, "doing wait"));

  Taskmanager b(db.pool(), script, "tm-b", 30s);
  ASSERT_TRUE(eventually([&] { return b.scanner.scan_once() == 1; }, 10s))
      << "tm-b never found the lapsed operation";
  ASSERT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }, 10s));
  EXPECT_EQ(script.runs(), (std::vector<std::string>{"wait", "activate"}));
  EXPECT_EQ(row(op.id).step, 4);

  // tm-a comes back to life with its stale copy: it must not write anything.
  Script stale_script;
  for (const char* name : {"allocate", "prepare", "wait", "activate"}) {
    stale_script.add(name, [](StepContext&) { return StepResult::next(); });
  }
  Taskmanager a(db.pool(), stale_script, "tm-a", 30s);
  db::Operation stale = op;
  stale.state = "RUNNING";
  stale.owner = "tm-a";
  stale.step = 2;
  EXPECT_EQ(a.runner.run(stale), Outcome::kLeaseLost);
  EXPECT_TRUE(stale_script.runs().empty());
  EXPECT_EQ(row(op.id).state, "COMPLETED");
  EXPECT_EQ(row(op.id).step, 4);
}

TEST_F(LeaseTakeoverTest, AStaleOwnerStopsMidWorkflowWhenItsLeaseWasTaken) {
  Script script;
  const auto op = new_create();
  script.add("first", [&](StepContext& ctx) {
    // While tm-a works, its lease lapses and tm-b claims the operation.
    db::PgOperationRepository side(db.pool());
    EXPECT_TRUE(side.renew_lease(ctx.operation.id, "tm-a", 0s));
    EXPECT_TRUE(
        eventually([&] { return side.claim(ctx.operation.id, "tm-b", 30s).has_value(); }, 5s));
    return StepResult::next();
  });
  script.add("second", [](StepContext&) { return StepResult::next(); });
  Taskmanager a(db.pool(), script, "tm-a", 30s);
  auto claimed = a.operations.claim(op.id, a.owner, 30s);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(a.runner.run(*claimed), Outcome::kLeaseLost);
  EXPECT_EQ(script.runs(), std::vector<std::string>{"first"});
  const auto now = row(op.id);
  EXPECT_EQ(now.state, "RUNNING");
  EXPECT_EQ(now.owner, "tm-b");
  EXPECT_EQ(now.step, 0);
}

TEST_F(LeaseTakeoverTest, WithTheDefaultTimingsAKilledOwnersOperationIsClaimedWithin10Seconds) {
  const taskmanager::TaskmanagerSettings defaults;
  Script script;
  Gate gate;
  script.add("step", [&](StepContext&) {
    gate.wait();
    return StepResult::next();
  });
  const auto op = new_create();
  // tm-a claimed it and renewed it a moment ago (as its keeper does every
  // fifth of the lease), then was killed: nobody renews it any more.
  ASSERT_TRUE(ops.claim(op.id, "tm-a", defaults.lease));
  const auto killed = std::chrono::steady_clock::now();

  Taskmanager b(db.pool(), script, "tm-b", defaults.lease, defaults.resume_scan_interval);
  std::thread scanning([&] { b.scanner.run(); });
  const bool taken = eventually([&] { return row(op.id).owner == "tm-b"; }, 20s);
  const auto took = std::chrono::steady_clock::now() - killed;
  gate.release();
  ASSERT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }, 10s));
  b.stop.request();
  scanning.join();
  ASSERT_TRUE(taken);
  EXPECT_GE(took, defaults.lease - 1s) << "not before the lease lapsed";
  EXPECT_LE(took, defaults.takeover_bound() + 1s);
  EXPECT_LT(took, 10s);
  EXPECT_EQ(script.runs(), std::vector<std::string>{"step"}) << "run once, by tm-b";
}

}  // namespace
}  // namespace automat::testing
