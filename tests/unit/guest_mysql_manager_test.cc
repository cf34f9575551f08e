// MysqlManager's decisions and status transitions over a scripted server.
#include "datastores/mysql/guest_mysql_manager.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>

#include "common/error.h"
#include "common/status.h"
#include "tests/fakes/fake_mysql_server.h"

namespace automat::datastores::mysql {
namespace {

using namespace std::chrono_literals;

using testing::FakeMysqlServer;

class MysqlManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/automat-guest-manager-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    make_manager();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A new manager over the same state file, as after an agent restart.
  void make_manager() {
    auto server = std::make_unique<FakeMysqlServer>();
    server_ = server.get();
    manager_ = std::make_unique<MysqlManager>(std::move(server), dir_ + "/state", "inst-1", 512);
  }

  static proto::PrepareRequest request() {
    proto::PrepareRequest req;
    req.add_databases()->set_name("shop");
    auto* u = req.add_users();
    u->set_name("alice");
    u->set_password("secret");
    u->add_databases("shop");
    return req;
  }

  std::string dir_;
  FakeMysqlServer* server_ = nullptr;
  std::unique_ptr<MysqlManager> manager_;
};

TEST_F(MysqlManagerTest, NewUntilPreparedThenRunning) {
  EXPECT_EQ(manager_->status(), "NEW");
  manager_->prepare(request());
  EXPECT_EQ(manager_->status(), "RUNNING");
  EXPECT_EQ(server_->calls(),
            (std::vector<std::string>{"configure:512", "install", "start", "sql"}));
  const std::string sql = server_->scripts().at(0);
  EXPECT_NE(sql.find("DROP DATABASE IF EXISTS test"), std::string::npos);
  EXPECT_NE(sql.find("CREATE DATABASE IF NOT EXISTS `shop`"), std::string::npos);
  EXPECT_NE(sql.find("CREATE USER IF NOT EXISTS 'alice'@'%'"), std::string::npos);
}

TEST_F(MysqlManagerTest, BuildingWhilePrepareRuns) {
  server_->hold_start(true);
  auto done = std::async(std::launch::async, [this] { manager_->prepare(request()); });
  ASSERT_TRUE(server_->made(3));
  ASSERT_EQ(server_->calls().back(), "start");
  EXPECT_EQ(manager_->status(), "BUILDING");  // answers without waiting for prepare
  server_->hold_start(false);
  done.get();
  EXPECT_EQ(manager_->status(), "RUNNING");
}

TEST_F(MysqlManagerTest, SecondPrepareOnlyReappliesDatabasesAndUsers) {
  manager_->prepare(request());
  manager_->prepare(request());
  EXPECT_EQ(server_->calls(), (std::vector<std::string>{"configure:512", "install", "start", "sql",
                                                        "configure:512", "start", "sql"}));
  EXPECT_EQ(manager_->status(), "RUNNING");
}

TEST_F(MysqlManagerTest, MemoryFromTheRequestWins) {
  proto::PrepareRequest req = request();
  req.set_memory_mb(2048);
  manager_->prepare(req);
  EXPECT_EQ(server_->calls().at(0), "configure:2048");
}

TEST_F(MysqlManagerTest, InvalidRequestFailsBeforeTouchingTheServer) {
  proto::PrepareRequest req = request();
  req.mutable_users(0)->set_name("ro`ot");
  EXPECT_THROW(
      {
        try {
          manager_->prepare(req);
        } catch (const common::Error& e) {
          EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
          throw;
        }
      },
      common::Error);
  EXPECT_TRUE(server_->calls().empty());
  EXPECT_EQ(manager_->status(), "FAILED");
}

TEST_F(MysqlManagerTest, FailedInstallIsRetriedByTheNextPrepare) {
  server_->fail_install = true;
  EXPECT_THROW(manager_->prepare(request()), common::Error);
  EXPECT_EQ(manager_->status(), "FAILED");
  server_->fail_install = false;
  manager_->prepare(request());
  const auto calls = server_->calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "install"), 2);
  EXPECT_EQ(manager_->status(), "RUNNING");
}

TEST_F(MysqlManagerTest, StopIsShutdownAndACrashIsCrashed) {
  manager_->prepare(request());
  manager_->stop();
  EXPECT_EQ(manager_->status(), "SHUTDOWN");
  manager_->start();
  EXPECT_EQ(manager_->status(), "RUNNING");
  server_->crash();
  EXPECT_EQ(manager_->status(), "CRASHED");
  server_->crash(MysqlServer::Health::kUnresponsive);
  EXPECT_EQ(manager_->status(), "BLOCKED");
}

TEST_F(MysqlManagerTest, RestartStopsThenStarts) {
  manager_->prepare(request());
  manager_->restart();
  const auto calls = server_->calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[calls.size() - 2], "stop");
  EXPECT_EQ(calls.back(), "start");
  EXPECT_EQ(manager_->status(), "RUNNING");
}

TEST_F(MysqlManagerTest, StartOrRestartBeforePrepareIsAConflict) {
  for (auto call : {&MysqlManager::start, &MysqlManager::restart}) {
    try {
      (manager_.get()->*call)();
      ADD_FAILURE() << "expected a conflict";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
    }
  }
  manager_->stop();  // nothing to stop: harmless
  EXPECT_TRUE(server_->calls().empty());
}

TEST_F(MysqlManagerTest, ARestartedAgentRemembersWhatShouldRun) {
  manager_->prepare(request());
  make_manager();  // the datastore process died with the node
  EXPECT_EQ(manager_->status(), "CRASHED");
  manager_->start();
  EXPECT_EQ(manager_->status(), "RUNNING");

  manager_->stop();
  make_manager();
  EXPECT_EQ(manager_->status(), "SHUTDOWN");

  // A prepared instance is not installed again.
  manager_->prepare(request());
  const auto calls = server_->calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "install"), 0);
}

}  // namespace
}  // namespace automat::datastores::mysql

namespace automat::datastores::mysql {
namespace {

class MysqlResizeTest : public MysqlManagerTest {};

TEST_F(MysqlResizeTest, AResizeRewritesMyCnfForTheNewMemoryAndRestartsMariaDb) {
  manager_->prepare(request());
  const size_t before = server_->calls().size();
  manager_->resize(2048);
  const auto calls = server_->calls();
  EXPECT_EQ(std::vector<std::string>(calls.begin() + before, calls.end()),
            (std::vector<std::string>{"stop", "configure:2048", "start"}));
  EXPECT_EQ(manager_->status(), "RUNNING");
  // A later prepare (re-applying users) keeps the new memory.
  manager_->prepare(request());
  EXPECT_EQ(server_->calls().at(before + 3), "configure:2048");
}

TEST_F(MysqlResizeTest, SettingsThatDoNotStartAreRolledBackAndMariaDbRunsAgain) {
  manager_->prepare(request());
  server_->fail_start_at_ram_mb = 4096;
  const size_t before = server_->calls().size();
  try {
    manager_->resize(4096);
    FAIL() << "the resize should fail";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    const std::string m = e.what();
    EXPECT_NE(m.find("cannot allocate the buffer pool"), std::string::npos) << m;
    EXPECT_NE(m.find("runs again with those for 512 MB"), std::string::npos) << m;
  }
  const auto calls = server_->calls();
  EXPECT_EQ(std::vector<std::string>(calls.begin() + before, calls.end()),
            (std::vector<std::string>{"stop", "configure:4096", "start", "stop", "configure:512",
                                      "start"}));
  EXPECT_EQ(manager_->status(), "RUNNING");
}

TEST_F(MysqlResizeTest, AnInstanceNeverPreparedCannotBeResized) {
  try {
    manager_->resize(2048);
    FAIL() << "the resize should be refused";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  EXPECT_TRUE(server_->calls().empty());
}

}  // namespace
}  // namespace automat::datastores::mysql
