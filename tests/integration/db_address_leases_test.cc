// Address leases: lowest free host address, stable per instance, unique
// under concurrency, reusable once released.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "common/crypto.h"
#include "common/error.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

// A /24 of its own per test, so tests sharing the database do not collide.
std::string fresh_pool() {
  const auto hex = common::crypto::random_hex(2);
  const int b = std::stoi(hex.substr(0, 2), nullptr, 16);
  const int c = std::stoi(hex.substr(2, 2), nullptr, 16);
  return "127." + std::to_string(100 + b % 100) + "." + std::to_string(c) + ".0/24";
}

std::string prefix_of(const std::string& cidr) { return cidr.substr(0, cidr.rfind(".0/")); }

TEST(DbAddressLeases, LowestFreeStableAndReleased) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  const std::string pool = fresh_pool();
  const std::string p = prefix_of(pool);
  EXPECT_EQ(leases.lease("a-" + pool, pool, {}), p + ".1");
  EXPECT_EQ(leases.lease("b-" + pool, pool, {}), p + ".2");
  EXPECT_EQ(leases.lease("a-" + pool, pool, {}), p + ".1") << "stable per instance";
  EXPECT_EQ(leases.find("b-" + pool), p + ".2");
  leases.release("a-" + pool);
  EXPECT_FALSE(leases.find("a-" + pool));
  EXPECT_EQ(leases.lease("c-" + pool, pool, {}), p + ".1") << "the released address is reused";
  EXPECT_EQ(leases.lease("d-" + pool, pool, {}), p + ".3");
}

TEST(DbAddressLeases, ConcurrentLeasesAreUnique) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  const std::string pool = fresh_pool();
  std::vector<std::string> got(24);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back(
        [&, i] { got[i] = leases.lease(pool + "-" + std::to_string(i), pool, {}); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size());
  EXPECT_EQ(*unique.begin(), prefix_of(pool) + ".1");
}

TEST(DbAddressLeases, FullPoolAndBadPool) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  const std::string pool = prefix_of(fresh_pool()) + ".0/30";  // hosts .1 and .2
  leases.lease("x1-" + pool, pool, {});
  leases.lease("x2-" + pool, pool, {});
  try {
    leases.lease("x3-" + pool, pool, {});
    FAIL() << "a /30 has two host addresses";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
  EXPECT_FALSE(leases.find("x3-" + pool));
  try {
    leases.lease("y", "not-a-network", {});
    FAIL() << "expected bad request";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
  }
}

TEST(DbAddressLeases, SkippedAddressesAreNeverLeased) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  const std::string pool = fresh_pool();
  const std::string p = prefix_of(pool);
  EXPECT_EQ(leases.lease("s1-" + pool, pool, {p + ".1", p + ".2"}), p + ".3");
  EXPECT_EQ(leases.lease("s2-" + pool, pool, {p + ".2", p + ".4"}), p + ".1");
  EXPECT_EQ(leases.lease("s3-" + pool, pool, {p + ".2", p + ".4"}), p + ".5");
  EXPECT_EQ(leases.lease("s1-" + pool, pool, {p + ".3"}), p + ".3")
      << "an instance keeps its lease; skip is for new ones";
  EXPECT_EQ(leases.lease("s4-" + pool, pool, {"10.0.0.1"}), p + ".2") << "outside the pool";
  const std::string tiny = prefix_of(fresh_pool()) + ".0/30";  // hosts .1 and .2
  try {
    leases.lease("t-" + tiny, tiny, {prefix_of(tiny) + ".1", prefix_of(tiny) + ".2"});
    FAIL() << "every host address skipped";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("skipped"), std::string::npos) << e.what();
  }
  EXPECT_THROW(leases.lease("u-" + pool, pool, {"not-an-address"}), common::Error);
}

TEST(DbAddressLeases, ListsEveryLeaseWithItsAge) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  const std::string pool = fresh_pool();
  const std::string a = leases.lease("l1-" + pool, pool, {});
  db.query(
      "UPDATE address_leases SET created = now() - interval '1 hour'"
      " WHERE instance_id = 'l1-" +
      pool + "'");
  const std::string b = leases.lease("l2-" + pool, pool, {});
  std::map<std::string, db::AddressLease> mine;
  for (const auto& l : leases.list()) {
    if (l.instance_id.find(pool) != std::string::npos) mine[l.instance_id] = l;
  }
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine["l1-" + pool].address, a);
  EXPECT_GE(mine["l1-" + pool].age, std::chrono::seconds(3599));
  EXPECT_EQ(mine["l2-" + pool].address, b);
  EXPECT_LT(mine["l2-" + pool].age, std::chrono::seconds(60));
}

}  // namespace
}  // namespace automat::testing
