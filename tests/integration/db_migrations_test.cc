// db sync: the embedded migrations apply once, and again harmlessly, even
// from two callers at the same time.
#include <gtest/gtest.h>

#include <thread>

#include "common/error.h"
#include "db/migrator.h"
#include "tests/integration/pg_test_db.h"

namespace automat::testing {
namespace {

TEST(DbMigrations, EmbeddedInVersionOrder) {
  const auto& migrations = db::embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().version, "001_initial");
  EXPECT_NE(migrations.front().sql.find("CREATE TABLE operations"), std::string::npos);
  for (size_t i = 1; i < migrations.size(); ++i) {
    EXPECT_LT(migrations[i - 1].version, migrations[i].version);
  }
}

TEST(DbMigrations, SyncIsIdempotent) {
  auto& db = PgTestDb::get();  // already synced once on creation
  db::Migrator migrator(db.pool());
  EXPECT_TRUE(migrator.sync().empty()) << "a second sync applies nothing";
  EXPECT_EQ(migrator.applied().size(), db::embedded_migrations().size());
  auto tables = db.query(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND"
      " table_name IN ('tenants', 'tokens', 'datastores', 'datastore_versions', 'flavors',"
      " 'instances', 'clusters', 'nodes', 'operations', 'service_statuses',"
      " 'agent_heartbeats', 'conductor_lastseen', 'address_leases')");
  EXPECT_EQ(tables[0][0].as<int>(), 13);
}

TEST(DbMigrations, ConcurrentSyncsOnAFreshDatabaseBothSucceed) {
  auto& shared = PgTestDb::get();
  const std::string name = shared.name() + "_c";
  const std::string admin = PgTestDb::admin_dsn();
  {
    pqxx::connection c(admin);
    pqxx::nontransaction t(c);
    t.exec("CREATE DATABASE " + name);
  }
  db::ConnectionPool pool(PgTestDb::with_database(admin, name), 2);
  std::vector<std::string> a, b;
  std::thread first([&] { a = db::Migrator(pool).sync(); });
  std::thread second([&] { b = db::Migrator(pool).sync(); });
  first.join();
  second.join();
  EXPECT_EQ(a.size() + b.size(), db::embedded_migrations().size())
      << "each migration applied exactly once";
  EXPECT_EQ(db::Migrator(pool).applied().size(), db::embedded_migrations().size());
  pqxx::connection c(admin);
  pqxx::nontransaction t(c);
  t.exec("DROP DATABASE " + name + " WITH (FORCE)");
}

TEST(DbMigrations, FailingMigrationAppliesNothing) {
  auto& db = PgTestDb::get();
  std::vector<db::Migration> migrations = db::embedded_migrations();
  migrations.push_back({"998_good", "CREATE TABLE it_should_vanish (x int)"});
  migrations.push_back({"999_bad", "CREATE TABLE broken ("});
  try {
    db::Migrator(db.pool(), migrations).sync();
    FAIL() << "a broken migration must fail";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("999_bad"), std::string::npos) << e.what();
  }
  auto rows = db.query("SELECT to_regclass('it_should_vanish') IS NULL");
  EXPECT_TRUE(rows[0][0].as<bool>()) << "the whole sync rolled back";
}

TEST(DbPool, UnreachableDatabaseIsUnavailable) {
  db::ConnectionPool pool("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", 1);
  try {
    pool.acquire();
    FAIL() << "connecting to a closed port must fail";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("database unavailable"), std::string::npos);
  }
}

TEST(DbPool, ReplacesAConnectionTheServerClosed) {
  auto& db = PgTestDb::get();
  db::ConnectionPool pool(db.dsn(), 1);
  int pid = 0;
  {
    auto lease = pool.acquire();
    pqxx::nontransaction t(*lease);
    pid = t.exec("SELECT pg_backend_pid()")[0][0].as<int>();
  }
  db.query("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  // The repositories' retry discards the dead connection and reconnects.
  db::Migrator migrator(pool);
  EXPECT_EQ(migrator.applied().size(), db::embedded_migrations().size());
}

}  // namespace
}  // namespace automat::testing
