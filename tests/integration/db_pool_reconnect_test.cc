// The connection pool against a PostgreSQL of the test's own that is
// restarted or killed -9 under it: once the server is back, the first call
// through pg::run succeeds although every pooled connection died meanwhile
// (a broken one is replaced and the call retried once, transparently).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/error.h"
#include "db/pg_support.h"
#include "db/pool.h"
#include "tests/integration/private_postgres.h"

namespace automat::testing {
namespace {

constexpr size_t kPoolSize = 4;

// One call as the repositories make them: a transaction, or a single
// statement outside one.
int select_in_transaction(db::ConnectionPool& pool) {
  return db::pg::run(pool, [](pqxx::connection& c) {
    pqxx::work t(c);
    const int v = t.exec1("SELECT 41 + 1")[0].as<int>();
    t.commit();
    return v;
  });
}

int select_outside_transaction(db::ConnectionPool& pool) {
  return db::pg::run(pool, [](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return t.exec1("SELECT 42")[0].as<int>();
  });
}

// Opens every connection of the pool (all at once, so none is reused) and
// gives them back idle, as a service has them after some traffic.
void fill(db::ConnectionPool& pool) {
  std::vector<db::ConnectionPool::Lease> held;
  for (size_t i = 0; i < kPoolSize; ++i) {
    held.push_back(pool.acquire());
    pqxx::nontransaction t(*held.back());
    t.exec("SELECT 1");
  }
}

class PoolReconnectTest : public ::testing::Test {
 protected:
  PrivatePostgres pg;
  db::ConnectionPool pool{pg.dsn(), kPoolSize};
};

TEST_F(PoolReconnectTest, TheFirstTransactionAfterARestartSucceeds) {
  fill(pool);
  pg.restart();
  EXPECT_EQ(select_in_transaction(pool), 42);
  for (size_t i = 0; i < 2 * kPoolSize; ++i) EXPECT_EQ(select_in_transaction(pool), 42);
}

TEST_F(PoolReconnectTest, TheFirstStatementAfterARestartSucceeds) {
  fill(pool);
  pg.restart();
  EXPECT_EQ(select_outside_transaction(pool), 42);
  for (size_t i = 0; i < 2 * kPoolSize; ++i) EXPECT_EQ(select_outside_transaction(pool), 42);
}

TEST_F(PoolReconnectTest, TheFirstCallAfterAKilledPostmasterCameBackSucceeds) {
  fill(pool);
  pg.kill_postmaster();
  pg.start();  // crash recovery
  EXPECT_EQ(select_in_transaction(pool), 42);
  EXPECT_EQ(select_outside_transaction(pool), 42);
}

TEST_F(PoolReconnectTest, ConcurrentCallersAfterARestartAllSucceed) {
  fill(pool);
  pg.restart();
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (size_t i = 0; i < kPoolSize; ++i) {
    callers.emplace_back([&] {
      if (select_in_transaction(pool) == 42) ++ok;
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), static_cast<int>(kPoolSize));
}

TEST_F(PoolReconnectTest, WorkWhoseConnectionDiesUnderItRunsOnceMoreOnANewConnection) {
  int attempts = 0;
  const int v = db::pg::run(pool, [&](pqxx::connection& c) {
    if (++attempts == 1) pg.restart();  // the leased connection dies under the call
    pqxx::work t(c);
    const int r = t.exec1("SELECT 42")[0].as<int>();
    t.commit();
    return r;
  });
  EXPECT_EQ(v, 42);
  EXPECT_EQ(attempts, 2);
}

TEST_F(PoolReconnectTest, AConnectionThatBreaksAgainFailsUnavailableAfterOneRetry) {
  int attempts = 0;
  try {
    db::pg::run(pool, [&](pqxx::connection& c) {
      ++attempts;
      pg.restart();
      pqxx::nontransaction t(c);
      return t.exec1("SELECT 42")[0].as<int>();
    });
    FAIL() << "expected DatabaseUnavailable";
  } catch (const db::DatabaseUnavailable& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  }
  EXPECT_EQ(attempts, 2) << "retried once, not more";
  EXPECT_EQ(select_in_transaction(pool), 42);
}

TEST_F(PoolReconnectTest, WhileTheServerIsDownACallFailsUnavailableThenWorksOnceItIsBack) {
  fill(pool);
  pg.stop();
  try {
    select_in_transaction(pool);
    FAIL() << "expected the call to fail while PostgreSQL is down";
  } catch (const db::DatabaseUnavailable& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable) << e.what();
  }
  pg.start();
  EXPECT_EQ(select_in_transaction(pool), 42);
}

}  // namespace
}  // namespace automat::testing
