// LeaseKeeper over the fake operation repository: renews every fifth of the
// lease, and says the lease is lost once another owner holds it or once no
// renewal succeeded for a whole lease length (another owner may hold it).
// Its time is a ManualLeaseTimer: each advance() is one settled round of
// the keeper's thread, so nothing here waits out a real lease.
#include <gtest/gtest.h>

#include <atomic>

#include "taskmanager/lease_keeper.h"
#include "tests/fakes/fake_repositories.h"
#include "tests/fakes/manual_lease_timer.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::LeaseKeeper;

// Counts renewals (and their failures) on top of the fake's behaviour.
class CountingOperations : public FakeOperationRepository {
 public:
  std::atomic<int> renewals{0};
  std::atomic<int> failed_renewals{0};
  bool renew_lease(const std::string& id, const std::string& owner,
                   std::chrono::seconds lease) override {
    ++renewals;
    try {
      return FakeOperationRepository::renew_lease(id, owner, lease);
    } catch (...) {
      ++failed_renewals;
      throw;
    }
  }
};

class LeaseKeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Operation op;
    op.id = "op-1";
    op.tenant_id = "t";
    op.type = "instance.create";
    op.resource_type = "instance";
    op.resource_id = "i-1";
    op.state = "SUBMITTED";
    {
      std::lock_guard<std::mutex> l(ops.mu);
      ops.insert_locked(op);
    }
    ASSERT_TRUE(ops.claim("op-1", "tm-a", 1s));
  }
  // Moves the keeper's time and the repository's together.
  void advance(std::chrono::milliseconds d) {
    {
      std::lock_guard<std::mutex> l(ops.mu);
      ops.time->advance(d);
    }
    timer.advance(d);
  }
  CountingOperations ops;
  ManualLeaseTimer timer;
};

TEST(LeaseKeeperInterval, RenewsEveryFifthOfTheLeaseAndAtMostEvery100ms) {
  EXPECT_EQ(LeaseKeeper::renew_interval(5s), 1000ms);
  EXPECT_EQ(LeaseKeeper::renew_interval(1s), 200ms);
  EXPECT_EQ(LeaseKeeper::renew_interval(0s), 100ms);
}

TEST_F(LeaseKeeperTest, RenewsAtOnceThenEveryFifthOfTheLease) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s, timer);
  EXPECT_EQ(ops.renewals.load(), 1) << "a first renewal before the keeper is used";
  timer.await_waiters(1);
  advance(199ms);
  EXPECT_EQ(ops.renewals.load(), 1) << "not before a fifth of the lease";
  advance(1ms);
  EXPECT_EQ(ops.renewals.load(), 2);
  for (int i = 0; i < 3; ++i) advance(200ms);
  EXPECT_EQ(ops.renewals.load(), 5);
  EXPECT_FALSE(keeper.lost());
}

TEST_F(LeaseKeeperTest, KeepsTheLeaseAliveForLongerThanItsLength) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s, timer);
  timer.await_waiters(1);
  for (int i = 0; i < 15; ++i) advance(200ms);  // three lease lengths
  EXPECT_EQ(ops.renewals.load(), 16);
  EXPECT_FALSE(keeper.lost());
  EXPECT_FALSE(ops.claim("op-1", "tm-b", 30s)) << "another owner cannot take it";
}

TEST_F(LeaseKeeperTest, WithoutItTheLeaseLapsesAndAnotherOwnerTakesIt) {
  // The control of the test above: the same time with no keeper.
  for (int i = 0; i < 15; ++i) advance(200ms);
  EXPECT_TRUE(ops.claim("op-1", "tm-b", 30s));
}

TEST_F(LeaseKeeperTest, LostOnceAnotherOwnerHoldsTheLease) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s, timer);
  timer.await_waiters(1);
  {
    std::lock_guard<std::mutex> l(ops.mu);
    ops.operations["op-1"].owner = "tm-b";
  }
  EXPECT_FALSE(keeper.lost()) << "nobody has looked yet";
  advance(200ms);  // the next renewal finds tm-b
  EXPECT_TRUE(keeper.lost());
  EXPECT_FALSE(keeper.renew_now());
  const int renewals = ops.renewals.load();
  advance(1s);
  EXPECT_EQ(ops.renewals.load(), renewals) << "a keeper that lost the lease stops renewing";
}

TEST_F(LeaseKeeperTest, LostOnceNoRenewalSucceededForALeaseLengthAndStaysLost) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s, timer);
  timer.await_waiters(1);
  ops.unavailable = true;  // the database is gone; nobody said the lease is lost
  for (int i = 0; i < 4; ++i) advance(200ms);
  EXPECT_EQ(ops.failed_renewals.load(), 4);
  EXPECT_FALSE(keeper.lost()) << "800 ms after the last renewal: still certainly held";
  advance(200ms);
  EXPECT_TRUE(keeper.lost()) << "a whole lease length without a renewal";
  ops.unavailable = false;
  // Meanwhile another taskmanager may have taken it: never act on it again.
  EXPECT_FALSE(keeper.renew_now());
  EXPECT_TRUE(keeper.lost());
}

TEST_F(LeaseKeeperTest, ALeaseAlreadyTakenIsLostFromTheStart) {
  {
    std::lock_guard<std::mutex> l(ops.mu);
    ops.operations["op-1"].owner = "tm-b";
  }
  LeaseKeeper keeper(ops, "op-1", "tm-a", 30s, timer);
  EXPECT_TRUE(keeper.lost());
}

TEST_F(LeaseKeeperTest, TheFirstRenewalThrowsWhenTheDatabaseIsDown) {
  ops.unavailable = true;
  EXPECT_THROW(LeaseKeeper(ops, "op-1", "tm-a", 1s, timer), db::DatabaseUnavailable);
}

}  // namespace
}  // namespace automat::testing
