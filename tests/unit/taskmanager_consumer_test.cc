// TaskConsumer (ack only after the claim; requeue while the database is
// down; bounded workers) and ResumeScanner (lapsed leases, lost messages).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "automat/messages.pb.h"
#include "taskmanager/operation_dispatcher.h"
#include "taskmanager/resume_scanner.h"
#include "taskmanager/task_consumer.h"
#include "tests/fakes/fake_broker.h"
#include "tests/unit/taskmanager_test_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::StepContext;
using taskmanager::StepResult;

constexpr const char* kOwner = "tm-1";

std::string task_body(const std::string& op_id) {
  proto::TaskMessage m;
  m.set_operation_id(op_id);
  return m.SerializeAsString();
}

// Whether `pred` holds within `limit`, checked without sleeping (the worker
// threads finish in microseconds; the limit only bounds a broken run).
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// Records how many acks the broker had seen when each claim happened.
class ClaimWatchingOps : public FakeOperationRepository {
 public:
  FakeConsumer* consumer = nullptr;
  std::vector<size_t> acks_at_claim;
  std::optional<db::Operation> claim(const std::string& id, const std::string& owner,
                                     std::chrono::seconds lease) override {
    acks_at_claim.push_back(consumer->acks().size());
    return FakeOperationRepository::claim(id, owner, lease);
  }
};

class ConsumerTest : public ::testing::Test {
 protected:
  explicit ConsumerTest(size_t workers = 2) : pool(workers) {
    world.services.operations = &ops;
    world.instances.operation_repo = &ops;
    ops.consumer = &broker;
  }
  ~ConsumerTest() override {
    gate.release();
    pool.wait_idle(10s);
  }

  // A one-step workflow; the step waits at `gate` when `hold` is set.
  void use_steps(bool hold) {
    script.add("only", [this, hold](StepContext&) {
      ++step_runs;
      if (hold) gate.wait();
      return StepResult::next();
    });
  }
  // No wait is real: a busy pool is seen at once (poll 0) and a back-off
  // is recorded instead of waited out.
  taskmanager::TaskConsumer consumer() {
    taskmanager::ConsumerOptions options{0ms, 10ms, 20ms};
    options.pause = [this](common::StopSignal& stop, std::chrono::milliseconds d) {
      backoffs.push_back(d);
      return stop.requested();
    };
    return taskmanager::TaskConsumer(broker, dispatcher, world.stop, options);
  }

  // The operation as the (watched) repository holds it now.
  db::Operation row(const std::string& id) { return *ops.find_any(id); }

  World world;
  ClaimWatchingOps ops;
  FakeConsumer broker;
  Script script;
  Gate gate;
  std::atomic<int> step_runs{0};
  std::vector<std::chrono::milliseconds> backoffs;  // poll_once's, from the test's thread
  taskmanager::OperationRunner runner{
      world.services,
      [this](const std::string&) { return std::make_unique<ScriptedWorkflow>(script); },
      taskmanager::RunnerOptions{kOwner, 30s}, world.stop};
  taskmanager::WorkerPool pool;
  taskmanager::OperationDispatcher dispatcher{pool, ops, runner, kOwner, 30s};
};

TEST_F(ConsumerTest, AcksOnlyAfterTheOperationIsClaimedThenRunsIt) {
  use_steps(false);
  const auto op = world.create_instance();
  broker.push(task_body(op.id));

  EXPECT_TRUE(consumer().poll_once());
  ASSERT_EQ(ops.acks_at_claim, std::vector<size_t>{0}) << "claimed before any ack";
  ASSERT_EQ(broker.acks().size(), 1u);
  EXPECT_EQ(broker.acks()[0].tag, 1u);
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
  EXPECT_EQ(step_runs, 1);
}

TEST_F(ConsumerTest, RequeuesWhileTheDatabaseIsDownAndTakesItLater) {
  use_steps(false);
  const auto op = world.create_instance();
  broker.push(task_body(op.id));
  ops.unavailable = true;

  auto c = consumer();
  EXPECT_TRUE(c.poll_once());
  EXPECT_TRUE(broker.acks().empty()) << "never acked without a claim";
  ASSERT_EQ(broker.rejects().size(), 1u);
  EXPECT_TRUE(broker.rejects()[0].requeue);
  EXPECT_EQ(broker.ready(), 1u) << "the message is back in the queue";
  EXPECT_EQ(backoffs, std::vector<std::chrono::milliseconds>{10ms}) << "and it backed off";

  ops.unavailable = false;
  EXPECT_TRUE(c.poll_once());
  EXPECT_EQ(broker.acks().size(), 1u);
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
}

TEST_F(ConsumerTest, DropsAMessageForAFinishedOperation) {
  use_steps(false);
  const auto op = world.create_instance();
  ASSERT_TRUE(ops.claim(op.id, "tm-0", 30s));
  ops.finish(op.id, "tm-0", "COMPLETED", {}, "done");
  broker.push(task_body(op.id));

  EXPECT_TRUE(consumer().poll_once());
  EXPECT_EQ(broker.acks().size(), 1u);
  EXPECT_TRUE(broker.rejects().empty());
  EXPECT_TRUE(pool.wait_idle(2s));
  EXPECT_EQ(step_runs, 0);
}

TEST_F(ConsumerTest, DropsAMessageForAnOperationAnotherOwnerHolds) {
  use_steps(false);
  const auto op = world.create_instance();
  ASSERT_TRUE(ops.claim(op.id, "tm-other", 30s));
  broker.push(task_body(op.id));

  EXPECT_TRUE(consumer().poll_once());
  EXPECT_EQ(broker.acks().size(), 1u);
  EXPECT_EQ(row(op.id).owner, "tm-other");
  EXPECT_EQ(step_runs, 0);
}

TEST_F(ConsumerTest, AcksAndDropsAMalformedMessage) {
  use_steps(false);
  broker.push("\xff\xff not a protobuf");
  broker.push(task_body(""));
  auto c = consumer();
  EXPECT_TRUE(c.poll_once());
  EXPECT_TRUE(c.poll_once());
  EXPECT_EQ(broker.acks().size(), 2u);
  EXPECT_EQ(broker.unacked(), 0u);
}

TEST_F(ConsumerTest, ARedeliveredMessageDoesNotRunTheOperationTwice) {
  use_steps(true);
  const auto op = world.create_instance();
  broker.push(task_body(op.id));
  broker.push(task_body(op.id));
  auto c = consumer();
  EXPECT_TRUE(c.poll_once());
  ASSERT_TRUE(eventually([&] { return step_runs == 1; }));
  EXPECT_TRUE(c.poll_once());
  EXPECT_EQ(broker.acks().size(), 2u);
  gate.release();
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
  EXPECT_EQ(step_runs, 1);
}

TEST_F(ConsumerTest, LeavesMessagesQueuedWhileEveryWorkerIsBusy) {
  use_steps(true);
  const auto a = world.create_instance();
  const auto b = world.create_instance();
  const auto c3 = world.create_instance();
  for (const auto* op : {&a, &b, &c3}) broker.push(task_body(op->id));
  auto c = consumer();
  EXPECT_TRUE(c.poll_once());
  EXPECT_TRUE(c.poll_once());
  const int calls = broker.next_calls();
  EXPECT_FALSE(c.poll_once()) << "two workers, both busy";
  EXPECT_EQ(broker.next_calls(), calls) << "no message taken without a free worker";
  EXPECT_EQ(broker.ready(), 1u);
  EXPECT_EQ(row(c3.id).state, "SUBMITTED");

  gate.release();
  EXPECT_TRUE(eventually([&] { return pool.busy() == 0; }));
  EXPECT_TRUE(c.poll_once());
  EXPECT_TRUE(eventually([&] { return row(c3.id).state == "COMPLETED"; }));
}

TEST_F(ConsumerTest, BacksOffWhileTheBrokerIsDownThenConsumes) {
  use_steps(false);
  const auto op = world.create_instance();
  broker.push(task_body(op.id));
  broker.fail_next(2);
  auto c = consumer();
  EXPECT_FALSE(c.poll_once());
  EXPECT_FALSE(c.poll_once());
  EXPECT_EQ(row(op.id).state, "SUBMITTED");
  EXPECT_TRUE(c.poll_once());
  EXPECT_EQ(broker.acks().size(), 1u);
  EXPECT_EQ(backoffs, (std::vector<std::chrono::milliseconds>{10ms, 20ms}))
      << "doubling from the initial back-off";
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
}

TEST_F(ConsumerTest, RunStopsOnRequest) {
  use_steps(false);
  auto c = consumer();
  std::thread t([&] { c.run(); });
  const auto op = world.create_instance();
  broker.push(task_body(op.id));
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
  world.stop.request();
  t.join();
  EXPECT_EQ(broker.acks().size(), 1u);
}

TEST_F(ConsumerTest, ScannerResumesALapsedOperationFromItsCursor) {
  script.add("a", [](StepContext&) { return StepResult::next(); });
  script.add("b", [](StepContext&) { return StepResult::next(); });
  const auto op = world.create_instance();
  ASSERT_TRUE(ops.claim(op.id, "tm-killed", 30s));
  ASSERT_TRUE(ops.save_progress(op.id, "tm-killed", 1, "b", 0.5, ""));
  taskmanager::ResumeScanner scanner(ops, dispatcher, world.stop, 5s, 10s);

  EXPECT_EQ(scanner.scan_once(), 0) << "the killed owner's lease is still live";
  ops.time->advance(31s);
  EXPECT_EQ(scanner.scan_once(), 1);
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
  EXPECT_EQ(script.runs(), std::vector<std::string>{"b"});
}

TEST_F(ConsumerTest, ScannerPicksUpASubmittedOperationWhoseMessageWasLost) {
  use_steps(false);
  const auto op = world.create_instance();
  taskmanager::ResumeScanner scanner(ops, dispatcher, world.stop, 5s, 10s);
  EXPECT_EQ(scanner.scan_once(), 0) << "younger than the grace: its message may still come";
  ops.time->advance(11s);
  EXPECT_EQ(scanner.scan_once(), 1);
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
}

TEST_F(ConsumerTest, ScannerAndMessageTogetherRunTheOperationOnce) {
  use_steps(true);
  const auto op = world.create_instance();
  ops.time->advance(11s);
  taskmanager::ResumeScanner scanner(ops, dispatcher, world.stop, 5s, 10s);
  EXPECT_EQ(scanner.scan_once(), 1);
  ASSERT_TRUE(eventually([&] { return step_runs == 1; }));
  broker.push(task_body(op.id));
  EXPECT_TRUE(consumer().poll_once());
  EXPECT_EQ(broker.acks().size(), 1u);
  gate.release();
  EXPECT_TRUE(eventually([&] { return row(op.id).state == "COMPLETED"; }));
  EXPECT_EQ(step_runs, 1);
}

}  // namespace
}  // namespace automat::testing
