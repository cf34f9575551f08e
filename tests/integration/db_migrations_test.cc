// db sync: the embedded migrations apply once, and again harmlessly, even
// from two callers at the same time.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/proto_json.h"
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

// A database of its own, migrated up to (not including) the migration
// `before`, and dropped at the end: to check what that migration does to
// rows written before it.
class DatabaseBefore {
 public:
  DatabaseBefore(const std::string& suffix, const std::string& before)
      : name_(PgTestDb::get().name() + suffix), admin_(PgTestDb::admin_dsn()) {
    {
      pqxx::connection c(admin_);
      pqxx::nontransaction t(c);
      t.exec("CREATE DATABASE " + name_);
    }
    pool_ = std::make_unique<db::ConnectionPool>(PgTestDb::with_database(admin_, name_), 1);
    std::vector<db::Migration> earlier;
    for (const auto& m : db::embedded_migrations()) {
      if (m.version < before) earlier.push_back(m);
    }
    db::Migrator(*pool_, earlier).sync();
  }
  ~DatabaseBefore() {
    pool_.reset();
    pqxx::connection c(admin_);
    pqxx::nontransaction t(c);
    t.exec("DROP DATABASE " + name_ + " WITH (FORCE)");
  }
  DatabaseBefore(const DatabaseBefore&) = delete;
  DatabaseBefore& operator=(const DatabaseBefore&) = delete;

  pqxx::result exec(const std::string& sql) {
    auto lease = pool_->acquire();
    pqxx::nontransaction t(*lease);
    return t.exec(sql);
  }
  // Applies the remaining embedded migrations; answers their versions.
  std::vector<std::string> migrate_rest() { return db::Migrator(*pool_).sync(); }

 private:
  std::string name_;
  std::string admin_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

nlohmann::json json_at(const pqxx::result& rows, int row, int col) {
  return nlohmann::json::parse(rows[row][col].c_str());
}

// 008 splits an operation's params into its input and its checkpoint: a row
// written before it (a grow half done, a promote past its freeze) keeps
// every value, each on its side.
TEST(DbMigrations, OperationParamsSplitIntoInputAndCheckpoint) {
  DatabaseBefore db("_m8", "008");
  db.exec("INSERT INTO tenants (id, name) VALUES ('t1', 't1')");
  db.exec(
      "INSERT INTO operations (id, tenant_id, type, resource_type, resource_id, params) VALUES"
      " ('g', 't1', 'cluster.grow', 'cluster', 'c1',"
      "  '{\"instance_ids\": [\"n4\"], \"prepared\": [\"n4\"], \"joined\": [\"n4\"]}'),"
      " ('p', 't1', 'instance.promote', 'instance', 'i2',"
      "  '{\"old_master\": \"i1\", \"frozen_gtid\": \"0-1-5\"}'),"
      " ('c', 't1', 'instance.create', 'instance', 'i3',"
      "  '{\"users\": [{\"name\": \"app\"}], \"replica_of\": \"i1\", \"prepared\": true}')");
  const auto applied = db.migrate_rest();
  ASSERT_FALSE(applied.empty());
  EXPECT_EQ(applied.front(), "008_operation_input_checkpoint");
  const auto rows = db.exec("SELECT id, input::text, checkpoint::text FROM operations ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(json_at(rows, 0, 1), nlohmann::json::parse(R"({"users": [{"name": "app"}],
                                                           "replica_of": "i1"})"));
  EXPECT_EQ(json_at(rows, 0, 2), nlohmann::json::parse(R"({"prepared": true})"));
  EXPECT_EQ(json_at(rows, 1, 1), nlohmann::json::parse(R"({"instance_ids": ["n4"]})"));
  EXPECT_EQ(json_at(rows, 1, 2),
            nlohmann::json::parse(R"({"prepared": ["n4"], "joined": ["n4"]})"));
  EXPECT_EQ(json_at(rows, 2, 1), nlohmann::json::object());
  EXPECT_EQ(json_at(rows, 2, 2),
            nlohmann::json::parse(R"({"old_master": "i1", "frozen_gtid": "0-1-5"})"));
}

// 009 splits a node's placement from its datastore's record: the rack
// becomes the node's zone, and a Cassandra node's seed flag and dc move into
// its role; a node of another datastore gets an empty role.
TEST(DbMigrations, NodeSeedAndDcMoveIntoTheDatastoresRole) {
  DatabaseBefore db("_m9", "009");
  db.exec(
      "INSERT INTO tenants (id, name) VALUES ('t1', 't1');"
      "INSERT INTO datastores (id, name) VALUES ('dc', 'cassandra'), ('dm', 'mongodb');"
      "INSERT INTO datastore_versions (id, datastore_id, name, manager) VALUES"
      " ('vc', 'dc', '5.0', 'cassandra'), ('vm', 'dm', '7.0', 'mongodb');"
      "INSERT INTO flavors (id, name, ram_mb, vcpus, disk_gb) VALUES ('f', 'f', 1024, 1, 1);"
      "INSERT INTO clusters (id, tenant_id, name, datastore_version_id) VALUES"
      " ('cc', 't1', 'ring', 'vc'), ('cm', 't1', 'set', 'vm');"
      "INSERT INTO instances (id, tenant_id, name, flavor_id, volume_size_gb,"
      " datastore_version_id, cluster_id) VALUES"
      " ('n1', 't1', 'ring-1', 'f', 1, 'vc', 'cc'), ('n2', 't1', 'ring-2', 'f', 1, 'vc', 'cc'),"
      " ('m1', 't1', 'set-1', 'f', 1, 'vm', 'cm');"
      "INSERT INTO nodes (instance_id, cluster_id, seed, dc, rack, ordinal) VALUES"
      " ('n1', 'cc', true, 'dc1', 'r1', 1), ('n2', 'cc', false, 'dc2', 'r2', 2),"
      " ('m1', 'cm', false, 'dc1', 'az1', 1)");
  EXPECT_EQ(db.migrate_rest().front(), "009_node_role");
  const auto rows = db.exec("SELECT instance_id, zone, role::text FROM nodes ORDER BY instance_id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "m1");
  EXPECT_EQ(rows[0][1].as<std::string>(), "az1");
  EXPECT_EQ(json_at(rows, 0, 2), nlohmann::json::object());
  EXPECT_EQ(rows[1][1].as<std::string>(), "r1");
  EXPECT_EQ(json_at(rows, 1, 2), nlohmann::json::parse(R"({"seed": true, "dc": "dc1"})"));
  EXPECT_EQ(rows[2][1].as<std::string>(), "r2");
  EXPECT_EQ(json_at(rows, 2, 2), nlohmann::json::parse(R"({"seed": false, "dc": "dc2"})"));
}

// 015 rewrites a rolling resize's "by" ("node" or "rack") as the typed
// input's enum `turn`: an operation accepted before the upgrade still
// parses, and restarts the same nodes together; other operations keep
// their input.
TEST(DbMigrations, ResizeByBecomesTheTypedTurn) {
  DatabaseBefore db("_m15", "015");
  db.exec("INSERT INTO tenants (id, name) VALUES ('t1', 't1')");
  db.exec(
      "INSERT INTO operations (id, tenant_id, type, resource_type, resource_id, input) VALUES"
      " ('a', 't1', 'cluster.resize_flavor', 'cluster', 'c1',"
      "  '{\"flavor_id\": \"3\", \"by\": \"rack\", \"concurrency\": 2}'),"
      " ('b', 't1', 'cluster.resize_flavor', 'cluster', 'c2',"
      "  '{\"flavor_id\": \"3\", \"by\": \"node\"}'),"
      " ('c', 't1', 'cluster.grow', 'cluster', 'c3', '{\"by\": \"rack\"}')");
  EXPECT_EQ(db.migrate_rest().front(), "015_resize_turn");
  const auto rows = db.exec("SELECT id, input::text FROM operations ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(json_at(rows, 0, 1), nlohmann::json::parse(R"({"flavor_id": "3", "turn": "BY_ZONE",
                                                           "concurrency": 2})"));
  EXPECT_EQ(json_at(rows, 1, 1), nlohmann::json::parse(R"({"flavor_id": "3", "turn": "BY_NODE"})"));
  EXPECT_EQ(json_at(rows, 2, 1), nlohmann::json::parse(R"({"by": "rack"})"));
  proto::ClusterResizeFlavorInput input;
  ASSERT_NO_THROW(input = common::proto_json::decode<proto::ClusterResizeFlavorInput>(
                      json_at(rows, 0, 1), "the migrated input"));
  EXPECT_EQ(input.turn(), proto::ClusterResizeFlavorInput::BY_ZONE);
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
