// WorkerPool: work that waits parks and frees its worker; parked work keeps
// its operation bound; it runs again once due, and join() runs it at once.
// Nothing here sleeps or waits for time to pass: the tests wait for what they
// expect to happen, parked work becomes due when a test moves the pool's time
// (tests/fakes/manual_pool_time.h), and a parked item that is never due (an
// hour away) can only run through join().
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <thread>

#include "taskmanager/worker_pool.h"
#include "tests/fakes/manual_pool_time.h"

namespace automat::taskmanager {
namespace {

using namespace std::chrono_literals;
using Again = std::optional<std::chrono::milliseconds>;

constexpr auto kPatience = 10s;  // a generous bound for what must happen at once

// Whether `condition` holds within kPatience.
bool within_patience(const std::function<bool()>& condition) {
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

// Whether `pool` holds `n` parked items within kPatience.
bool parks(const WorkerPool& pool, size_t n) {
  return within_patience([&] { return pool.parked() == n; });
}

TEST(WorkerPoolTest, WaitingWorkParksAndFreesItsOnlyWorker) {
  WorkerPool pool(1);
  std::atomic<int> long_runs{0};
  std::promise<void> parked_once;
  auto ticket = pool.reserve(0ms);
  ASSERT_TRUE(ticket);
  ASSERT_TRUE(ticket->bind("op-long"));
  pool.run_parkable(std::move(*ticket), [&]() -> Again {
    if (++long_runs == 1) {
      parked_once.set_value();
      return std::chrono::milliseconds(1h);  // e.g. a guest job polled hourly
    }
    return std::nullopt;
  });
  ASSERT_EQ(parked_once.get_future().wait_for(kPatience), std::future_status::ready);

  // The only worker is free for another operation while the first waits.
  auto other = pool.reserve(kPatience);
  ASSERT_TRUE(other) << "the parked work still holds the worker";
  ASSERT_TRUE(other->bind("op-short"));
  std::promise<void> short_done;
  pool.run(std::move(*other), [&] { short_done.set_value(); });
  ASSERT_EQ(short_done.get_future().wait_for(kPatience), std::future_status::ready);
  EXPECT_EQ(long_runs.load(), 1) << "not due for an hour";
  ASSERT_TRUE(parks(pool, 1));

  // join() runs it at once; it finishes on that run.
  pool.join();
  EXPECT_EQ(long_runs.load(), 2);
  EXPECT_EQ(pool.parked(), 0u);
}

TEST(WorkerPoolTest, ParkedWorkKeepsItsOperationBound) {
  WorkerPool pool(2);
  std::promise<void> parked_once;
  auto ticket = pool.reserve(0ms);
  ASSERT_TRUE(ticket && ticket->bind("op-1"));
  bool first = true;
  pool.run_parkable(std::move(*ticket), [&]() -> Again {
    if (!first) return std::nullopt;
    first = false;
    parked_once.set_value();
    return std::chrono::milliseconds(1h);
  });
  ASSERT_EQ(parked_once.get_future().wait_for(kPatience), std::future_status::ready);
  auto again = pool.reserve(0ms);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->bind("op-1")) << "a redelivered message must not run a parked operation";
  EXPECT_TRUE(again->bind("op-2"));
}

TEST(WorkerPoolTest, ParkedWorkRunsAgainWhenDue) {
  testing::ManualPoolTime time;
  WorkerPool pool(1, time.now());
  std::atomic<int> runs{0};
  std::promise<void> done;
  auto ticket = pool.reserve(0ms);
  ASSERT_TRUE(ticket && ticket->bind("op-1"));
  pool.run_parkable(std::move(*ticket), [&]() -> Again {
    if (++runs < 3) return 5s;
    done.set_value();
    return std::nullopt;
  });
  ASSERT_TRUE(parks(pool, 1));
  EXPECT_EQ(runs.load(), 1);
  time.advance(pool, 5s);
  ASSERT_TRUE(within_patience([&] { return runs.load() == 2 && pool.parked() == 1; }))
      << "due after 5 s of the pool's time";
  time.advance(pool, 5s);
  ASSERT_EQ(done.get_future().wait_for(kPatience), std::future_status::ready);
  EXPECT_EQ(runs.load(), 3);
  EXPECT_TRUE(pool.wait_idle(kPatience));
  auto ticket2 = pool.reserve(kPatience);
  ASSERT_TRUE(ticket2);
  // `done` is set from inside the last run, so the worker may not have
  // returned from it yet (a busy machine can hold it there): the operation
  // is released once it has, not at once.
  EXPECT_TRUE(within_patience([&] { return ticket2->bind("op-1"); }))
      << "released once it finished";
}

TEST(WorkerPoolTest, DueWorkWaitsForAFreeWorker) {
  testing::ManualPoolTime time;
  WorkerPool pool(1, time.now());
  std::promise<void> parked_once;
  std::promise<void> release_busy;
  std::shared_future<void> busy_may_end = release_busy.get_future().share();
  std::atomic<bool> busy_running{false};
  std::atomic<bool> ran_while_busy{false};
  std::promise<void> waiting_done;

  auto t1 = pool.reserve(0ms);
  ASSERT_TRUE(t1 && t1->bind("op-waits"));
  std::atomic<int> runs{0};
  pool.run_parkable(std::move(*t1), [&]() -> Again {
    if (++runs == 1) {
      parked_once.set_value();
      return 1ms;
    }
    if (busy_running) ran_while_busy = true;
    waiting_done.set_value();
    return std::nullopt;
  });
  ASSERT_EQ(parked_once.get_future().wait_for(kPatience), std::future_status::ready);
  auto t2 = pool.reserve(kPatience);
  ASSERT_TRUE(t2 && t2->bind("op-busy"));
  busy_running = true;
  pool.run(std::move(*t2), [&] {
    busy_may_end.wait();
    busy_running = false;
  });
  // Due now, but the pool's only worker is busy: it waits for it, never
  // runs beside it.
  time.advance(pool, 1ms);
  release_busy.set_value();
  ASSERT_EQ(waiting_done.get_future().wait_for(kPatience), std::future_status::ready);
  EXPECT_FALSE(ran_while_busy);
  EXPECT_EQ(runs.load(), 2);
}

// The task consumer holds a reservation while it waits for a message; that
// idle reservation must not keep due parked work from the pool's only
// worker thread (it did: every retry then waited out the consumer's poll).
TEST(WorkerPoolTest, AnIdleReservationDoesNotHoldParkedWorkBack) {
  testing::ManualPoolTime time;
  WorkerPool pool(1, time.now());
  std::atomic<int> runs{0};
  std::promise<void> done;
  auto ticket = pool.reserve(0ms);
  ASSERT_TRUE(ticket && ticket->bind("op-1"));
  pool.run_parkable(std::move(*ticket), [&]() -> Again {
    if (++runs < 5) return 1ms;
    done.set_value();
    return std::nullopt;
  });
  ASSERT_TRUE(parks(pool, 1));
  auto waiting_for_a_message = pool.reserve(kPatience);
  ASSERT_TRUE(waiting_for_a_message) << "the parked work gave its reservation back";
  EXPECT_TRUE(within_patience([&] {
    time.advance(pool, 1ms);
    return runs.load() == 5;
  })) << "parked work waited for an idle reservation";
  EXPECT_EQ(done.get_future().wait_for(kPatience), std::future_status::ready);
  EXPECT_EQ(runs.load(), 5);
  EXPECT_EQ(pool.busy(), 1u) << "only the idle reservation";
}

TEST(WorkerPoolTest, WorkAskingToWaitWhileStoppingIsDropped) {
  WorkerPool pool(1);
  std::atomic<int> runs{0};
  std::promise<void> parked_once;
  auto ticket = pool.reserve(0ms);
  ASSERT_TRUE(ticket && ticket->bind("op-1"));
  pool.run_parkable(std::move(*ticket), [&]() -> Again {
    if (++runs == 1) parked_once.set_value();
    return std::chrono::milliseconds(1h);  // never says it is done
  });
  ASSERT_EQ(parked_once.get_future().wait_for(kPatience), std::future_status::ready);
  ASSERT_TRUE(parks(pool, 1));
  pool.join();  // must not spin or hang
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(pool.parked(), 0u);
  EXPECT_EQ(pool.busy(), 0u);
}

}  // namespace
}  // namespace automat::taskmanager
