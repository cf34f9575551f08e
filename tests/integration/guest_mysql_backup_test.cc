// MySQL backups end to end on the guest: the real MysqlManager and
// MariaDbServer (mariadb-backup, mbstream, zstd) against Debian's MariaDB,
// with the file backup storage in a temporary directory. A source takes a
// full then an incremental backup; fresh instances restored from them hold
// exactly the rows of their point in time. Needs root (mariadbd runs as
// mysql; root reaches it over the unix socket).
#include "datastores/mysql/guest_mysql_backup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "datastores/mysql/guest_mariadb_backup.h"
#include "datastores/mysql/guest_mariadb_server.h"
#include "datastores/mysql/guest_mysql_binaries.h"
#include "datastores/mysql/guest_mysql_manager.h"
#include "guestagent/child_process.h"
#include "storage/storage_target.h"
#include "tests/integration/mariadb_test_support.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using guestagent::run_command;

constexpr int kFirstRows = 20000;
constexpr int kLaterRows = 5000;

// One MariaDB instance of the suite under <dir>/<name>.
struct Instance {
  MysqlLayout layout;
  std::unique_ptr<MysqlManager> manager;
};

// Records progress, and whether the manifest ever existed while data streamed.
class WatchingJobContext : public guestagent::JobContext {
 public:
  WatchingJobContext(storage::BackupStorage& storage, std::string manifest_key)
      : storage_(storage), manifest_key_(std::move(manifest_key)) {}
  void progress(double, const std::string& message) override {
    messages.push_back(message);
    if (storage_.head(manifest_key_)) manifest_seen_early = true;
  }
  bool stopping() const override { return false; }
  std::vector<std::string> messages;
  bool manifest_seen_early = false;

 private:
  storage::BackupStorage& storage_;
  const std::string manifest_key_;
};

class GuestMysqlBackupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(::geteuid(), 0u) << "the MySQL guest runs as root (mariadbd as mysql)";
    common::log::init("guest_mysql_backup_test", "info");
    char tmpl[] = "/tmp/automat-it-backup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    fs::permissions(*dir_, fs::perms::others_exec, fs::perm_options::add);
    fs::create_directories(*dir_ + "/storage");
    storage_ = storage::make_backup_storage(target()).release();
    source_ = make_instance("source");
    source_->manager->prepare(proto::PrepareRequest());
    root_sql(*source_,
             "CREATE DATABASE shop; CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(64)) "
             "ENGINE=InnoDB; INSERT INTO shop.t SELECT seq, MD5(seq) FROM shop.seq_1_to_" +
                 std::to_string(kFirstRows) + ";");
    ready_ = true;
  }

  static void TearDownTestSuite() {
    if (!dir_) return;
    for (Instance* i : instances_) {
      for (pid_t pid : testing::mariadbd_pids(i->layout.config)) ::kill(pid, SIGKILL);
    }
    const auto deadline = Clock::now() + 10s;
    for (Instance* i : instances_) {
      while (!testing::mariadbd_pids(i->layout.config).empty() && Clock::now() < deadline) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::this_thread::sleep_for(20ms);
      }
      delete i;
    }
    delete storage_;
    fs::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  static proto::BackupStorageTarget target() {
    proto::BackupStorageTarget t;
    t.set_driver("file");
    t.set_path(*dir_ + "/storage");
    return t;
  }

  static Instance* make_instance(const std::string& name) {
    std::vector<std::string> taken;
    for (Instance* i : instances_) taken.push_back(addresses_[i]);
    const std::string address = testing::free_loopback_address(taken);
    const std::string instance_dir = *dir_ + "/" + name;
    fs::create_directories(instance_dir);
    fs::permissions(instance_dir, fs::perms::owner_all);
    auto* i = new Instance{MysqlLayout::under(instance_dir), nullptr};
    i->manager = std::make_unique<MysqlManager>(
        std::make_unique<MariaDbServer>(i->layout, address, "it-" + name, ""), i->layout.state_file,
        "it-" + name, 256);
    instances_.push_back(i);
    addresses_[i] = address;
    return i;
  }

  static std::string root_sql(const Instance& i, const std::string& sql) {
    const auto r = run_command({"mariadb", "--no-defaults", "--socket=" + i.layout.socket,
                                "--user=root", "--batch", "--skip-column-names"},
                               sql, 60s);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.output;
    return r.output;
  }

  static proto::mysql::StoreBackupJob job(const std::string& id, const std::string& parent = "",
                                          const std::string& from_lsn = "") {
    proto::mysql::StoreBackupJob j;
    j.set_key("backup-" + id);
    *j.mutable_storage() = target();
    j.set_prefix("backups/" + id + "/");
    j.set_backup_id(id);
    j.set_parent_id(parent);
    j.set_from_lsn(from_lsn);
    j.set_datastore_version("10.11");
    return j;
  }

  static proto::PrepareRequest restore_from(const std::vector<std::string>& ids) {
    proto::mysql::PrepareSettings settings;
    *settings.mutable_storage() = target();
    for (size_t n = 0; n < ids.size(); ++n) {
      auto* link = settings.add_restore_chain();
      link->set_prefix("backups/" + ids[n] + "/");
      link->set_incremental(n > 0);
    }
    proto::PrepareRequest req;
    req.mutable_settings()->PackFrom(settings);
    return req;
  }

  static std::string* dir_;
  static storage::BackupStorage* storage_;
  static Instance* source_;
  static std::vector<Instance*> instances_;
  static std::map<Instance*, std::string> addresses_;
  static bool ready_;
};

std::string* GuestMysqlBackupTest::dir_ = nullptr;
storage::BackupStorage* GuestMysqlBackupTest::storage_ = nullptr;
Instance* GuestMysqlBackupTest::source_ = nullptr;
std::vector<Instance*> GuestMysqlBackupTest::instances_;
std::map<Instance*, std::string> GuestMysqlBackupTest::addresses_;
bool GuestMysqlBackupTest::ready_ = false;

const std::string kCount = "SELECT COUNT(*) FROM shop.t; CHECKSUM TABLE shop.t;";

TEST_F(GuestMysqlBackupTest, FullAndIncrementalBackupsRestoreToTheirOwnPointInTime) {
  const std::string at_full = root_sql(*source_, kCount);
  ASSERT_EQ(at_full.substr(0, at_full.find('\n')), std::to_string(kFirstRows));

  WatchingJobContext full_ctx(*storage_, "backups/full/manifest.json");
  const auto started = Clock::now();
  const proto::BackupManifest full = source_->manager->store_backup(job("full"), full_ctx);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  std::cout << "[ timing ] full backup of " << kFirstRows << " rows: " << took.count() << " ms, "
            << full.size() << " bytes stored, data dir " << full.data_size() << " bytes\n";
  EXPECT_FALSE(full_ctx.manifest_seen_early);
  ASSERT_FALSE(full_ctx.messages.empty());
  EXPECT_TRUE(storage_->head("backups/full/manifest.json"));
  const std::string full_to_lsn = backup_facts(full, "full").to_lsn();
  ASSERT_FALSE(full_to_lsn.empty());
  EXPECT_GT(full.size(), 0);
  EXPECT_EQ(source_->manager->status(), "RUNNING");

  root_sql(*source_, "INSERT INTO shop.t SELECT seq, SHA1(seq) FROM shop.seq_" +
                         std::to_string(kFirstRows + 1) + "_to_" +
                         std::to_string(kFirstRows + kLaterRows) + ";");
  const std::string at_inc = root_sql(*source_, kCount);
  WatchingJobContext inc_ctx(*storage_, "backups/inc/manifest.json");
  const proto::BackupManifest inc =
      source_->manager->store_backup(job("inc", "full", full_to_lsn), inc_ctx);
  EXPECT_TRUE(inc.incremental());
  EXPECT_GT(std::stoull(backup_facts(inc, "inc").to_lsn()), std::stoull(full_to_lsn));
  EXPECT_EQ(backup_facts(inc, "inc").from_lsn(), full_to_lsn);

  Instance* from_full = make_instance("from-full");
  from_full->manager->prepare(restore_from({"full"}));
  EXPECT_EQ(root_sql(*from_full, kCount), at_full);
  EXPECT_EQ(from_full->manager->status(), "RUNNING");

  Instance* from_inc = make_instance("from-inc");
  from_inc->manager->prepare(restore_from({"full", "inc"}));
  EXPECT_EQ(root_sql(*from_inc, kCount), at_inc);
  EXPECT_NE(at_inc, at_full);
  EXPECT_FALSE(fs::exists(from_inc->layout.root + "/restore"));
}

TEST_F(GuestMysqlBackupTest, ABackupFromAnLsnTheServerNeverReachedLeavesNothing) {
  WatchingJobContext ctx(*storage_, "backups/bad-lsn/manifest.json");
  try {
    source_->manager->store_backup(job("bad-lsn", "full", "999999999999999"), ctx);
    ADD_FAILURE() << "an incremental from a future LSN succeeded";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("beyond this server's LSN"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(storage_->list("backups/bad-lsn/").empty());
  EXPECT_FALSE(fs::exists(source_->layout.root + "/backup-scratch"));
  EXPECT_EQ(source_->manager->status(), "RUNNING");
}

TEST_F(GuestMysqlBackupTest, AFailingMariadbBackupSaysWhy) {
  MysqlLayout wrong = source_->layout;
  wrong.socket = source_->layout.root + "/no-such.sock";
  const MariaDbBackupTool tool(wrong, "it-wrong", [](const std::string& name) {
    return find_mariadb_binary(name, "", "mariadb-backup");
  });
  try {
    tool.stream(*storage_, "backups/wrong/data.mbstream.zst", "", nullptr);
    ADD_FAILURE() << "a backup over a missing socket succeeded";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("mariadb-backup --backup | zstd failed"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("no-such.sock"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(source_->layout.root + "/backup-scratch"));
}

TEST_F(GuestMysqlBackupTest, ARestoreFromABackupWithoutManifestFailsAndLeavesTheDataDirEmpty) {
  Instance* orphan = make_instance("orphan");
  try {
    orphan->manager->prepare(restore_from({"never-finished"}));
    ADD_FAILURE() << "a restore without a manifest succeeded";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no manifest"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(orphan->layout.data_dir));
  EXPECT_EQ(orphan->manager->status(), "FAILED");
}

}  // namespace
}  // namespace automat::datastores::mysql
