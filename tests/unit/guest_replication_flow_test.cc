// MysqlReplication's steps and decisions over a scripted root client, and
// the replica seed of ReplicationActions (a physical copy per key, held and
// released; installed while mariadbd is down) over a fake server too.
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
#include "datastores/mysql/guest_replication_actions.h"
#include "datastores/mysql/guest_replication_config.h"
#include "tests/fakes/fake_mysql_server.h"

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
// every script (as "sql:<text>").
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

  bool log_bin = false;
  std::string binlog_format = "MIXED";
  bool gtid_strict = false;
  std::string server_id = "1";
  std::string slave_status;
  std::string current_gtid = "0-1-5";
  std::deque<std::string> wait_results;
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
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const SourceSetup a = repl_->enable_source();
  const SourceSetup b = repl_->enable_source("repl_b");
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
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

TEST_F(ReplicationFlowTest, FollowFromACopyIsReadOnlyThenForgetsItsBinlogThenFollows) {
  client_->log_bin = true;
  repl_->follow_from_copy("0-9-42", source());
  const int read_only = position("SET GLOBAL read_only = ON");
  const int reset = position("RESET MASTER");
  const int follow = position("CHANGE MASTER TO MASTER_HOST = '127.10.0.9'");
  ASSERT_GE(read_only, 0);
  EXPECT_LT(read_only, reset);
  EXPECT_LT(reset, follow);
  EXPECT_NE(client_->log[follow].find("SET GLOBAL gtid_slave_pos = '0-9-42'"), std::string::npos);
  EXPECT_NE(client_->log[follow].find("MASTER_USE_GTID = slave_pos"), std::string::npos)
      << client_->log[follow];
  EXPECT_NE(client_->log[follow].find("START SLAVE"), std::string::npos);
  EXPECT_EQ(read(conf_dir(layout_) + "/read_only.cnf"), render_read_only_cnf(true));
}

TEST_F(ReplicationFlowTest, FollowFromACopyWithoutGtidStartsAtTheEmptyPosition) {
  client_->log_bin = true;
  repl_->follow_from_copy("", source());
  const int follow = position("CHANGE MASTER TO");
  ASSERT_GE(follow, 0);
  EXPECT_NE(client_->log[follow].find("SET GLOBAL gtid_slave_pos = ''"), std::string::npos);
  EXPECT_EQ(client_->log[follow].find("gtid_binlog_state"), std::string::npos);
}

TEST_F(ReplicationFlowTest, FollowFromACopyRefusesBadInputBeforeAnyChange) {
  client_->log_bin = true;
  EXPECT_THROW(repl_->follow_from_copy("0-9-x", source()), common::Error);
  ReplicationSource bad = source();
  bad.address = "x';--";
  EXPECT_THROW(repl_->follow_from_copy("0-9-1", bad), common::Error);
  EXPECT_TRUE(client_->log.empty());
  client_->log_bin = false;
  try {
    repl_->follow_from_copy("0-9-1", source());
    ADD_FAILURE() << "followed without binary logging";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  EXPECT_FALSE(logged("read_only"));
}

TEST_F(ReplicationFlowTest, ReplicaSettingsAreWrittenWithoutAskingTheServer) {
  repl_->write_replica_settings();
  EXPECT_TRUE(client_->log.empty());
  EXPECT_EQ(read(conf_dir(layout_) + "/replication.cnf"),
            render_replication_cnf(layout_, server_id_for(kAddress)));
  EXPECT_EQ(read(conf_dir(layout_) + "/read_only.cnf"), render_read_only_cnf(true));
  EXPECT_NE(read(layout_.config).find(conf_dir_include_line(layout_)), std::string::npos);
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

// ReplicationActions' seed over the same scripted client and a fake server;
// while_stopped stops, runs its work and starts the fake as the manager does.
class ReplicaSeedTest : public ReplicationFlowTest {
 protected:
  void SetUp() override {
    ReplicationFlowTest::SetUp();
    area_ = dir_ + "/backups";
    copies_ = std::make_unique<SeedCopies>(area_, "inst-1");
    actions_ = std::make_unique<ReplicationActions>(*repl_, server_, *copies_,
                                                    [this](const std::function<void()>& work) {
                                                      server_.stop();
                                                      work();
                                                      server_.start();
                                                    });
    client_->log_bin = true;
  }
  static proto::mysql::BackupRequest request(const std::string& key, const std::string& holder) {
    proto::mysql::BackupRequest req;
    req.set_key(key);
    req.set_holder(holder);
    return req;
  }
  size_t copies_taken() const {
    const auto calls = server_.calls();
    return std::count_if(calls.begin(), calls.end(),
                         [](const std::string& c) { return c.starts_with("take_copy:"); });
  }
  proto::mysql::FollowRequest follow_request(const proto::mysql::Backup& backup) const {
    proto::mysql::FollowRequest req;
    *req.mutable_backup() = backup;
    req.mutable_source()->set_address("127.10.0.9");
    req.mutable_source()->set_user("automat_repl");
    req.mutable_source()->set_password("pw-123");
    return req;
  }

  std::string area_;
  testing::FakeMysqlServer server_;
  std::unique_ptr<SeedCopies> copies_;
  std::unique_ptr<ReplicationActions> actions_;
};

TEST_F(ReplicaSeedTest, ABatchSharesOneCopyAndTheLastHolderOutRemovesIt) {
  const auto a = actions_->take_backup(request("batch-1", "replica-a"));
  EXPECT_EQ(a.format(), "physical");
  EXPECT_EQ(a.gtid(), "0-1-42");
  EXPECT_EQ(a.path(), area_ + "/batch-1/copy");
  // The second replica of the batch, and a retry of the first: the same copy.
  const auto b = actions_->take_backup(request("batch-1", "replica-b"));
  const auto again = actions_->take_backup(request("batch-1", "replica-a"));
  EXPECT_EQ(b.path(), a.path());
  EXPECT_EQ(again.gtid(), a.gtid());
  EXPECT_EQ(copies_taken(), 1u);

  actions_->release_backup(request("batch-1", "replica-a"));
  actions_->release_backup(request("batch-1", "replica-a"));  // a retried release
  EXPECT_TRUE(fs::exists(a.path())) << "replica-b still holds it";
  actions_->release_backup(request("batch-1", "replica-b"));
  EXPECT_FALSE(fs::exists(area_ + "/batch-1"));
  actions_->release_backup(request("batch-1", "replica-b"));  // nothing left: no error

  // A replica of the batch that comes late gets a fresh copy.
  EXPECT_EQ(actions_->take_backup(request("batch-1", "replica-c")).path(), a.path());
  EXPECT_EQ(copies_taken(), 2u);
}

TEST_F(ReplicaSeedTest, ACopyNeedsBinaryLoggingAndAKeyAndAReleaseAHolder) {
  client_->log_bin = false;
  try {
    actions_->take_backup(request("batch-1", "replica-a"));
    ADD_FAILURE() << "copied without binary logging";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  client_->log_bin = true;
  EXPECT_THROW(actions_->take_backup(request("../x", "replica-a")), common::Error);
  EXPECT_THROW(actions_->release_backup(request("batch-1", "")), common::Error);
  EXPECT_EQ(copies_taken(), 0u);
}

TEST_F(ReplicaSeedTest, AFailedCopyLeavesNothingBehind) {
  server_.fail_copy = "mariadb-backup --backup failed: disk full";
  EXPECT_THROW(actions_->take_backup(request("batch-1", "replica-a")), common::Error);
  EXPECT_FALSE(fs::exists(area_ + "/batch-1"));
  server_.fail_copy.reset();
  EXPECT_EQ(actions_->take_backup(request("batch-1", "replica-a")).gtid(), "0-1-42");
}

TEST_F(ReplicaSeedTest, ANewKeyRemovesUnheldAndAbandonedCopiesButNotHeldOnes) {
  actions_->take_backup(request("unheld", ""));
  fs::create_directories(area_ + "/crashed/copy");  // no record: never completed
  actions_->take_backup(request("held", "replica-a"));
  EXPECT_FALSE(fs::exists(area_ + "/unheld"));
  EXPECT_FALSE(fs::exists(area_ + "/crashed"));
  actions_->take_backup(request("other", "replica-b"));
  EXPECT_TRUE(fs::exists(area_ + "/held/copy"));

  // Held for longer than any seed takes: its replica is gone.
  fs::last_write_time(
      area_ + "/held/backup.json",
      fs::file_time_type::clock::now() - SeedCopies::kHeldLifetime - std::chrono::minutes(1));
  actions_->take_backup(request("newest", "replica-c"));
  EXPECT_FALSE(fs::exists(area_ + "/held"));
  EXPECT_TRUE(fs::exists(area_ + "/other/copy"));
}

TEST_F(ReplicaSeedTest, FollowReplacesTheDataWhileDownThenFollowsFromTheCopysGtid) {
  const auto backup = actions_->take_backup(request("batch-1", "replica-a"));
  server_.start();
  const size_t before = server_.calls().size();
  actions_->follow(follow_request(backup));
  const auto calls = server_.calls();
  ASSERT_EQ(calls.size(), before + 3);
  EXPECT_EQ(calls[before], "stop");
  EXPECT_EQ(calls[before + 1], "replace_data:" + backup.path());
  EXPECT_EQ(calls[before + 2], "start");
  // It came back up read-only with binary logging, then followed.
  EXPECT_EQ(read(conf_dir(layout_) + "/read_only.cnf"), render_read_only_cnf(true));
  EXPECT_TRUE(fs::exists(conf_dir(layout_) + "/replication.cnf"));
  const int follow = position("CHANGE MASTER TO MASTER_HOST = '127.10.0.9'");
  ASSERT_GE(follow, 0);
  EXPECT_NE(client_->log[follow].find("SET GLOBAL gtid_slave_pos = '0-1-42'"), std::string::npos);
  EXPECT_LT(position("RESET MASTER"), follow);
}

TEST_F(ReplicaSeedTest, FollowRefusesADumpOrBadInputBeforeStopping) {
  auto backup = actions_->take_backup(request("batch-1", "replica-a"));
  const size_t before = server_.calls().size();
  proto::mysql::Backup dump = backup;
  dump.set_format("");
  EXPECT_THROW(actions_->follow(follow_request(dump)), common::Error);
  proto::mysql::Backup bad_gtid = backup;
  bad_gtid.set_gtid("0-1-x");
  EXPECT_THROW(actions_->follow(follow_request(bad_gtid)), common::Error);
  auto no_source = follow_request(backup);
  no_source.mutable_source()->set_password("");
  EXPECT_THROW(actions_->follow(no_source), common::Error);
  EXPECT_EQ(server_.calls().size(), before);
}

}  // namespace
}  // namespace automat::datastores::mysql
