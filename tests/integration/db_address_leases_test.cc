// Address leases: lowest free host address, stable per instance, unique
// under concurrency, reusable once released.
#include <gtest/gtest.h>

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
  EXPECT_EQ(leases.lease("a-" + pool, pool), p + ".1");
  EXPECT_EQ(leases.lease("b-" + pool, pool), p + ".2");
  EXPECT_EQ(leases.lease("a-" + pool, pool), p + ".1") << "stable per instance";
  EXPECT_EQ(leases.find("b-" + pool), p + ".2");
  leases.release("a-" + pool);
  EXPECT_FALSE(leases.find("a-" + pool));
  EXPECT_EQ(leases.lease("c-" + pool, pool), p + ".1") << "the released address is reused";
  EXPECT_EQ(leases.lease("d-" + pool, pool), p + ".3");
}

TEST(DbAddressLeases, ConcurrentLeasesAreUnique) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  const std::string pool = fresh_pool();
  std::vector<std::string> got(24);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = leases.lease(pool + "-" + std::to_string(i), pool); });
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
  leases.lease("x1-" + pool, pool);
  leases.lease("x2-" + pool, pool);
  try {
    leases.lease("x3-" + pool, pool);
    FAIL() << "a /30 has two host addresses";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
  EXPECT_FALSE(leases.find("x3-" + pool));
  try {
    leases.lease("y", "not-a-network");
    FAIL() << "expected bad request";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
  }
}

}  // namespace
}  // namespace automat::testing
