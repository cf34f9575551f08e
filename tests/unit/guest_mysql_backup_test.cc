// MySQL backups on the guest without MariaDB: the manifest and checkpoint
// functions (guest_mysql_backup.h), and what MysqlManager decides around a
// backup or a restore over a scripted server and a file storage.
#include "datastores/mysql/guest_mysql_backup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_manager.h"
#include "storage/storage_target.h"
#include "tests/fakes/fake_mysql_server.h"

namespace automat::datastores::mysql {
namespace {

using testing::FakeMysqlServer;

// Throws unless `f` throws common::Error with `code`; returns its message.
template <typename F>
std::string error_of(F&& f, common::ErrorCode code) {
  try {
    f();
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected a common::Error";
  return "";
}

proto::mysql::StoreBackupJob full_job(const std::string& storage_dir) {
  proto::mysql::StoreBackupJob job;
  job.set_key("backup-b1");
  job.mutable_storage()->set_driver("file");
  job.mutable_storage()->set_path(storage_dir);
  job.set_prefix("backups/b1/");
  job.set_backup_id("b1");
  job.set_datastore_version("10.11");
  return job;
}

TEST(MysqlBackupFacts, CheckpointsGiveTheLsnsOfAnIncremental) {
  const Checkpoints c = parse_checkpoints(
      "backup_type = incremental\nfrom_lsn = 45213\nto_lsn = 46811\nlast_lsn = 46811\n"
      "recover_binlog_info = 0\n");
  EXPECT_EQ(c.backup_type, "incremental");
  EXPECT_EQ(c.from_lsn, "45213");
  EXPECT_EQ(c.to_lsn, "46811");
}

TEST(MysqlBackupFacts, CheckpointsWithoutToLsnAreAnError) {
  error_of([] { parse_checkpoints("backup_type = full-backuped\nfrom_lsn = 0\n"); },
           common::ErrorCode::kInternal);
  error_of([] { parse_checkpoints("to_lsn = 12ab\n"); }, common::ErrorCode::kInternal);
}

// mariadb_backup_binlog_info as mariadb-backup 10.11 writes it: file,
// position and the GTID list, tab-separated.
TEST(MysqlBackupFacts, BinlogInfoGivesTheCopysGtidPosition) {
  const BinlogPosition p = parse_binlog_info("mysql-bin.000003\t1234\t0-1-42\n");
  EXPECT_EQ(p.file, "mysql-bin.000003");
  EXPECT_EQ(p.position, "1234");
  EXPECT_EQ(p.gtid, "0-1-42");
  EXPECT_EQ(parse_binlog_info("mysql-bin.000001\t99\t0-1-5,1-7-3\n").gtid, "0-1-5,1-7-3");
}

TEST(MysqlBackupFacts, BinlogInfoOfAMasterWithoutGtidHasAnEmptyPosition) {
  EXPECT_EQ(parse_binlog_info("mysql-bin.000001\t328\t\n").gtid, "");
  EXPECT_EQ(parse_binlog_info("mysql-bin.000001\t328\n").gtid, "");
  EXPECT_EQ(parse_binlog_info("mysql-bin.000001\t328").position, "328");
}

TEST(MysqlBackupFacts, BinlogInfoWithoutPositionOrWithABadGtidIsAnError) {
  error_of([] { parse_binlog_info(""); }, common::ErrorCode::kInternal);
  error_of([] { parse_binlog_info("mysql-bin.000001\n"); }, common::ErrorCode::kInternal);
  error_of([] { parse_binlog_info("mysql-bin.000001\tx12\t0-1-2\n"); },
           common::ErrorCode::kInternal);
  error_of([] { parse_binlog_info("mysql-bin.000001\t12\t0-1-2'; DROP\n"); },
           common::ErrorCode::kInternal);
}

TEST(MysqlBackupFacts, TheManifestNamesTheDataObjectAndRoundTripsThroughJson) {
  proto::mysql::StoreBackupJob job = full_job("/srv/backups");
  job.set_parent_id("b0");
  job.set_from_lsn("100");
  const StreamedBackup streamed{{"backups/b1/data.mbstream.zst", 1234, "ab12"}, "100", "200", 9999};
  const proto::BackupManifest m = make_backup_manifest(job, streamed, 77);
  const proto::BackupManifest back =
      parse_backup_manifest(backup_manifest_json(m), "the manifest of b1");
  EXPECT_EQ(back.backup_id(), "b1");
  EXPECT_EQ(back.datastore(), "mysql");
  EXPECT_EQ(back.datastore_version(), "10.11");
  EXPECT_TRUE(back.incremental());
  EXPECT_EQ(back.parent_id(), "b0");
  ASSERT_EQ(back.objects_size(), 1);
  EXPECT_EQ(back.objects(0).key(), "backups/b1/data.mbstream.zst");
  EXPECT_EQ(back.objects(0).size(), 1234);
  EXPECT_EQ(back.objects(0).sha256(), "ab12");
  EXPECT_EQ(back.size(), 1234);
  EXPECT_EQ(back.data_size(), 9999);
  EXPECT_EQ(back.created_us(), 77);
  const proto::mysql::BackupFacts facts = backup_facts(back, "b1");
  EXPECT_EQ(facts.from_lsn(), "100");
  EXPECT_EQ(facts.to_lsn(), "200");
  EXPECT_EQ(facts.format(), "mbstream");
  EXPECT_EQ(facts.compression(), "zstd");
  EXPECT_EQ(facts.data_key(), "backups/b1/data.mbstream.zst");
}

TEST(MysqlBackupFacts, AManifestWithoutMysqlFactsIsRefused) {
  proto::BackupManifest m;
  m.set_backup_id("c1");
  m.set_datastore("cassandra");
  error_of([&] { backup_facts(m, "the backup c1"); }, common::ErrorCode::kBadRequest);
  error_of([] { parse_backup_manifest("{\"backup_id\": 3, \"nope\": 1}", "x"); },
           common::ErrorCode::kInternal);
}

TEST(MysqlBackupFacts, AnInvalidJobIsABadRequest) {
  auto with = [](auto change) {
    proto::mysql::StoreBackupJob job = full_job("/srv/backups");
    change(job);
    return job;
  };
  using Job = proto::mysql::StoreBackupJob;
  for (const Job& job : {with([](Job& j) { j.set_prefix("backups/b1"); }),
                         with([](Job& j) { j.set_prefix("../b1/"); }),
                         with([](Job& j) { j.set_backup_id(""); }), with([](Job& j) {
                           j.set_parent_id("b0");
                           j.set_from_lsn("12; rm -rf /");
                         }),
                         with([](Job& j) { j.set_from_lsn("12"); })}) {
    error_of([&] { check_store_backup_job(job); }, common::ErrorCode::kBadRequest);
  }
  check_store_backup_job(full_job("/srv/backups"));
}

TEST(MysqlBackupFacts, AnIncrementalEndingBeforeItsStartIsRefused) {
  check_incremental_lsns("", "5");
  check_incremental_lsns("45213", "45213");
  check_incremental_lsns("999", "1000");
  error_of([] { check_incremental_lsns("1000", "999"); }, common::ErrorCode::kBadRequest);
  error_of([] { check_incremental_lsns("45214", "45213"); }, common::ErrorCode::kBadRequest);
}

TEST(MysqlBackupFacts, ProgressSaysHowMuchOfTheEstimate) {
  EXPECT_EQ(backup_progress_message(120ull << 20, 400ull << 20),
            "streamed 120 MiB of about 400 MiB");
  // An estimate passed is no longer an estimate.
  EXPECT_EQ(backup_progress_message(500ull << 20, 400ull << 20),
            "streamed 500 MiB of about 500 MiB");
}

class RecordingJobContext : public guestagent::JobContext {
 public:
  void progress(double fraction, const std::string& message) override {
    fractions.push_back(fraction);
    messages.push_back(message);
  }
  bool stopping() const override { return false; }
  std::vector<double> fractions;
  std::vector<std::string> messages;
};

class MysqlManagerBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/automat-guest-backup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/storage");
    auto server = std::make_unique<FakeMysqlServer>();
    server_ = server.get();
    manager_ = std::make_unique<MysqlManager>(std::move(server), dir_ + "/state", "inst-1", 512);
    storage_ = storage::make_backup_storage(full_job(storage_dir()).storage());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string storage_dir() const { return dir_ + "/storage"; }

  static proto::PrepareRequest restore_request(const std::vector<proto::mysql::RestoreLink>& chain,
                                               const std::string& storage_dir) {
    proto::PrepareRequest req;
    req.add_databases()->set_name("shop");
    proto::mysql::PrepareSettings settings;
    settings.mutable_storage()->set_driver("file");
    settings.mutable_storage()->set_path(storage_dir);
    for (const auto& link : chain) *settings.add_restore_chain() = link;
    req.mutable_settings()->PackFrom(settings);
    return req;
  }
  static proto::mysql::RestoreLink link(const std::string& prefix, bool incremental) {
    proto::mysql::RestoreLink l;
    l.set_prefix(prefix);
    l.set_incremental(incremental);
    return l;
  }

  std::string dir_;
  FakeMysqlServer* server_ = nullptr;
  std::unique_ptr<MysqlManager> manager_;
  storage::BackupStoragePtr storage_;
};

TEST_F(MysqlManagerBackupTest, ABackupBeforePrepareIsAConflictAndTouchesNothing) {
  error_of([&] { manager_->check_store_backup(full_job(storage_dir())); },
           common::ErrorCode::kConflict);
  RecordingJobContext ctx;
  error_of([&] { manager_->store_backup(full_job(storage_dir()), ctx); },
           common::ErrorCode::kConflict);
  EXPECT_TRUE(server_->calls().empty());
  EXPECT_TRUE(storage_->list("").empty());
}

TEST_F(MysqlManagerBackupTest, ABackupStoresTheDataThenItsManifest) {
  manager_->prepare(proto::PrepareRequest());
  manager_->check_store_backup(full_job(storage_dir()));
  RecordingJobContext ctx;
  const proto::BackupManifest m = manager_->store_backup(full_job(storage_dir()), ctx);
  EXPECT_EQ(server_->calls().back(), "stream_backup:backups/b1/data.mbstream.zst");
  const auto objects = storage_->list("backups/b1/");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "backups/b1/data.mbstream.zst");
  EXPECT_EQ(objects[1].key, "backups/b1/manifest.json");
  std::ostringstream text;
  storage_->get("backups/b1/manifest.json", text);
  const proto::BackupManifest stored = parse_backup_manifest(text.str(), "manifest");
  EXPECT_EQ(stored.objects(0).sha256(), storage_->head(objects[0].key)->sha256);
  EXPECT_EQ(backup_facts(stored, "b1").to_lsn(), "4242");
  EXPECT_EQ(m.backup_id(), "b1");
  EXPECT_FALSE(m.incremental());
  ASSERT_FALSE(ctx.messages.empty());
  EXPECT_EQ(ctx.messages.back(), "streamed 0 MiB of about 0 MiB");
  EXPECT_DOUBLE_EQ(ctx.fractions.back(), 0.5);
  EXPECT_EQ(manager_->status(), "RUNNING");
}

TEST_F(MysqlManagerBackupTest, AFailedBackupLeavesNothingUnderItsPrefix) {
  manager_->prepare(proto::PrepareRequest());
  server_->fail_backup = "mariadb-backup: Got error 2002 connecting";
  RecordingJobContext ctx;
  const std::string message = error_of(
      [&] { manager_->store_backup(full_job(storage_dir()), ctx); }, common::ErrorCode::kInternal);
  EXPECT_NE(message.find("error 2002"), std::string::npos);
  EXPECT_TRUE(storage_->list("backups/b1/").empty());
}

TEST_F(MysqlManagerBackupTest, AnIncrementalFromAnLsnBeyondTheServersIsRemoved) {
  manager_->prepare(proto::PrepareRequest());
  proto::mysql::StoreBackupJob job = full_job(storage_dir());
  job.set_parent_id("b0");
  job.set_from_lsn("99999");  // the fake's to_lsn is 4242
  RecordingJobContext ctx;
  error_of([&] { manager_->store_backup(job, ctx); }, common::ErrorCode::kBadRequest);
  EXPECT_TRUE(storage_->list("backups/b1/").empty());
}

TEST_F(MysqlManagerBackupTest, ABackupOfAStoppedServerIsRefused) {
  manager_->prepare(proto::PrepareRequest());
  manager_->stop();
  RecordingJobContext ctx;
  error_of([&] { manager_->store_backup(full_job(storage_dir()), ctx); },
           common::ErrorCode::kUnavailable);
  EXPECT_TRUE(storage_->list("").empty());
}

TEST_F(MysqlManagerBackupTest, PrepareWithAChainRestoresInsteadOfInstalling) {
  const std::vector<proto::mysql::RestoreLink> chain = {link("backups/full/", false),
                                                        link("backups/inc1/", true)};
  manager_->prepare(restore_request(chain, storage_dir()));
  EXPECT_EQ(server_->calls(),
            (std::vector<std::string>{"configure:512", "restore:2", "start", "sql"}));
  ASSERT_EQ(server_->restored().size(), 1u);
  EXPECT_EQ(server_->restored()[0][1].prefix(), "backups/inc1/");
  EXPECT_NE(server_->scripts().at(0).find("CREATE DATABASE IF NOT EXISTS `shop`"),
            std::string::npos);
  EXPECT_EQ(manager_->status(), "RUNNING");

  // A later prepare of the restored instance does not restore again.
  manager_->prepare(restore_request(chain, storage_dir()));
  EXPECT_EQ(server_->restored().size(), 1u);
}

TEST_F(MysqlManagerBackupTest, AChainNotStartingWithAFullBackupIsRefusedBeforeAnyWork) {
  for (const auto& chain : std::vector<std::vector<proto::mysql::RestoreLink>>{
           {link("backups/inc1/", true)},
           {link("backups/full/", false), link("backups/full2/", false)},
           {link("backups/full", false)}}) {
    error_of([&] { manager_->prepare(restore_request(chain, storage_dir())); },
             common::ErrorCode::kBadRequest);
  }
  EXPECT_TRUE(server_->calls().empty());
}

TEST_F(MysqlManagerBackupTest, AnEmptyChainInstallsAFreshInstance) {
  manager_->prepare(restore_request({}, storage_dir()));
  EXPECT_EQ(server_->calls().at(1), "install");
}

}  // namespace
}  // namespace automat::datastores::mysql
