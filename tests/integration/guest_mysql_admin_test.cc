// The MySQL guest's database administration (MysqlManager::database_admin)
// against Debian's real MariaDB, in a temporary instance dir on a free
// loopback address: every change is checked by logging in over TCP with the
// mariadb client as the user it concerns. The tests build on each other
// (one mariadbd per suite). Needs root (mariadbd runs as the mysql user).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "common/error.h"
#include "datastores/guest_registry.h"
#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_replication_client.h"
#include "guestagent/child_process.h"

namespace automat::datastores::mysql {
namespace {

using namespace std::chrono_literals;
using guestagent::run_command;

bool listening(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

std::string free_loopback_address() {
  std::mt19937 rng(std::random_device{}());
  for (int i = 0; i < 200; ++i) {
    const std::string a =
        "127.78." + std::to_string(rng() % 250 + 1) + "." + std::to_string(rng() % 250 + 2);
    if (!listening(a, 3306)) return a;
  }
  throw std::runtime_error("no free 127.78.x.y address");
}

std::optional<common::ErrorCode> code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const common::Error& e) {
    return e.code();
  }
  return std::nullopt;
}

class GuestMysqlAdminTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(::geteuid(), 0u) << "the MySQL guest runs as root (mariadbd as mysql)";
    char tmpl[] = "/tmp/automat-it-mysql-admin-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
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
    manager_ = datastores::guest_manager("mysql", *node_).release();
    ASSERT_NE(manager_, nullptr);
    manager_->prepare(proto::PrepareRequest());
  }

  static void TearDownTestSuite() {
    if (!dir_) return;
    if (manager_) {
      try {
        manager_->stop();
      } catch (const std::exception&) {
      }
      delete manager_;
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete node_;
  }

  void SetUp() override {
    ASSERT_NE(manager_, nullptr) << "suite set-up failed";
    ASSERT_NE(admin(), nullptr);
  }

  static guestagent::DatabaseAdmin* admin() { return manager_->database_admin(); }

  // `sql` as `user` over TCP to the instance address (database `db` when given).
  static guestagent::CommandResult sql_as(const std::string& user, const std::string& password,
                                          const std::string& sql, const std::string& db = "") {
    std::vector<std::string> argv = {"mariadb",
                                     "--no-defaults",
                                     "--protocol=TCP",
                                     "--host=" + node_->address,
                                     "--port=3306",
                                     "--user=" + user,
                                     "--batch",
                                     "--skip-column-names",
                                     "--connect-timeout=5"};
    argv.push_back("--password=" + password);
    if (!db.empty()) argv.push_back("--database=" + db);
    argv.push_back("--execute=" + sql);
    return run_command(argv, "", 20s);
  }

  // As root over the socket (what only the control plane can do).
  static std::string root_sql(const std::string& sql) {
    MariaDbRootClient client(MysqlLayout::under(node_->instance_dir), "");
    SqlScript script;
    script.text = sql;
    return client.query(script);
  }

  static proto::UserRef ref(const std::string& name, const std::string& host = "") {
    proto::UserRef r;
    r.set_name(name);
    r.set_host(host);
    return r;
  }

  static std::string* dir_;
  static guestagent::NodeContext* node_;
  static guestagent::DatastoreManager* manager_;
};

std::string* GuestMysqlAdminTest::dir_ = nullptr;
guestagent::NodeContext* GuestMysqlAdminTest::node_ = nullptr;
guestagent::DatastoreManager* GuestMysqlAdminTest::manager_ = nullptr;

TEST_F(GuestMysqlAdminTest, A_DatabasesAreCreatedListedAndSystemOnesHidden) {
  EXPECT_EQ(admin()->list_databases({}).databases_size(), 0) << "only system databases so far";
  proto::CreateDatabasesRequest create;
  create.add_databases()->set_name("shop");
  auto* crm = create.add_databases();
  crm->set_name("crm");
  crm->set_character_set("latin1");
  admin()->create_databases(create);
  const auto page = admin()->list_databases({});
  ASSERT_EQ(page.databases_size(), 2);
  EXPECT_EQ(page.databases(0).name(), "crm");
  EXPECT_EQ(page.databases(0).character_set(), "latin1");
  EXPECT_EQ(page.databases(1).name(), "shop");
  EXPECT_EQ(code_of([&] { admin()->create_databases(create); }), common::ErrorCode::kBadRequest);

  proto::CreateDatabasesRequest bad_charset;
  auto* odd = bad_charset.add_databases();
  odd->set_name("odd");
  odd->set_character_set("klingon");
  EXPECT_EQ(code_of([&] { admin()->create_databases(bad_charset); }),
            common::ErrorCode::kBadRequest)
      << "MariaDB's refusal is the caller's error";
}

TEST_F(GuestMysqlAdminTest, B_AUserLogsInOverTcpAndReachesOnlyItsDatabases) {
  proto::CreateUsersRequest create;
  auto* u = create.add_users();
  u->set_name("app");
  u->set_password("it's a \\ s3cret");
  u->add_databases("shop");
  admin()->create_users(create);
  auto r = sql_as("app", "it's a \\ s3cret", "CREATE TABLE t (k INT); SELECT 42;", "shop");
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_NE(r.output.find("42"), std::string::npos);
  r = sql_as("app", "it's a \\ s3cret", "SELECT 1;", "crm");
  EXPECT_FALSE(r.ok()) << "no access to crm yet";

  const auto user = admin()->get_user(ref("app"));
  EXPECT_EQ(user.host(), "%");
  ASSERT_EQ(user.databases_size(), 1);
  EXPECT_EQ(user.databases(0), "shop");
  EXPECT_EQ(code_of([&] { admin()->create_users(create); }), common::ErrorCode::kBadRequest);
}

TEST_F(GuestMysqlAdminTest, C_GrantAndRevokeTakeEffect) {
  proto::GrantAccessRequest grant;
  *grant.mutable_user() = ref("app");
  grant.add_databases("crm");
  admin()->grant_access(grant);
  EXPECT_TRUE(sql_as("app", "it's a \\ s3cret", "SELECT 1;", "crm").ok());
  EXPECT_EQ(admin()->list_access(ref("app")).databases_size(), 2);

  proto::RevokeAccessRequest revoke;
  *revoke.mutable_user() = ref("app");
  revoke.set_database("crm");
  admin()->revoke_access(revoke);
  EXPECT_FALSE(sql_as("app", "it's a \\ s3cret", "SELECT 1;", "crm").ok());
  EXPECT_EQ(admin()->list_access(ref("app")).databases_size(), 1);
  EXPECT_EQ(code_of([&] { admin()->revoke_access(revoke); }), common::ErrorCode::kNotFound);
}

TEST_F(GuestMysqlAdminTest, D_APasswordChangeTakesEffect) {
  proto::ChangePasswordsRequest change;
  auto* c = change.add_changes();
  *c->mutable_user() = ref("app");
  c->set_password("n3w-password");
  admin()->change_passwords(change);
  EXPECT_FALSE(sql_as("app", "it's a \\ s3cret", "SELECT 1;").ok());
  EXPECT_TRUE(sql_as("app", "n3w-password", "SELECT 1;").ok());
  *c->mutable_user() = ref("ghost");
  EXPECT_EQ(code_of([&] { admin()->change_passwords(change); }), common::ErrorCode::kNotFound);
}

TEST_F(GuestMysqlAdminTest, E_ControlPlaneAccountsAreNeitherListedNorTouched) {
  root_sql("CREATE USER 'automat_repl_1a2b3c4d'@'%' IDENTIFIED BY 'x';");
  const auto users = admin()->list_users({});
  ASSERT_EQ(users.users_size(), 1) << "root, mysql, mariadb.sys and automat_repl_* are hidden";
  EXPECT_EQ(users.users(0).name(), "app");
  EXPECT_EQ(code_of([&] { admin()->delete_user(ref("automat_repl_1a2b3c4d")); }),
            common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([&] { admin()->get_user(ref("root", "localhost")); }),
            common::ErrorCode::kBadRequest);
  proto::DeleteDatabaseRequest drop;
  drop.set_name("mysql");
  EXPECT_EQ(code_of([&] { admin()->delete_database(drop); }), common::ErrorCode::kBadRequest);
}

TEST_F(GuestMysqlAdminTest, F_ARenamedUserLogsInByItsNewName) {
  proto::UpdateUserRequest update;
  *update.mutable_user() = ref("app");
  update.set_new_name("web");
  admin()->update_user(update);
  EXPECT_TRUE(sql_as("web", "n3w-password", "SELECT 1;", "shop").ok()) << "access moved along";
  EXPECT_FALSE(sql_as("app", "n3w-password", "SELECT 1;").ok());
}

TEST_F(GuestMysqlAdminTest, G_ADeletedUserCannotLogIn) {
  admin()->delete_user(ref("web", "%"));
  EXPECT_FALSE(sql_as("web", "n3w-password", "SELECT 1;").ok());
  EXPECT_EQ(code_of([&] { admin()->delete_user(ref("web")); }), common::ErrorCode::kNotFound);
}

TEST_F(GuestMysqlAdminTest, H_RootLogsInFromAnywhereUntilDisabled) {
  EXPECT_FALSE(admin()->is_root_enabled());
  proto::EnableRootRequest req;
  req.set_password("R00t-pass'word");
  const auto root = admin()->enable_root(req);
  EXPECT_EQ(root.name(), "root");
  auto r = sql_as("root", "R00t-pass'word", "CREATE DATABASE by_root; SELECT 7;");
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(admin()->is_root_enabled());
  const auto generated = admin()->enable_root({});
  EXPECT_FALSE(sql_as("root", "R00t-pass'word", "SELECT 1;").ok()) << "a new password";
  EXPECT_TRUE(sql_as("root", generated.password(), "SELECT 1;").ok());
  admin()->disable_root();
  EXPECT_FALSE(sql_as("root", generated.password(), "SELECT 1;").ok());
  EXPECT_FALSE(admin()->is_root_enabled());
  EXPECT_NO_THROW(admin()->disable_root()) << "idempotent";
}

TEST_F(GuestMysqlAdminTest, I_AReadOnlyReplicaRefusesChanges) {
  root_sql("SET GLOBAL read_only = 1;");
  proto::CreateDatabasesRequest create;
  create.add_databases()->set_name("ledger");
  EXPECT_EQ(code_of([&] { admin()->create_databases(create); }), common::ErrorCode::kConflict);
  EXPECT_EQ(admin()->list_databases({}).databases_size(), 3) << "reads still work";
  root_sql("SET GLOBAL read_only = 0;");
  admin()->create_databases(create);
  proto::DeleteDatabaseRequest drop;
  drop.set_name("ledger");
  admin()->delete_database(drop);
  EXPECT_EQ(code_of([&] { admin()->delete_database(drop); }), common::ErrorCode::kNotFound);
}

TEST_F(GuestMysqlAdminTest, J_AStoppedServerIsUnavailableNotAnError) {
  manager_->stop();
  EXPECT_EQ(code_of([&] { admin()->list_users({}); }), common::ErrorCode::kUnavailable);
  manager_->start();
  EXPECT_NO_THROW(admin()->list_users({}));
}

}  // namespace
}  // namespace automat::datastores::mysql
