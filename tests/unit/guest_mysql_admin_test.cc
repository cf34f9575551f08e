// The MySQL guest's database administration: the SQL text it builds (names
// quoted, passwords escaped and carried as secrets), what it hides and
// refuses, and its decisions over a scripted root client (checks before any
// change, replicas refused, MariaDB's errors turned into 4xx).
#include "datastores/mysql/guest_mysql_admin.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_admin_sql.h"

namespace automat::datastores::mysql {
namespace {

std::optional<common::ErrorCode> code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const common::Error& e) {
    return e.code();
  }
  return std::nullopt;
}

TEST(MysqlAdminSql, UsersAreCreatedWithQuotedNamesEscapedPasswordsAndLiteralGrants) {
  proto::NewUser u;
  u.set_name("app");
  u.set_password("it's\\pw");
  u.add_databases("my_db");
  const SqlScript s = create_user_sql(u);
  EXPECT_EQ(s.text,
            "CREATE USER 'app'@'%' IDENTIFIED BY 'it\\'s\\\\pw';\n"
            "GRANT ALL PRIVILEGES ON `my\\_db`.* TO 'app'@'%';\n");
  EXPECT_NE(std::find(s.secrets.begin(), s.secrets.end(), "it's\\pw"), s.secrets.end());
  EXPECT_NE(std::find(s.secrets.begin(), s.secrets.end(), "it\\'s\\\\pw"), s.secrets.end());
}

TEST(MysqlAdminSql, StatementsForEveryChange) {
  proto::Database db;
  db.set_name("shop");
  db.set_character_set("utf8mb4");
  db.set_collate("utf8mb4_bin");
  EXPECT_EQ(create_databases_sql({db}).text,
            "CREATE DATABASE `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;\n");
  EXPECT_EQ(drop_database_sql("shop").text, "DROP DATABASE `shop`;\n");
  EXPECT_EQ(drop_user_sql("app", "").text, "DROP USER 'app'@'%';\n");
  EXPECT_EQ(rename_user_sql("app", "%", "web", "10.0.%").text,
            "RENAME USER 'app'@'%' TO 'web'@'10.0.%';\n");
  const SqlScript pw = set_password_sql("app", "%", "n3w");
  EXPECT_EQ(pw.text, "ALTER USER 'app'@'%' IDENTIFIED BY 'n3w';\n");
  EXPECT_EQ(pw.secrets.front(), "n3w");
  EXPECT_EQ(revoke_sql("app", "%", "a_b").text,
            "REVOKE ALL PRIVILEGES ON `a\\_b`.* FROM 'app'@'%';\n");
  const SqlScript root = enable_root_sql("R00t'pw");
  EXPECT_NE(root.text.find("CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY 'R00t\\'pw';"),
            std::string::npos);
  EXPECT_NE(root.text.find("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"),
            std::string::npos);
  EXPECT_EQ(root.secrets.front(), "R00t'pw");
  EXPECT_EQ(disable_root_sql().text, "DROP USER IF EXISTS 'root'@'%';\n");
}

TEST(MysqlAdminSql, SystemDatabasesAndAccountsAreReserved) {
  for (const char* db :
       {"mysql", "information_schema", "PERFORMANCE_SCHEMA", "sys", "#mysql50#lost+found"}) {
    EXPECT_TRUE(is_system_database(db)) << db;
  }
  EXPECT_FALSE(is_system_database("shop"));
  for (const char* user : {"root", "mysql", "mariadb.sys", "PUBLIC", "", "automat_repl_1a2b3c4d"}) {
    EXPECT_TRUE(is_system_account(user)) << user;
  }
  EXPECT_FALSE(is_system_account("app"));
  EXPECT_EQ(code_of([] { validate_admin_account("root", "%"); }), common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([] { validate_admin_account("automat_repl", ""); }),
            common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([] { validate_admin_account("app", "bad host"); }),
            common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([] { validate_admin_account("a'b", "%"); }), common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([] { validate_admin_database("sys"); }), common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([] { validate_admin_database("a`b"); }), common::ErrorCode::kBadRequest);
  EXPECT_NO_THROW(validate_admin_account("app", ""));
}

TEST(MysqlAdminSql, GrantPatternsReadBackAsNames) {
  EXPECT_EQ(database_from_grant("my\\_db"), "my_db");
  EXPECT_EQ(database_from_grant("100\\%"), "100%");
  EXPECT_EQ(database_from_grant("shop"), "shop");
}

TEST(MysqlAdminSql, MariaDbRefusalsBecomeTheCallersErrors) {
  const auto refined = [](const std::string& message) {
    return refine_mysql_error(common::internal_error(message));
  };
  const common::Error exists = refined(
      "SQL on the MariaDB server failed: ERROR 1007 (HY000) at line 1: Can't create database "
      "'shop'; database exists\n");
  EXPECT_EQ(exists.code(), common::ErrorCode::kBadRequest);
  EXPECT_STREQ(exists.what(), "MariaDB refused: Can't create database 'shop'; database exists");
  EXPECT_EQ(refined("failed: ERROR 1115 (42000) at line 1: Unknown character set: 'x'").code(),
            common::ErrorCode::kBadRequest);
  EXPECT_EQ(refined("failed: ERROR 1008 (HY000) at line 1: Can't drop database 'x'").code(),
            common::ErrorCode::kNotFound);
  EXPECT_EQ(refined("failed: ERROR 1290 (HY000) at line 1: --read-only").code(),
            common::ErrorCode::kConflict);
  EXPECT_EQ(refined("failed: ERROR 2002 (HY000): Can't connect").code(),
            common::ErrorCode::kInternal);
  EXPECT_EQ(refined("mariadb client timed out").code(), common::ErrorCode::kInternal);
  EXPECT_EQ(refine_mysql_error(common::unavailable("x")).code(), common::ErrorCode::kUnavailable);
}

// A root client that answers the listing queries from its fields, as
// MariaDB would, and records every other script.
class FakeMariaDb : public MysqlRootClient {
 public:
  std::vector<std::string> databases = {"information_schema", "mysql", "performance_schema", "shop",
                                        "sys"};
  std::vector<std::pair<std::string, std::string>> accounts = {{"app", "%"},
                                                               {"automat_repl_1a2b", "%"},
                                                               {"mariadb.sys", "localhost"},
                                                               {"mysql", "localhost"},
                                                               {"root", "localhost"}};
  std::vector<std::tuple<std::string, std::string, std::string>> grants = {
      {"app", "%", "shop"}, {"app", "%", "mysql"}, {"app", "%", "my\\_db"}};
  bool read_only = false;
  std::optional<common::Error> fail_changes;
  std::vector<SqlScript> changes;

  std::string query(const SqlScript& script) override {
    const std::string& t = script.text;
    if (t.find("information_schema.SCHEMATA") != std::string::npos) {
      std::string out = "SCHEMA_NAME\tDEFAULT_CHARACTER_SET_NAME\tDEFAULT_COLLATION_NAME\n";
      for (const auto& db : databases) out += db + "\tutf8mb4\tutf8mb4_general_ci\n";
      return out;
    }
    if (t.find("FROM mysql.user") != std::string::npos && t.find("COUNT") == std::string::npos) {
      std::string out = "User\tHost\n";
      for (const auto& [u, h] : accounts) out += u + "\t" + h + "\n";
      return out;
    }
    if (t.find("FROM mysql.db") != std::string::npos) {
      std::string out = "User\tHost\tDb\n";
      for (const auto& [u, h, d] : grants) out += u + "\t" + h + "\t" + d + "\n";
      return out;
    }
    if (t.find("@@GLOBAL.read_only") != std::string::npos) {
      return std::string("read_only\n") + (read_only ? "1" : "0") + "\n";
    }
    if (t.find("COUNT(*)") != std::string::npos) return "n\n0\n";
    if (fail_changes) throw *fail_changes;
    changes.push_back(script);
    return "";
  }
};

class MysqlAdminTest : public ::testing::Test {
 protected:
  MysqlAdminTest() {
    auto client = std::make_unique<FakeMariaDb>();
    db_ = client.get();
    admin_ = std::make_unique<MysqlDatabaseAdmin>(std::move(client), [this] {
      ++gates_;
      if (gate_error_) throw *gate_error_;
      return std::unique_lock<std::timed_mutex>(mu_);
    });
  }

  FakeMariaDb* db_;
  std::unique_ptr<MysqlDatabaseAdmin> admin_;
  std::timed_mutex mu_;
  int gates_ = 0;
  std::optional<common::Error> gate_error_;
};

TEST_F(MysqlAdminTest, SystemDatabasesAndAccountsAreNeverListed) {
  const auto dbs = admin_->list_databases({});
  ASSERT_EQ(dbs.databases_size(), 1);
  EXPECT_EQ(dbs.databases(0).name(), "shop");
  EXPECT_EQ(dbs.databases(0).character_set(), "utf8mb4");
  const auto users = admin_->list_users({});
  ASSERT_EQ(users.users_size(), 1);
  EXPECT_EQ(users.users(0).name(), "app");
  EXPECT_EQ(users.users(0).host(), "%");
  ASSERT_EQ(users.users(0).databases_size(), 2) << "mysql is hidden, my\\_db read back";
  EXPECT_EQ(users.users(0).databases(0), "my_db");
  EXPECT_EQ(users.users(0).databases(1), "shop");
  EXPECT_EQ(gates_, 2);
}

TEST_F(MysqlAdminTest, ListsArePagedAfterTheMarker) {
  db_->databases = {"a", "b", "c", "mysql"};
  proto::PageRequest first;
  first.set_limit(2);
  auto page = admin_->list_databases(first);
  ASSERT_EQ(page.databases_size(), 2);
  EXPECT_EQ(page.next_marker(), "b");
  proto::PageRequest second;
  second.set_limit(2);
  second.set_marker("b");
  page = admin_->list_databases(second);
  ASSERT_EQ(page.databases_size(), 1);
  EXPECT_EQ(page.databases(0).name(), "c");
  EXPECT_EQ(page.next_marker(), "");
}

TEST_F(MysqlAdminTest, NothingIsCreatedUnlessEverythingCanBe) {
  proto::CreateDatabasesRequest dbs;
  dbs.add_databases()->set_name("crm");
  dbs.add_databases()->set_name("shop");
  EXPECT_EQ(code_of([&] { admin_->create_databases(dbs); }), common::ErrorCode::kBadRequest);
  proto::CreateUsersRequest users;
  auto* u = users.add_users();
  u->set_name("web");
  u->set_password("s3cret-pw");
  u->add_databases("nowhere");
  EXPECT_EQ(code_of([&] { admin_->create_users(users); }), common::ErrorCode::kNotFound);
  u->set_name("app");
  u->clear_databases();
  EXPECT_EQ(code_of([&] { admin_->create_users(users); }), common::ErrorCode::kBadRequest)
      << "app@% exists";
  u->set_name("root");
  EXPECT_EQ(code_of([&] { admin_->create_users(users); }), common::ErrorCode::kBadRequest);
  EXPECT_TRUE(db_->changes.empty());

  u->set_name("web");
  u->add_databases("shop");
  admin_->create_users(users);
  ASSERT_EQ(db_->changes.size(), 1u);
  EXPECT_NE(db_->changes[0].text.find("CREATE USER 'web'@'%'"), std::string::npos);
  EXPECT_EQ(db_->changes[0].secrets.front(), "s3cret-pw");
}

TEST_F(MysqlAdminTest, AReadOnlyReplicaRefusesEveryChange) {
  db_->read_only = true;
  proto::CreateDatabasesRequest dbs;
  dbs.add_databases()->set_name("crm");
  EXPECT_EQ(code_of([&] { admin_->create_databases(dbs); }), common::ErrorCode::kConflict);
  EXPECT_EQ(code_of([&] { admin_->enable_root({}); }), common::ErrorCode::kConflict);
  EXPECT_EQ(code_of([&] { admin_->disable_root(); }), common::ErrorCode::kConflict);
  EXPECT_TRUE(db_->changes.empty());
  EXPECT_EQ(admin_->list_databases({}).databases_size(), 1) << "reads still work";
}

TEST_F(MysqlAdminTest, UsersAreFoundRenamedAndRevokedByAccount) {
  proto::UserRef app;
  app.set_name("app");
  EXPECT_EQ(admin_->get_user(app).databases_size(), 2);
  proto::UserRef other_host = app;
  other_host.set_host("localhost");
  EXPECT_EQ(code_of([&] { admin_->get_user(other_host); }), common::ErrorCode::kNotFound);

  proto::UpdateUserRequest rename;
  *rename.mutable_user() = app;
  rename.set_new_name("web");
  rename.set_new_password("n3w-password");
  admin_->update_user(rename);
  ASSERT_EQ(db_->changes.size(), 1u);
  EXPECT_EQ(db_->changes[0].text,
            "RENAME USER 'app'@'%' TO 'web'@'%';\nALTER USER 'web'@'%' IDENTIFIED BY "
            "'n3w-password';\n");

  proto::RevokeAccessRequest revoke;
  *revoke.mutable_user() = app;
  revoke.set_database("crm");
  EXPECT_EQ(code_of([&] { admin_->revoke_access(revoke); }), common::ErrorCode::kNotFound);
  revoke.set_database("my_db");
  admin_->revoke_access(revoke);
  EXPECT_EQ(db_->changes.back().text, "REVOKE ALL PRIVILEGES ON `my\\_db`.* FROM 'app'@'%';\n");
}

TEST_F(MysqlAdminTest, RootGetsAGeneratedOrGivenPassword) {
  const auto generated = admin_->enable_root({});
  EXPECT_EQ(generated.name(), "root");
  EXPECT_GE(generated.password().size(), 20u);
  EXPECT_EQ(db_->changes.back().secrets.front(), generated.password());
  proto::EnableRootRequest given;
  given.set_password("chosen-pw-1");
  EXPECT_EQ(admin_->enable_root(given).password(), "chosen-pw-1");
  EXPECT_FALSE(admin_->is_root_enabled());
}

TEST_F(MysqlAdminTest, MariaDbsRefusalIsTheCallersError) {
  db_->fail_changes = common::internal_error(
      "SQL on the MariaDB server failed: ERROR 1396 (HY000) at line 1: Operation DROP USER failed "
      "for 'app'@'%'");
  proto::UserRef app;
  app.set_name("app");
  try {
    admin_->delete_user(app);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_STREQ(e.what(), "MariaDB refused: Operation DROP USER failed for 'app'@'%'");
  }
}

TEST_F(MysqlAdminTest, TheGateComesFirst) {
  gate_error_ = common::conflict("busy");
  EXPECT_EQ(code_of([&] { admin_->list_users({}); }), common::ErrorCode::kConflict);
  proto::DeleteDatabaseRequest drop;
  drop.set_name("mysql");
  EXPECT_EQ(code_of([&] { admin_->delete_database(drop); }), common::ErrorCode::kBadRequest)
      << "an invalid request is refused before waiting for the gate";
}

}  // namespace
}  // namespace automat::datastores::mysql
