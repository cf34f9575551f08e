// A node's part of a cluster backup (guest_cassandra_backup.h): which
// snapshot files it takes, and storing them so that a second backup of
// unchanged files sends nothing, on a real directory storage.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_backup.h"
#include "storage/file_storage.h"
#include "storage/sha256.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;

class CassandraBackupFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/automat-cassandra-backup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    data_ = dir_ / "data";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file of the snapshot `tag` of table `table` (directory "<table>-<id>").
  void snapshot_file(const std::string& ks, const std::string& table_dir, const std::string& tag,
                     const std::string& name, const std::string& bytes) {
    const fs::path p = data_ / ks / table_dir / "snapshots" / tag / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }

  fs::path dir_, data_;
};

TEST(CassandraBackupSelection, NamesKeyspacesAndTables) {
  const auto all = TableSelection::parse({});
  EXPECT_TRUE(all.all());
  EXPECT_TRUE(all.selects("shop", "orders"));
  EXPECT_FALSE(all.selects("system", "local"));
  EXPECT_FALSE(all.selects("system_auth", "roles"));

  const auto some = TableSelection::parse({"shop.orders", "logs", "shop.items"});
  EXPECT_FALSE(some.all());
  EXPECT_EQ(some.keyspaces(), (std::vector<std::string>{"logs", "shop"}));
  EXPECT_TRUE(some.selects("shop", "orders"));
  EXPECT_TRUE(some.selects("shop", "items"));
  EXPECT_FALSE(some.selects("shop", "carts"));
  EXPECT_TRUE(some.selects("logs", "anything"));
  EXPECT_FALSE(some.selects("other", "orders"));
  EXPECT_TRUE(some.takes_keyspace("shop"));
  EXPECT_FALSE(some.takes_keyspace("other"));

  // A whole keyspace wins over a table of it, in either order.
  EXPECT_TRUE(TableSelection::parse({"shop", "shop.orders"}).selects("shop", "carts"));
  EXPECT_TRUE(TableSelection::parse({"shop.orders", "shop"}).selects("shop", "carts"));
}

TEST(CassandraBackupSelection, RefusesBadNames) {
  for (const std::string& bad :
       std::vector<std::string>{"", "shop.", ".orders", "sh op", "shop.orders.x", "shop;drop",
                                "system", "system_auth.roles", std::string(49, 'k')}) {
    try {
      TableSelection::parse({bad});
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << bad;
    }
  }
  EXPECT_THROW(validate_snapshot_tag(""), common::Error);
  EXPECT_THROW(validate_snapshot_tag("a/b"), common::Error);
  EXPECT_THROW(validate_snapshot_tag(std::string(65, 'a')), common::Error);
  EXPECT_NO_THROW(validate_snapshot_tag("automat-1f2e-3d4c_5"));
}

TEST(CassandraBackupSelection, TableOfItsDirectory) {
  EXPECT_EQ(table_of_directory("kv-5f3c0a9e1d2b11ef9c3b8d6e5a4f3b2c"), "kv");
  EXPECT_EQ(table_of_directory("my_table-0123"), "my_table");
  EXPECT_EQ(table_of_directory("plain"), "plain");
}

TEST_F(CassandraBackupFilesTest, ListsTheSnapshotsFilesOfTheSelectedTables) {
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Data.db", "orders data");
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Index.db", "idx");
  snapshot_file("shop", "orders-aa11", "t1", ".by_day/nb-1-big-Data.db", "2i");
  snapshot_file("shop", "items-bb22", "t1", "nb-3-big-Data.db", "items");
  snapshot_file("shop", "items-bb22", "other", "nb-9-big-Data.db", "another snapshot");
  snapshot_file("system", "local-cc33", "t1", "nb-1-big-Data.db", "system");
  fs::create_directories(data_ / "shop" / "carts-dd44");  // no snapshot at all

  const auto files = snapshot_files(data_.string(), "t1", TableSelection::parse({}));
  std::vector<std::string> seen;
  for (const auto& f : files) seen.push_back(f.keyspace + "/" + f.table + "/" + f.name);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "shop/items/nb-3-big-Data.db", "shop/orders/.by_day/nb-1-big-Data.db",
                      "shop/orders/nb-1-big-Data.db", "shop/orders/nb-1-big-Index.db"}));
  EXPECT_EQ(files[0].size, 5u);
  EXPECT_TRUE(fs::exists(files[0].path));

  const auto one = snapshot_files(data_.string(), "t1", TableSelection::parse({"shop.items"}));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].table, "items");

  EXPECT_TRUE(snapshot_exists(data_.string(), "t1"));
  EXPECT_TRUE(snapshot_exists(data_.string(), "other"));
  EXPECT_FALSE(snapshot_exists(data_.string(), "t2"));
  EXPECT_TRUE(snapshot_files(data_.string(), "t2", TableSelection::parse({})).empty());
}

TEST_F(CassandraBackupFilesTest, ASecondBackupOfUnchangedFilesSendsNothing) {
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Data.db", std::string(100000, 'x'));
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Index.db", "index");
  snapshot_file("shop", "items-bb22", "t1", "nb-2-big-Data.db", "items");
  storage::FileStorage storage(dir_ / "store");
  const std::string pool = "cassandra-sstables/c1/n1/";
  uint64_t last_done = 0, last_total = 0;
  const auto first =
      store_snapshot_files(storage, snapshot_files(data_.string(), "t1", TableSelection::parse({})),
                           pool, 3, [&](uint64_t done, uint64_t total) {
                             EXPECT_GE(done, last_done);
                             last_done = done;
                             last_total = total;
                           });
  EXPECT_EQ(first.total_bytes, 100000u + 5u + 5u);
  EXPECT_EQ(first.uploaded_bytes, first.total_bytes);
  EXPECT_EQ(last_done, first.total_bytes);
  EXPECT_EQ(last_total, first.total_bytes);
  ASSERT_EQ(first.files.size(), 3u);
  for (const auto& f : first.files) {
    EXPECT_TRUE(f.uploaded()) << f.name();
    EXPECT_EQ(f.key(), pool + f.keyspace() + "/" + f.table() + "/" + f.sha256() + "/" + f.name());
    const auto head = storage.head(f.key());
    ASSERT_TRUE(head) << f.key();
    EXPECT_EQ(head->sha256, f.sha256());
    EXPECT_EQ(static_cast<int64_t>(head->size), f.size());
  }
  EXPECT_EQ(first.files[0].sha256(), storage::Sha256::of("items"));

  // The next snapshot: one file compacted away, one new, two unchanged.
  snapshot_file("shop", "orders-aa11", "t2", "nb-1-big-Data.db", std::string(100000, 'x'));
  snapshot_file("shop", "orders-aa11", "t2", "nb-1-big-Index.db", "index");
  snapshot_file("shop", "items-bb22", "t2", "nb-4-big-Data.db", "items, compacted");
  const auto second = store_snapshot_files(
      storage, snapshot_files(data_.string(), "t2", TableSelection::parse({})), pool, 2, {});
  EXPECT_EQ(second.total_bytes, 100000u + 5u + 16u);
  EXPECT_EQ(second.uploaded_bytes, 16u) << "only the new file is sent";
  int uploaded = 0;
  for (const auto& f : second.files) uploaded += f.uploaded();
  EXPECT_EQ(uploaded, 1);

  // A file of the same name whose bytes differ is stored beside the old
  // one (a backup referencing the old one stays whole).
  snapshot_file("shop", "orders-aa11", "t3", "nb-1-big-Index.db", "other index");
  const auto third = store_snapshot_files(
      storage, snapshot_files(data_.string(), "t3", TableSelection::parse({"shop.orders"})), pool,
      1, {});
  ASSERT_EQ(third.files.size(), 1u);
  EXPECT_TRUE(third.files[0].uploaded());
  EXPECT_NE(third.files[0].key(), first.files[2].key());
  EXPECT_TRUE(storage.head(first.files[2].key()));
}

TEST_F(CassandraBackupFilesTest, AStoredObjectWithOtherBytesIsReplacedNotTrusted) {
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Data.db", "the real bytes");
  storage::FileStorage storage(dir_ / "store");
  const auto files = snapshot_files(data_.string(), "t1", TableSelection::parse({}));
  const std::string key =
      pool_key("p/", files[0], file_sha256(files[0].path));  // where it would go
  std::istringstream wrong("something else");
  storage.put(key, wrong);
  const auto stored = store_snapshot_files(storage, files, "p/", 1, {});
  EXPECT_TRUE(stored.files[0].uploaded());
  std::ostringstream back;
  storage.get(key, back);
  EXPECT_EQ(back.str(), "the real bytes");
}

TEST_F(CassandraBackupFilesTest, AThrottleHoldsTheUploadToItsRate) {
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Data.db", std::string(300000, 'd'));
  snapshot_file("shop", "items-bb22", "t1", "nb-2-big-Data.db", std::string(100000, 'i'));
  storage::FileStorage storage(dir_ / "store");
  // A fake clock that moves only by the throttle's sleeps.
  using Clock = storage::Throttle::Clock;
  Clock::time_point now{};
  Clock::duration slept{};
  storage::Throttle throttle(
      100000,  // bytes a second
      [&] { return now; },
      [&](Clock::duration d) {
        now += d;
        slept += d;
      });
  const auto files = snapshot_files(data_.string(), "t1", TableSelection::parse({}));
  const auto stored = store_snapshot_files(storage, files, "p/", 1, {}, {}, &throttle);
  EXPECT_EQ(stored.uploaded_bytes, 400000u);
  // At 100,000 bytes a second, in chunks of 256 KiB: items' 100,000, then
  // orders' 262,144 and 37,856. The last chunk may start once the 362,144
  // before it took their time.
  EXPECT_NEAR(std::chrono::duration<double>(slept).count(), 3.62144, 0.001);
  for (const auto& f : stored.files) {
    std::ostringstream back;
    storage.get(f.key(), back);
    EXPECT_EQ(back.str(),
              std::string(static_cast<size_t>(f.size()), f.size() == 300000 ? 'd' : 'i'))
        << f.key();
  }
  // A second backup of the same files sends nothing, so waits for nothing.
  const Clock::duration before = slept;
  const auto again = store_snapshot_files(storage, files, "p/", 1, {}, {}, &throttle);
  EXPECT_EQ(again.uploaded_bytes, 0u);
  EXPECT_EQ(slept, before);
}

TEST_F(CassandraBackupFilesTest, AFailingStoreStopsWithItsError) {
  snapshot_file("shop", "orders-aa11", "t1", "nb-1-big-Data.db", "bytes");
  auto files = snapshot_files(data_.string(), "t1", TableSelection::parse({}));
  files.push_back(files[0]);
  files.back().path = (dir_ / "gone").string();  // removed after the listing
  storage::FileStorage storage(dir_ / "store");
  EXPECT_THROW(store_snapshot_files(storage, files, "p/", 2, {}), common::Error);
  EXPECT_THROW(store_snapshot_files(storage, files, "p/", 1, {}, [] { return true; }),
               common::Error);
}

TEST(CassandraRestore, SchemaStatementsBecomeIdempotentCreates) {
  EXPECT_EQ(idempotent_create("CREATE KEYSPACE shop WITH replication = {'class': "
                              "'NetworkTopologyStrategy', 'dc1': '3'} AND durable_writes = true;"),
            "CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': "
            "'NetworkTopologyStrategy', 'dc1': '3'} AND durable_writes = true;");
  EXPECT_EQ(idempotent_create("  CREATE TABLE shop.kv (id int PRIMARY KEY, v text);"),
            "CREATE TABLE IF NOT EXISTS shop.kv (id int PRIMARY KEY, v text);");
  EXPECT_EQ(idempotent_create("create type shop.addr (street text);"),
            "create type IF NOT EXISTS shop.addr (street text);");
  EXPECT_EQ(
      idempotent_create("CREATE CUSTOM INDEX by_v ON shop.kv (v) USING 'StorageAttachedIndex';"),
      "CREATE CUSTOM INDEX IF NOT EXISTS by_v ON shop.kv (v) USING 'StorageAttachedIndex';");
  EXPECT_EQ(idempotent_create("CREATE TABLE IF NOT EXISTS shop.kv (id int PRIMARY KEY);"),
            "CREATE TABLE IF NOT EXISTS shop.kv (id int PRIMARY KEY);");
  for (const std::string& bad : std::vector<std::string>{
           "", "DROP KEYSPACE shop;", "ALTER TABLE shop.kv ADD x int;",
           "INSERT INTO shop.kv (id) VALUES (1);", "CREATE ROLE admin WITH SUPERUSER = true;",
           "GRANT ALL ON KEYSPACE shop TO x;"}) {
    EXPECT_THROW(idempotent_create(bad), common::Error) << bad;
  }
}

TEST(CassandraRestore, LoadsOnlyTheSelectedTablesSSTables) {
  proto::cassandra::NodeBackupManifest m;
  auto add = [&](const std::string& ks, const std::string& table, const std::string& name) {
    auto* f = m.add_files();
    f->set_keyspace(ks);
    f->set_table(table);
    f->set_name(name);
  };
  add("shop", "orders", "nb-1-big-Data.db");
  add("shop", "orders", "nb-1-big-TOC.txt");
  add("shop", "orders", "manifest.json");
  add("shop", "orders", "schema.cql");
  add("shop", "orders", ".by_day/nb-1-big-Data.db");
  add("shop", "items", "nb-2-big-Data.db");
  add("logs", "events", "nb-3-big-Data.db");
  auto names = [](const std::vector<proto::cassandra::SnapshotFile>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.keyspace() + "." + f.table() + "/" + f.name());
    return out;
  };
  EXPECT_EQ(
      names(restore_files(m, TableSelection::parse({}))),
      (std::vector<std::string>{"shop.orders/nb-1-big-Data.db", "shop.orders/nb-1-big-TOC.txt",
                                "shop.items/nb-2-big-Data.db", "logs.events/nb-3-big-Data.db"}));
  EXPECT_EQ(
      names(restore_files(m, TableSelection::parse({"shop.items", "logs"}))),
      (std::vector<std::string>{"shop.items/nb-2-big-Data.db", "logs.events/nb-3-big-Data.db"}));
}

TEST(CassandraBackupJob, ChecksEveryField) {
  proto::cassandra::UploadSnapshotJob job;
  job.set_key("op-1.backup.n1");
  job.set_backup_id("b1");
  job.set_tag("automat-b1");
  job.set_prefix("backups/b1/nodes/n1/");
  job.set_pool("cassandra-sstables/c1/n1/");
  EXPECT_NO_THROW(check_upload_job(job));
  auto bad = [&](auto change) {
    auto j = job;
    change(j);
    EXPECT_THROW(check_upload_job(j), common::Error);
  };
  bad([](auto& j) { j.clear_key(); });
  bad([](auto& j) { j.clear_backup_id(); });
  bad([](auto& j) { j.set_tag("a b"); });
  bad([](auto& j) { j.set_prefix("backups/b1"); });
  bad([](auto& j) { j.set_pool("../x/"); });
  bad([](auto& j) { j.set_concurrency(17); });
  bad([](auto& j) { j.add_keyspaces("system"); });
}

}  // namespace
}  // namespace automat::datastores::cassandra
