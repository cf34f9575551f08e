// MysqlReplication's steps and decisions over a scripted root client.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_config.h"
#include "datastores/mysql/guest_replication.h"
#include "datastores/mysql/guest_replication_config.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kAddress = "127.10.0.5";

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Answers the queries MysqlReplication makes from its fields and records
// every script (as "sql:<text>"), dump ("dump:<path>") and restore.
class FakeRootClient : public MysqlRootClient {
 public:
  std::string query(const SqlScript& script) override {
    log.push_back("sql:" + script.text);
    secrets.insert(secrets.end(), script.secrets.begin(), script.secrets.end());
    const std::string& t = script.text;
    if (t.find("@@GLOBAL.log_bin") != std::string::npos) {
      return "log_bin\tlog_slave_updates\tbinlog_format\tgtid_strict_mode\tserver_id\n" +
             std::string(log_bin ? "1\t1" : "0\t0") + "\t" + binlog_format + "\t" +
             (gtid_strict ? "1" : "0") + "\t" + server_id + "\n";
    }
    if (t.starts_with("SHOW SLAVE STATUS")) return slave_status;
    if (t.find("gtid_current_pos") != std::string::npos) return "gtid\n" + current_gtid + "\n";
    if (t.find("MASTER_GTID_WAIT") != std::string::npos) {
      const std::string r = wait_results.empty() ? "-1" : wait_results.front();
      if (!wait_results.empty()) wait_results.pop_front();
      return "reached\n" + r + "\n";
    }
    return "";
  }
  void dump_all(const std::string& path) override {
    log.push_back("dump:" + path);
    std::ofstream(path, std::ios::trunc) << dump_text;
  }
  void restore(const std::string& path) override { log.push_back("restore:" + path); }

  bool log_bin = false;
  std::string binlog_format = "MIXED";
  bool gtid_strict = false;
  std::string server_id = "1";
  std::string slave_status;
  std::string current_gtid = "0-1-5";
  std::deque<std::string> wait_results;
  std::string dump_text =
      "-- MariaDB dump\nDATA\n-- SET GLOBAL gtid_slave_pos='0-2131361797-17';\n"
      "-- Dump completed on 2026-01-01\n";
  std::vector<std::string> log;
  std::vector<std::string> secrets;
};

std::string status_row(const std::string& io, const std::string& sql, const std::string& behind,
                       const std::string& sql_error) {
  return "Slave_IO_Running\tSlave_SQL_Running\tSeconds_Behind_Master\tLast_IO_Error\t"
         "Last_SQL_Error\n" +
         io + "\t" + sql + "\t" + behind + "\t\t" + sql_error + "\n";
}

class ReplicationFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/automat-ut-repl-flow-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    layout_ = MysqlLayout::under(dir_ + "/instance");
    fs::create_directories(layout_.root);
    std::ofstream(layout_.config) << render_my_cnf({kAddress, layout_, 512});
    auto client = std::make_unique<FakeRootClient>();
    client_ = client.get();
    repl_ = std::make_unique<MysqlReplication>(layout_, kAddress, "inst-1", std::move(client));
  }
  void TearDown() override { fs::remove_all(dir_); }

  bool logged(const std::string& fragment) const {
    for (const auto& l : client_->log) {
      if (l.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  // Index of the first log entry containing `fragment`, or -1.
  int position(const std::string& fragment) const {
    for (size_t i = 0; i < client_->log.size(); ++i) {
      if (client_->log[i].find(fragment) != std::string::npos) return static_cast<int>(i);
    }
    return -1;
  }
  ReplicationSource source() const { return {"127.10.0.9", 3306, "automat_repl", "pw-123"}; }
  std::string backup_file() const {
    const std::string path = dir_ + "/seed.sql";
    std::ofstream(path) << "-- dump\n";
    return path;
  }

  std::string dir_;
  MysqlLayout layout_;
  FakeRootClient* client_ = nullptr;
  std::unique_ptr<MysqlReplication> repl_;
};

TEST_F(ReplicationFlowTest, SettingsNeedARestartUntilBinlogIsOn) {
  EXPECT_TRUE(repl_->apply_binlog_settings());
  EXPECT_NE(read(layout_.config).find(conf_dir_include_line(layout_)), std::string::npos);
  const std::string cnf = read(conf_dir(layout_) + "/replication.cnf");
  EXPECT_EQ(cnf, render_replication_cnf(layout_, server_id_for(kAddress)));
  EXPECT_TRUE(logged("SET GLOBAL binlog_format = 'ROW'"));
  EXPECT_TRUE(logged("SET GLOBAL gtid_strict_mode = ON"));
  EXPECT_TRUE(logged("SET GLOBAL server_id = " + std::to_string(server_id_for(kAddress))));

  // Once the server runs with the settings, nothing is changed or restarted.
  client_->log.clear();
  client_->log_bin = true;
  client_->binlog_format = "ROW";
  client_->gtid_strict = true;
  client_->server_id = std::to_string(server_id_for(kAddress));
  EXPECT_FALSE(repl_->apply_binlog_settings());
  EXPECT_FALSE(logged("SET GLOBAL"));
}

TEST_F(ReplicationFlowTest, EnableSourceGivesAFreshPasswordEachTime) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const SourceSetup a = repl_->enable_source();
  const SourceSetup b = repl_->enable_source("repl_b");
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(a.restart_needed);
  EXPECT_EQ(a.user.name, "automat_repl");
  EXPECT_EQ(b.user.name, "repl_b");
  EXPECT_EQ(a.user.password.size(), 32u);
  EXPECT_NE(a.user.password, b.user.password);
  EXPECT_TRUE(logged("GRANT REPLICATION SLAVE ON *.* TO 'automat_repl'@'%'"));
  EXPECT_TRUE(logged("IDENTIFIED BY '" + a.user.password + "'"));
  // The password is a secret of the script and never printed.
  EXPECT_NE(std::find(client_->secrets.begin(), client_->secrets.end(), a.user.password),
            client_->secrets.end());
  EXPECT_NE(out.find("mysql.replication.source_enabled"), std::string::npos) << out << err;
  EXPECT_EQ((out + err).find(a.user.password), std::string::npos);
  EXPECT_THROW(repl_->enable_source("root"), common::Error);
}

TEST_F(ReplicationFlowTest, BackupNeedsBinlog) {
  try {
    repl_->take_backup(dir_ + "/backups");
    ADD_FAILURE() << "took a backup without binary logging";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("binary logging is off"), std::string::npos);
  }
  EXPECT_FALSE(logged("dump:"));
}

TEST_F(ReplicationFlowTest, BackupIsAPrivateFileWithItsGtid) {
  client_->log_bin = true;
  const ReplicationBackup b = repl_->take_backup(dir_ + "/backups");
  EXPECT_EQ(b.gtid, "0-2131361797-17");
  EXPECT_EQ(fs::path(b.path).parent_path(), fs::path(dir_ + "/backups"));
  EXPECT_TRUE(logged("dump:" + b.path));
  struct stat st {};
  ASSERT_EQ(::stat(b.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/backups").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // A second backup never overwrites the first.
  EXPECT_NE(repl_->take_backup(dir_ + "/backups").path, b.path);
}

TEST_F(ReplicationFlowTest, IncompleteDumpIsRemoved) {
  client_->log_bin = true;
  client_->dump_text = "-- MariaDB dump\n-- SET GLOBAL gtid_slave_pos='0-1-2';\n";  // cut short
  EXPECT_THROW(repl_->take_backup(dir_ + "/backups"), common::Error);
  EXPECT_TRUE(fs::is_empty(dir_ + "/backups"));
}

TEST_F(ReplicationFlowTest, RestoreIsReadOnlyBeforeItTouchesDataAndFollowsLast) {
  client_->log_bin = true;
  const std::string path = backup_file();
  repl_->restore_and_follow({path, "0-9-42"}, source());
  const int read_only = position("SET GLOBAL read_only = ON");
  const int reset = position("RESET MASTER");
  const int restore = position("restore:" + path);
  const int follow = position("CHANGE MASTER TO MASTER_HOST = '127.10.0.9'");
  ASSERT_GE(read_only, 0);
  EXPECT_LT(read_only, reset);
  EXPECT_LT(reset, restore);
  EXPECT_LT(restore, follow);
  EXPECT_NE(client_->log[follow].find("SET GLOBAL gtid_slave_pos = '0-9-42'"), std::string::npos);
  EXPECT_NE(client_->log[follow].find("START SLAVE"), std::string::npos);
  EXPECT_EQ(read(conf_dir(layout_) + "/read_only.cnf"), render_read_only_cnf(true));
}

TEST_F(ReplicationFlowTest, RestoreRefusesBadInputBeforeAnyChange) {
  client_->log_bin = true;
  const std::string path = backup_file();
  EXPECT_THROW(repl_->restore_and_follow({path, "0-9-x"}, source()), common::Error);
  ReplicationSource bad = source();
  bad.address = "x';--";
  EXPECT_THROW(repl_->restore_and_follow({path, "0-9-1"}, bad), common::Error);
  EXPECT_THROW(repl_->restore_and_follow({dir_ + "/missing.sql", "0-9-1"}, source()),
               common::Error);
  EXPECT_TRUE(client_->log.empty());
  client_->log_bin = false;
  try {
    repl_->restore_and_follow({path, "0-9-1"}, source());
    ADD_FAILURE() << "followed without binary logging";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  EXPECT_FALSE(logged("read_only"));
}

TEST_F(ReplicationFlowTest, RepointIsReadOnlyFirstAndKeepsTheData) {
  client_->log_bin = true;
  repl_->follow_from_current_position(source());
  const int read_only = position("SET GLOBAL read_only = ON");
  const int repoint = position("gtid_slave_pos = @@GLOBAL.gtid_current_pos");
  ASSERT_GE(read_only, 0);
  EXPECT_LT(read_only, repoint);
  EXPECT_NE(client_->log[repoint].find("MASTER_HOST = '127.10.0.9'"), std::string::npos);
  EXPECT_FALSE(logged("RESET MASTER"));
  EXPECT_FALSE(logged("restore:"));
  client_->log.clear();
  ReplicationSource bad = source();
  bad.user = "";
  EXPECT_THROW(repl_->follow_from_current_position(bad), common::Error);
  EXPECT_TRUE(client_->log.empty());
}

TEST_F(ReplicationFlowTest, HealthComesFromSlaveStatus) {
  EXPECT_FALSE(repl_->health());
  client_->slave_status = status_row("Yes", "No", "NULL", "Duplicate entry '7'");
  const auto h = repl_->health();
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->io_running());
  EXPECT_FALSE(h->sql_running());
  EXPECT_EQ(h->seconds_behind(), -1);
  EXPECT_EQ(h->last_error(), "replication SQL thread: Duplicate entry '7'");
}

TEST_F(ReplicationFlowTest, DetachStopsThenMakesWritable) {
  repl_->detach();
  const int stop = position("RESET SLAVE ALL");
  const int writable = position("SET GLOBAL read_only = OFF");
  ASSERT_GE(stop, 0);
  EXPECT_LT(stop, writable);
  EXPECT_EQ(read(conf_dir(layout_) + "/read_only.cnf"), render_read_only_cnf(false));
  repl_->drop_replication_user("automat_repl");
  EXPECT_TRUE(logged("DROP USER IF EXISTS 'automat_repl'@'%'"));
}

TEST_F(ReplicationFlowTest, CurrentGtid) { EXPECT_EQ(repl_->current_gtid(), "0-1-5"); }

TEST_F(ReplicationFlowTest, WaitReturnsOnceTheGtidIsApplied) {
  client_->slave_status = status_row("Yes", "Yes", "1", "");
  client_->wait_results = {"-1", "-1", "0"};
  EXPECT_TRUE(repl_->wait_caught_up("0-1-9", std::chrono::steady_clock::now() + 60s));
  EXPECT_TRUE(client_->wait_results.empty());
  EXPECT_TRUE(logged("MASTER_GTID_WAIT('0-1-9', 1.000)"));
}

TEST_F(ReplicationFlowTest, WaitGivesUpAtTheDeadline) {
  client_->slave_status = status_row("Yes", "Yes", "30", "");
  EXPECT_FALSE(repl_->wait_caught_up("0-1-9", std::chrono::steady_clock::now()));
  EXPECT_TRUE(logged("MASTER_GTID_WAIT('0-1-9', 0.000)"));
}

TEST_F(ReplicationFlowTest, WaitFailsFastWhenReplicationIsBroken) {
  client_->slave_status = status_row("Yes", "No", "NULL", "Duplicate entry '7'");
  try {
    repl_->wait_caught_up("0-1-9", std::chrono::steady_clock::now() + 60s);
    ADD_FAILURE() << "waited on a broken replica";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("Duplicate entry '7'"), std::string::npos) << e.what();
  }
  client_->slave_status = "";
  EXPECT_THROW(repl_->wait_caught_up("0-1-9", std::chrono::steady_clock::now() + 60s),
               common::Error);
}

}  // namespace
}  // namespace automat::datastores::mysql
