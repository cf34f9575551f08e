// The real MySQL guest manager against Debian's MariaDB, in a temporary
// instance dir on a free loopback address. Needs root (mariadbd runs as the
// mysql user; root reaches it over the unix socket).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/error.h"
#include "common/process_table.h"
#include "datastores/guest_registry.h"
#include "datastores/mysql/guest_mysql_layout.h"
#include "guestagent/child_process.h"
#include "tests/integration/mariadb_test_support.h"

namespace automat::datastores::mysql {
namespace {

using namespace std::chrono_literals;
using automat::testing::free_loopback_address;
using automat::testing::listening;
using automat::testing::mariadbd_pids;
using guestagent::run_command;

class GuestMysqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(::geteuid(), 0u) << "the MySQL guest runs as root (mariadbd as mysql)";
    char tmpl[] = "/tmp/automat-it-guest-mysql-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    // Like a state dir: others may pass through (mariadbd runs as mysql).
    std::filesystem::permissions(*dir_, std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    node_ = new guestagent::NodeContext();
    node_->instance_id = "it-" + std::filesystem::path(*dir_).filename().string();
    node_->address = free_loopback_address();
    node_->instance_dir = *dir_ + "/instance";
    node_->datastore_version = "10.11";
    node_->ram_mb = 256;
    std::filesystem::create_directories(node_->instance_dir);
    std::filesystem::permissions(node_->instance_dir, std::filesystem::perms::owner_all);
  }

  static void TearDownTestSuite() {
    if (!dir_) return;
    const std::string cnf = MysqlLayout::under(node_->instance_dir).config;
    for (pid_t pid : mariadbd_pids(cnf)) ::kill(pid, SIGKILL);
    // Earlier managers' servers are our children too: reap them.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete node_;
  }

  void SetUp() override { ASSERT_NE(node_, nullptr) << "suite set-up failed"; }

  static std::unique_ptr<guestagent::DatastoreManager> manager() {
    auto m = datastores::guest_manager("mysql", *node_);
    EXPECT_TRUE(m);
    return m;
  }

  static proto::PrepareRequest request(const std::string& password) {
    proto::PrepareRequest req;
    auto* db = req.add_databases();
    db->set_name("shop_db");
    db->set_character_set("utf8mb4");
    auto* u = req.add_users();
    u->set_name("alice");
    u->set_password(password);
    u->add_databases("shop_db");
    return req;
  }

  // The mariadb client over TCP to the instance address.
  static guestagent::CommandResult sql_as(const std::string& user, const std::string& password,
                                          const std::string& sql) {
    std::vector<std::string> argv = {"mariadb",
                                     "--no-defaults",
                                     "--protocol=TCP",
                                     "--host=" + node_->address,
                                     "--port=3306",
                                     "--user=" + user,
                                     "--batch",
                                     "--skip-column-names",
                                     "--connect-timeout=5"};
    if (!password.empty()) argv.push_back("--password=" + password);
    argv.push_back("--execute=" + sql);
    return run_command(argv, "", 20s);
  }

  static std::string* dir_;
  static guestagent::NodeContext* node_;
};

std::string* GuestMysqlTest::dir_ = nullptr;
guestagent::NodeContext* GuestMysqlTest::node_ = nullptr;

// A password that exercises the escaping end to end.
const std::string kPassword = "s3cr'et\\\"pw;";

TEST_F(GuestMysqlTest, PrepareServesTheUserOverTcpAndNothingElse) {
  auto m = manager();
  EXPECT_EQ(m->status(), "NEW");
  m->prepare(request(kPassword));
  EXPECT_EQ(m->status(), "RUNNING");
  EXPECT_TRUE(listening(node_->address, 3306));

  auto r = sql_as("alice", kPassword,
                  "CREATE TABLE shop_db.t (id INT PRIMARY KEY, v VARCHAR(8)); "
                  "INSERT INTO shop_db.t VALUES (1, 'one'); SELECT v FROM shop_db.t; "
                  "SELECT CURRENT_USER();");
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_NE(r.output.find("one\nalice@%"), std::string::npos) << r.output;

  r = sql_as("alice", "wrong-password", "SELECT 1");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("Access denied"), std::string::npos) << r.output;

  // No anonymous account: an unknown user without a password is refused.
  r = sql_as("nobody_" + std::to_string(::getpid()), "", "SELECT 1");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("Access denied"), std::string::npos) << r.output;

  // Root only through the socket.
  r = sql_as("root", "", "SELECT 1");
  EXPECT_FALSE(r.ok());
  const std::string socket = MysqlLayout::under(node_->instance_dir).socket;
  r = run_command({"mariadb", "--no-defaults", "--socket=" + socket, "--user=root", "--batch",
                   "--skip-column-names"},
                  "SHOW CREATE USER 'root'@'localhost';\n"
                  "SELECT COUNT(*) FROM mysql.global_priv WHERE User = '' OR "
                  "(User = 'root' AND Host <> 'localhost');\n",
                  20s);
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_NE(r.output.find("IDENTIFIED VIA unix_socket\n0\n"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("mysql_native_password"), std::string::npos) << r.output;

  // alice owns shop_db and nothing else; the test database is gone.
  r = sql_as("alice", kPassword, "SELECT COUNT(*) FROM mysql.global_priv");
  EXPECT_FALSE(r.ok()) << r.output;
  r = sql_as("alice", kPassword, "SHOW DATABASES");
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(r.output.find("test\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("shop_db"), std::string::npos);

  // Files where the contract puts them; mariadbd runs as mysql.
  const MysqlLayout l = MysqlLayout::under(node_->instance_dir);
  EXPECT_TRUE(std::filesystem::exists(l.socket));
  EXPECT_TRUE(std::filesystem::exists(l.error_log));
  const auto pids = mariadbd_pids(l.config);
  ASSERT_EQ(pids.size(), 1u);
  std::ifstream pidfile(l.pid_file);
  pid_t from_file = 0;
  pidfile >> from_file;
  EXPECT_EQ(from_file, pids[0]);
  EXPECT_EQ(common::session_of(pids[0]), ::getsid(0));
  EXPECT_EQ(std::filesystem::status(l.data_dir).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST_F(GuestMysqlTest, SecondPrepareReappliesAndChangesThePassword) {
  auto m = manager();
  ASSERT_EQ(m->status(), "RUNNING");  // a fresh manager reads the record
  const auto before = mariadbd_pids(MysqlLayout::under(node_->instance_dir).config);
  m->prepare(request("n3w-pass"));
  EXPECT_EQ(mariadbd_pids(MysqlLayout::under(node_->instance_dir).config), before);
  EXPECT_TRUE(sql_as("alice", "n3w-pass", "SELECT 1").ok());
  EXPECT_FALSE(sql_as("alice", kPassword, "SELECT 1").ok());
  // Data survived.
  const auto r = sql_as("alice", "n3w-pass", "SELECT v FROM shop_db.t WHERE id = 1");
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(r.output, "one\n");
}

TEST_F(GuestMysqlTest, InvalidRequestIsRefusedWithoutSideEffects) {
  auto m = manager();
  proto::PrepareRequest req = request("x");
  req.mutable_users(0)->set_name("eve'--");
  try {
    m->prepare(req);
    ADD_FAILURE() << "accepted a user name with a quote";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
  }
  EXPECT_TRUE(sql_as("alice", "n3w-pass", "SELECT 1").ok());
}

TEST_F(GuestMysqlTest, CrashIsSeenAndStartBringsItBack) {
  auto m = manager();
  const std::string cnf = MysqlLayout::under(node_->instance_dir).config;
  auto pids = mariadbd_pids(cnf);
  ASSERT_EQ(pids.size(), 1u);
  ::kill(pids[0], SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (m->status() != "CRASHED" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(m->status(), "CRASHED");
  m->start();
  EXPECT_EQ(m->status(), "RUNNING");
  EXPECT_TRUE(sql_as("alice", "n3w-pass", "SELECT 1").ok());
}

TEST_F(GuestMysqlTest, RestartGivesANewProcessAndKeepsServing) {
  auto m = manager();
  const std::string cnf = MysqlLayout::under(node_->instance_dir).config;
  const auto before = mariadbd_pids(cnf);
  m->restart();
  EXPECT_EQ(m->status(), "RUNNING");
  const auto after = mariadbd_pids(cnf);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after, before);
  EXPECT_TRUE(sql_as("alice", "n3w-pass", "SELECT 1").ok());
}

TEST_F(GuestMysqlTest, AResizeRestartsWithTheBufferPoolOfTheNewMemoryAndKeepsTheRows) {
  auto m = manager();
  ASSERT_TRUE(sql_as("alice", "n3w-pass",
                     "CREATE TABLE IF NOT EXISTS shop_db.kept (id INT PRIMARY KEY); "
                     "REPLACE INTO shop_db.kept VALUES (42)")
                  .ok());
  auto pool = sql_as("alice", "n3w-pass", "SELECT @@innodb_buffer_pool_size");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool.output, std::to_string(128ll << 20) + "\n") << "half of 256 MB";
  const std::string cnf = MysqlLayout::under(node_->instance_dir).config;
  const auto before = mariadbd_pids(cnf);
  m->resize(512);
  EXPECT_EQ(m->status(), "RUNNING");
  EXPECT_NE(mariadbd_pids(cnf), before) << "mariadbd was restarted";
  pool = sql_as("alice", "n3w-pass", "SELECT @@innodb_buffer_pool_size");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool.output, std::to_string(256ll << 20) + "\n") << "half of 512 MB";
  const auto rows = sql_as("alice", "n3w-pass", "SELECT id FROM shop_db.kept");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows.output, "42\n");
}

TEST_F(GuestMysqlTest, StopLeavesNoMariadbdAndNothingListening) {
  auto m = manager();
  const std::string cnf = MysqlLayout::under(node_->instance_dir).config;
  m->stop();
  EXPECT_EQ(m->status(), "SHUTDOWN");
  EXPECT_TRUE(mariadbd_pids(cnf).empty());
  EXPECT_FALSE(listening(node_->address, 3306));
  EXPECT_FALSE(sql_as("alice", "n3w-pass", "SELECT 1").ok());
  // A restarted agent keeps it stopped.
  EXPECT_EQ(manager()->status(), "SHUTDOWN");
}

}  // namespace
}  // namespace automat::datastores::mysql
