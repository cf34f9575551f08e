#pragma once
// The promises of db::AddressLeaseRepository (db/repositories.h), checked
// on any implementation: the PostgreSQL one (db_integration_test) and the
// fake (db_fakes_test) run the same checks.
//
// Each check leases from pools of its own (random /24s of 127.100.0.0 to
// 127.199.255.0), so the store may hold leases of other tests.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "db/repositories.h"

namespace automat::testing {

struct AddressLeaseContractWorld {
  db::AddressLeaseRepository* leases = nullptr;
  // Makes the lease of `instance_id` `age` older than it is.
  std::function<void(const std::string& instance_id, std::chrono::seconds age)> backdate;
};

namespace contract {

// A /24 no other call uses (with high probability).
inline std::string fresh_address_pool() {
  const auto hex = common::crypto::random_hex(2);
  const int b = std::stoi(hex.substr(0, 2), nullptr, 16);
  const int c = std::stoi(hex.substr(2, 2), nullptr, 16);
  return "127." + std::to_string(100 + b % 100) + "." + std::to_string(c) + ".0/24";
}

inline std::string prefix_of(const std::string& cidr) { return cidr.substr(0, cidr.rfind(".0/")); }

inline void expect_code(const std::function<void()>& call, common::ErrorCode code,
                        const std::string& what, const std::string& says = "") {
  try {
    call();
    ADD_FAILURE() << what;
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), code) << what << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
  }
}

}  // namespace contract

inline void check_address_lease_repository_contract(const AddressLeaseContractWorld& w) {
  using contract::expect_code;
  using contract::fresh_address_pool;
  using contract::prefix_of;
  db::AddressLeaseRepository& leases = *w.leases;

  // The lowest free host address, stable per instance, reused once released.
  {
    const std::string pool = fresh_address_pool();
    const std::string p = prefix_of(pool);
    EXPECT_EQ(leases.lease("a-" + pool, pool, {}), p + ".1");
    EXPECT_EQ(leases.lease("b-" + pool, pool, {}), p + ".2");
    EXPECT_EQ(leases.lease("a-" + pool, pool, {}), p + ".1") << "stable per instance";
    EXPECT_EQ(leases.find("b-" + pool), std::optional<std::string>(p + ".2"));
    leases.release("a-" + pool);
    EXPECT_FALSE(leases.find("a-" + pool));
    leases.release("a-" + pool);  // releasing twice is harmless
    EXPECT_EQ(leases.lease("c-" + pool, pool, {}), p + ".1") << "the released address is reused";
    EXPECT_EQ(leases.lease("d-" + pool, pool, {}), p + ".3");
  }

  // Concurrent callers never share an address.
  {
    const std::string pool = fresh_address_pool();
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

  // A full pool is kUnavailable (nothing leased); a malformed one kBadRequest.
  {
    const std::string pool = prefix_of(fresh_address_pool()) + ".0/30";  // hosts .1 and .2
    leases.lease("x1-" + pool, pool, {});
    leases.lease("x2-" + pool, pool, {});
    expect_code([&] { leases.lease("x3-" + pool, pool, {}); }, common::ErrorCode::kUnavailable,
                "a /30 has two host addresses", "full");
    EXPECT_FALSE(leases.find("x3-" + pool));
    expect_code([&] { leases.lease("y", "not-a-network", {}); }, common::ErrorCode::kBadRequest,
                "a malformed pool was accepted");
    expect_code([&] { leases.lease("x1-" + pool, "10.0.0.0/33", {}); },
                common::ErrorCode::kBadRequest, "a malformed pool was accepted for a leaseholder");
  }

  // Skipped addresses are never leased to a new instance.
  {
    const std::string pool = fresh_address_pool();
    const std::string p = prefix_of(pool);
    EXPECT_EQ(leases.lease("s1-" + pool, pool, {p + ".1", p + ".2"}), p + ".3");
    EXPECT_EQ(leases.lease("s2-" + pool, pool, {p + ".2", p + ".4"}), p + ".1");
    EXPECT_EQ(leases.lease("s3-" + pool, pool, {p + ".2", p + ".4"}), p + ".5");
    EXPECT_EQ(leases.lease("s1-" + pool, pool, {p + ".3"}), p + ".3")
        << "an instance keeps its lease; skip is for new ones";
    EXPECT_EQ(leases.lease("s4-" + pool, pool, {"10.0.0.1"}), p + ".2") << "outside the pool";
    const std::string tiny = prefix_of(fresh_address_pool()) + ".0/30";  // hosts .1 and .2
    expect_code(
        [&] {
          leases.lease("t-" + tiny, tiny, {prefix_of(tiny) + ".1", prefix_of(tiny) + ".2"});
        },
        common::ErrorCode::kUnavailable, "every host address skipped", "skipped");
    EXPECT_FALSE(leases.find("t-" + tiny));
    expect_code([&] { leases.lease("u-" + pool, pool, {"not-an-address"}); },
                common::ErrorCode::kBadRequest, "a malformed skipped address was accepted");
    EXPECT_FALSE(leases.find("u-" + pool));
  }

  // Every lease is listed, oldest first, with its age.
  {
    const std::string pool = fresh_address_pool();
    const std::string a = leases.lease("l1-" + pool, pool, {});
    w.backdate("l1-" + pool, std::chrono::hours(1));
    const std::string b = leases.lease("l2-" + pool, pool, {});
    std::map<std::string, db::AddressLease> mine;
    std::vector<std::string> order;
    for (const auto& l : leases.list()) {
      if (l.instance_id.find(pool) == std::string::npos) continue;
      mine[l.instance_id] = l;
      order.push_back(l.instance_id);
    }
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(order.front(), "l1-" + pool) << "oldest first";
    EXPECT_EQ(mine["l1-" + pool].address, a);
    EXPECT_GE(mine["l1-" + pool].age, std::chrono::seconds(3599));
    EXPECT_EQ(mine["l2-" + pool].address, b);
    EXPECT_GE(mine["l2-" + pool].age, std::chrono::seconds(0));
    EXPECT_LT(mine["l2-" + pool].age, std::chrono::seconds(60));
    leases.release("l1-" + pool);
    for (const auto& l : leases.list()) EXPECT_NE(l.instance_id, "l1-" + pool) << "released";
  }
}

}  // namespace automat::testing
