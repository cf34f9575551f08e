// LeaseKeeper over the fake operation repository: renews every fifth of the
// lease, and says the lease is lost once another owner holds it or once no
// renewal succeeded for a whole lease length (another owner may hold it).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "taskmanager/lease_keeper.h"
#include "tests/fakes/fake_repositories.h"

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

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

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
  CountingOperations ops;
};

TEST(LeaseKeeperInterval, RenewsEveryFifthOfTheLeaseAndAtMostEvery100ms) {
  EXPECT_EQ(LeaseKeeper::renew_interval(5s), 1000ms);
  EXPECT_EQ(LeaseKeeper::renew_interval(1s), 200ms);
  EXPECT_EQ(LeaseKeeper::renew_interval(0s), 100ms);
}

TEST_F(LeaseKeeperTest, RenewsAtOnceThenOften) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s);
  EXPECT_GE(ops.renewals.load(), 1) << "a first renewal before the keeper is used";
  EXPECT_TRUE(eventually([&] { return ops.renewals.load() >= 5; }, 3s));
  EXPECT_FALSE(keeper.lost());
}

TEST_F(LeaseKeeperTest, KeepsTheLeaseAliveForLongerThanItsLength) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s);
  const int after = ops.renewals.load() + 10;  // two lease lengths of renewals
  ASSERT_TRUE(eventually([&] { return ops.renewals.load() >= after; }, 5s));
  EXPECT_FALSE(keeper.lost());
  EXPECT_FALSE(ops.claim("op-1", "tm-b", 30s)) << "another owner cannot take it";
}

TEST_F(LeaseKeeperTest, LostOnceAnotherOwnerHoldsTheLease) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s);
  {
    std::lock_guard<std::mutex> l(ops.mu);
    ops.operations["op-1"].owner = "tm-b";
  }
  EXPECT_TRUE(eventually([&] { return keeper.lost(); }, 3s));
  EXPECT_FALSE(keeper.renew_now());
}

TEST_F(LeaseKeeperTest, LostOnceNoRenewalSucceededForALeaseLengthAndStaysLost) {
  LeaseKeeper keeper(ops, "op-1", "tm-a", 1s);
  ops.unavailable = true;  // the database is gone; nobody said the lease is lost
  EXPECT_TRUE(eventually([&] { return keeper.lost(); }, 3s));
  EXPECT_GE(ops.failed_renewals.load(), 1);
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
  LeaseKeeper keeper(ops, "op-1", "tm-a", 30s);
  EXPECT_TRUE(keeper.lost());
}

TEST_F(LeaseKeeperTest, TheFirstRenewalThrowsWhenTheDatabaseIsDown) {
  ops.unavailable = true;
  EXPECT_THROW(LeaseKeeper(ops, "op-1", "tm-a", 1s), db::DatabaseUnavailable);
}

}  // namespace
}  // namespace automat::testing
