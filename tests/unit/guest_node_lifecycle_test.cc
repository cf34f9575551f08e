// guestagent/node_lifecycle.h: the status a node shows through prepare,
// start, stop and its server's health, one change at a time, and the gate
// database administration passes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "common/error.h"
#include "common/process_table.h"
#include "common/status.h"
#include "guestagent/node_lifecycle.h"

namespace automat::guestagent {
namespace {

namespace status = common::service_status;
using Activity = NodeLifecycle::Activity;
using namespace std::chrono_literals;

// A node whose record and server the test sets.
class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest()
      : lifecycle({"the test node n-1", "the test server on n-1 is not answering",
                   [this] { return health.load(); },
                   [this] {
                     if (on_record) on_record();
                     return NodeLifecycle::Record{prepared.load(), should_run.load()};
                   },
                   [this] { return maintenance.load(); }}) {}

  // Runs admin_gate on another thread (the change lock is not recursive).
  // A gate that must find the lock taken is given no wait (0 ms): it
  // answers at once, no timeout expires.
  std::future<std::string> gate_from_another_thread(std::chrono::milliseconds wait) {
    return std::async(std::launch::async, [this, wait]() -> std::string {
      try {
        auto lock = lifecycle.admin_gate(wait);
        return lock.owns_lock() ? "passed" : "no lock";
      } catch (const common::Error& e) {
        const char* code = e.code() == common::ErrorCode::kConflict      ? "conflict"
                           : e.code() == common::ErrorCode::kUnavailable ? "unavailable"
                                                                         : "other";
        return std::string(code) + ": " + e.what();
      }
    });
  }

  std::atomic<ServerHealth> health{ServerHealth::kDown};
  std::atomic<bool> prepared{false};
  std::atomic<bool> should_run{false};
  std::atomic<bool> maintenance{false};
  // Runs at each read of the record (set before other threads start).
  std::function<void()> on_record;
  NodeLifecycle lifecycle;
};

TEST_F(LifecycleTest, ANodeIsNewUntilAPrepareCompletes) {
  EXPECT_EQ(lifecycle.status(), status::kNew);
  health = ServerHealth::kAnswering;  // a server up before prepare is not yet RUNNING
  EXPECT_EQ(lifecycle.status(), status::kNew);
}

TEST_F(LifecycleTest, APrepareIsBuildingThenRunning) {
  {
    auto turn = lifecycle.begin_prepare();
    EXPECT_EQ(lifecycle.status(), status::kBuilding);
    health = ServerHealth::kAnswering;
    prepared = true;
    should_run = true;
    EXPECT_EQ(lifecycle.status(), status::kBuilding) << "building until the prepare ended";
    turn.succeeded();
  }
  EXPECT_EQ(lifecycle.activity(), Activity::kIdle);
  EXPECT_EQ(lifecycle.status(), status::kRunning);
}

TEST_F(LifecycleTest, APrepareThatThrowsLeavesTheNodeFailedUntilOneCompletes) {
  EXPECT_THROW(
      {
        auto turn = lifecycle.begin_prepare();
        throw common::internal_error("mariadbd exited while starting");
      },
      common::Error);
  EXPECT_EQ(lifecycle.status(), status::kFailed);
  {
    auto turn = lifecycle.begin_prepare();
    prepared = true;
    turn.succeeded();
  }
  EXPECT_NE(lifecycle.status(), status::kFailed);
}

TEST_F(LifecycleTest, APreparedNodeShowsItsServersHealth) {
  prepared = true;
  should_run = true;
  health = ServerHealth::kAnswering;
  EXPECT_EQ(lifecycle.status(), status::kRunning);
  health = ServerHealth::kUnresponsive;
  EXPECT_EQ(lifecycle.status(), status::kBlocked);
  health = ServerHealth::kDown;
  EXPECT_EQ(lifecycle.status(), status::kCrashed) << "it should run but is gone";
  should_run = false;
  EXPECT_EQ(lifecycle.status(), status::kShutdown) << "stopped on request";
}

TEST_F(LifecycleTest, AServerDownOrSilentDuringAChangeIsShutdownNotCrashed) {
  prepared = true;
  should_run = true;
  auto turn = lifecycle.begin_change();
  EXPECT_EQ(lifecycle.activity(), Activity::kChanging);
  health = ServerHealth::kDown;
  EXPECT_EQ(lifecycle.status(), status::kShutdown);
  health = ServerHealth::kUnresponsive;
  EXPECT_EQ(lifecycle.status(), status::kShutdown);
  health = ServerHealth::kAnswering;
  EXPECT_EQ(lifecycle.status(), status::kRunning);
}

TEST_F(LifecycleTest, TheDatastoresOwnWorkKeepsTheNodeBlocked) {
  prepared = true;
  should_run = true;
  health = ServerHealth::kAnswering;
  maintenance = true;
  EXPECT_EQ(lifecycle.status(), status::kBlocked);
  maintenance = false;
  EXPECT_EQ(lifecycle.status(), status::kRunning);
}

TEST_F(LifecycleTest, AChangeOfANeverPreparedNodeIsAConflict) {
  try {
    auto turn = lifecycle.begin_change();
    FAIL() << "expected a conflict";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
    EXPECT_EQ(std::string(e.what()), "the test node n-1 was never prepared; prepare it first");
  }
  EXPECT_EQ(lifecycle.activity(), Activity::kIdle);
  // The lock was released: the next change can begin.
  auto turn = lifecycle.begin();
  EXPECT_EQ(lifecycle.activity(), Activity::kIdle);
}

TEST_F(LifecycleTest, AnActivityShownInsideATurnEndsWithItsScope) {
  prepared = true;
  should_run = true;
  auto turn = lifecycle.begin();
  {
    NodeLifecycle::Showing restarting(turn, Activity::kChanging);
    EXPECT_EQ(lifecycle.status(), status::kShutdown);
  }
  EXPECT_EQ(lifecycle.activity(), Activity::kIdle);
  EXPECT_EQ(lifecycle.status(), status::kCrashed);
}

TEST_F(LifecycleTest, TheAdminGateIsAConflictWhileAChangeRuns) {
  prepared = true;
  health = ServerHealth::kAnswering;
  {
    auto turn = lifecycle.begin_change();
    EXPECT_EQ(gate_from_another_thread(0ms).get(),
              "conflict: the test node n-1 is busy with another change; retry in a moment");
  }
  EXPECT_EQ(gate_from_another_thread(5s).get(), "passed");
}

TEST_F(LifecycleTest, TheAdminGateNeedsAPreparedAnsweringNode) {
  EXPECT_EQ(gate_from_another_thread(5s).get(),
            "conflict: the test node n-1 was never prepared; prepare it first");
  prepared = true;
  health = ServerHealth::kUnresponsive;
  EXPECT_EQ(gate_from_another_thread(5s).get(),
            "unavailable: the test server on n-1 is not answering");
}

TEST_F(LifecycleTest, NoChangeBeginsWhileTheAdminGateIsHeld) {
  prepared = true;
  health = ServerHealth::kAnswering;
  auto lock = lifecycle.admin_gate();
  ASSERT_TRUE(lock.owns_lock());
  // A change reads the record once it holds the change lock: it notes
  // whether the gate was still held then.
  std::atomic<bool> gate_held{true};
  std::atomic<bool> began_under_gate{false};
  on_record = [&] {
    if (gate_held) began_under_gate = true;
  };
  std::atomic<pid_t> change_thread{0};
  auto change = std::async(std::launch::async, [&] {
    change_thread = ::gettid();
    auto turn = lifecycle.begin_change();
    return lifecycle.activity();
  });
  // The change thread comes to sleep on the lock (the kernel's view of it,
  // looked at again without sleeping; nothing signals it).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto sleeping = [&] {
    const auto st = change_thread ? common::read_stat(change_thread) : std::nullopt;
    return st && st->state == 'S';
  };
  while (!sleeping() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(sleeping()) << "the change waits";
  EXPECT_FALSE(began_under_gate);
  gate_held = false;
  lock.unlock();
  EXPECT_EQ(change.get(), Activity::kChanging);
  EXPECT_FALSE(began_under_gate) << "the change began only once the gate was released";
}

}  // namespace
}  // namespace automat::guestagent
