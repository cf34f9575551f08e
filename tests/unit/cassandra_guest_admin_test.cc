// The Cassandra guest's database administration over a scripted node whose
// CQL keeps keyspaces, roles and permissions as Cassandra does: keyspaces as
// databases, login roles as users, ALL PERMISSIONS ON KEYSPACE as access, a
// superuser root; what is hidden, refused and run.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_admin.h"
#include "datastores/cassandra/guest_cassandra_admin_cql.h"

namespace automat::datastores::cassandra {
namespace {

std::optional<common::ErrorCode> code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const common::Error& e) {
    return e.code();
  }
  return std::nullopt;
}

struct FakeSchema {
  std::set<std::string> keyspaces = {"system", "system_auth", "system_schema", "shop"};
  std::map<std::string, bool> roles = {{"automat_admin", true}, {"app", true}, {"reader", false}};
  std::map<std::string, std::string> passwords;
  std::set<std::pair<std::string, std::string>> permissions = {
      {"app", "data/shop"}, {"app", "data/shop/orders"}, {"app", "data/system_auth"}};
  std::vector<std::string> statements;  // every change, in order
  std::vector<std::string> logins;
};

class FakeSession : public cql::Session {
 public:
  explicit FakeSession(FakeSchema& s) : s_(s) {}
  cql::ResultSet execute(const std::string& text, cql::Consistency) override {
    static const std::regex create_ks(R"re(^CREATE KEYSPACE "(\w+)" WITH replication = .*)re");
    static const std::regex drop_ks(R"re(^DROP KEYSPACE "(\w+)"$)re");
    static const std::regex create_role(
        R"re(^CREATE ROLE IF NOT EXISTS "([^"]+)" WITH PASSWORD = '((?:[^']|'')*)' AND .*LOGIN = true$)re");
    static const std::regex alter_role(
        R"re(^ALTER ROLE "([^"]+)" WITH PASSWORD = '((?:[^']|'')*)'.*)re");
    static const std::regex drop_role(R"re(^DROP ROLE IF EXISTS "([^"]+)"$)re");
    static const std::regex grant(
        R"re(^GRANT ALL PERMISSIONS ON KEYSPACE "(\w+)" TO "([^"]+)"$)re");
    static const std::regex revoke(
        R"re(^REVOKE ALL PERMISSIONS ON KEYSPACE "(\w+)" FROM "([^"]+)"$)re");
    static const std::regex one_role(
        R"re(^SELECT role FROM system_auth.roles WHERE role = '(.*)'$)re");
    cql::ResultSet rs;
    std::smatch m;
    if (text.find("system_schema.keyspaces") != std::string::npos) {
      rs.columns = {"keyspace_name", "replication"};
      for (const auto& ks : s_.keyspaces) {
        rs.rows.push_back({ks, R"({"class":"org.apache.cassandra.locator.SimpleStrategy"})"});
      }
      return rs;
    }
    if (text == kListRolesCql) {
      rs.columns = {"role", "can_login"};
      for (const auto& [role, login] : s_.roles)
        rs.rows.push_back({role, login ? "true" : "false"});
      return rs;
    }
    if (text == kListPermissionsCql) {
      rs.columns = {"role", "resource"};
      for (const auto& [role, resource] : s_.permissions) rs.rows.push_back({role, resource});
      return rs;
    }
    if (std::regex_match(text, m, one_role)) {
      rs.columns = {"role"};
      if (s_.roles.count(m[1])) rs.rows.push_back({m[1].str()});
      return rs;
    }
    s_.statements.push_back(text);
    if (std::regex_match(text, m, create_ks)) s_.keyspaces.insert(m[1]);
    if (std::regex_match(text, m, drop_ks)) s_.keyspaces.erase(m[1]);
    if (std::regex_match(text, m, create_role)) {
      s_.roles[m[1]] = true;
      s_.passwords[m[1]] = m[2];
    }
    if (std::regex_match(text, m, alter_role)) s_.passwords[m[1]] = m[2];
    if (std::regex_match(text, m, drop_role)) s_.roles.erase(m[1]);
    if (std::regex_match(text, m, grant)) s_.permissions.insert({m[2], "data/" + m[1].str()});
    if (std::regex_match(text, m, revoke)) s_.permissions.erase({m[2], "data/" + m[1].str()});
    return rs;
  }

 private:
  FakeSchema& s_;
};

class FakeNode : public CassandraServer {
 public:
  explicit FakeNode(FakeSchema& s) : s_(s) {}
  void configure(const NodeSettings&) override {}
  void start(const std::string&, std::chrono::seconds) override {}
  void stop() override {}
  Health health() override { return Health::kAnswering; }
  int ram_mb() const override { return 2048; }
  void set_ram_mb(int) override {}
  std::string nodetool(const std::vector<std::string>&, std::chrono::milliseconds) override {
    return "";
  }
  std::unique_ptr<cql::Session> cql(const Credentials& login) override {
    s_.logins.push_back(login.username);
    return std::make_unique<FakeSession>(s_);
  }
  int64_t free_disk_bytes() override { return 1 << 30; }

 private:
  FakeSchema& s_;
};

class CassandraAdminTest : public ::testing::Test {
 protected:
  FakeSchema schema_;
  FakeNode node_{schema_};
  std::timed_mutex mu_;
  CassandraDatabaseAdmin admin_{
      node_,
      CassandraDatabaseAdmin::Node{[this] { return std::unique_lock<std::timed_mutex>(mu_); },
                                   [] {
                                     return Credentials{"automat_admin", "adm1n"};
                                   },
                                   [] { return std::string("{'class': 'X'}"); }}};

  static proto::UserRef ref(const std::string& name) {
    proto::UserRef r;
    r.set_name(name);
    return r;
  }
};

TEST(CassandraAdminCql, StatementsQuoteNamesAndReadResources) {
  EXPECT_EQ(
      create_keyspace_cql("shop", "{'class': 'SimpleStrategy', 'replication_factor': 1}").text,
      "CREATE KEYSPACE \"shop\" WITH replication = {'class': 'SimpleStrategy', "
      "'replication_factor': 1}");
  EXPECT_EQ(grant_keyspace_cql("shop", "app").text,
            "GRANT ALL PERMISSIONS ON KEYSPACE \"shop\" TO \"app\"");
  EXPECT_EQ(revoke_keyspace_cql("shop", "app").text,
            "REVOKE ALL PERMISSIONS ON KEYSPACE \"shop\" FROM \"app\"");
  EXPECT_EQ(drop_role_cql("a\"b").text, "DROP ROLE IF EXISTS \"a\"\"b\"");
  EXPECT_EQ(keyspace_of_resource("data/shop"), "shop");
  EXPECT_EQ(keyspace_of_resource("data/shop/orders"), std::nullopt);
  EXPECT_EQ(keyspace_of_resource("data"), std::nullopt);
  EXPECT_EQ(keyspace_of_resource("roles/app"), std::nullopt);
  EXPECT_EQ(table_of_resource("data/shop/orders"),
            (std::pair<std::string, std::string>{"shop", "orders"}));
  EXPECT_EQ(table_of_resource("data/shop"), std::nullopt);
  EXPECT_EQ(table_of_resource("data/shop/"), std::nullopt);
  EXPECT_EQ(revoke_table_cql("shop", "orders", "app").text,
            "REVOKE ALL PERMISSIONS ON TABLE \"shop\".\"orders\" FROM \"app\"");
  EXPECT_TRUE(is_hidden_role("cassandra", ""));
  EXPECT_TRUE(is_hidden_role("root", ""));
  EXPECT_TRUE(is_hidden_role("ring_admin", "ring_admin"));
  EXPECT_FALSE(is_hidden_role("app", "ring_admin"));
  EXPECT_NO_THROW(validate_role_host("%"));
  EXPECT_NO_THROW(validate_role_host(""));
  EXPECT_THROW(validate_role_host("10.0.0.1"), common::Error);
}

TEST_F(CassandraAdminTest, KeyspacesAreDatabasesWithoutTheSystemOnes) {
  const auto page = admin_.list_databases({});
  ASSERT_EQ(page.databases_size(), 1);
  EXPECT_EQ(page.databases(0).name(), "shop");
  proto::CreateDatabasesRequest create;
  create.add_databases()->set_name("crm");
  admin_.create_databases(create);
  EXPECT_EQ(schema_.statements.back(), "CREATE KEYSPACE \"crm\" WITH replication = {'class': 'X'}");
  EXPECT_EQ(code_of([&] { admin_.create_databases(create); }), common::ErrorCode::kBadRequest);
  create.mutable_databases(0)->set_name("ledger");
  create.mutable_databases(0)->set_character_set("utf8");
  EXPECT_EQ(code_of([&] { admin_.create_databases(create); }), common::ErrorCode::kBadRequest)
      << "keyspaces have no character set";
  proto::DeleteDatabaseRequest drop;
  drop.set_name("system_auth");
  EXPECT_EQ(code_of([&] { admin_.delete_database(drop); }), common::ErrorCode::kBadRequest);
  drop.set_name("nowhere");
  EXPECT_EQ(code_of([&] { admin_.delete_database(drop); }), common::ErrorCode::kNotFound);
  drop.set_name("crm");
  admin_.delete_database(drop);
  EXPECT_EQ(schema_.keyspaces.count("crm"), 0u);
  for (const auto& login : schema_.logins) EXPECT_EQ(login, "automat_admin");
}

TEST_F(CassandraAdminTest, LoginRolesAreUsersWithTheirKeyspaces) {
  const auto page = admin_.list_users({});
  ASSERT_EQ(page.users_size(), 1) << "the admin and roles without login are hidden";
  EXPECT_EQ(page.users(0).name(), "app");
  EXPECT_EQ(page.users(0).host(), "%");
  ASSERT_EQ(page.users(0).databases_size(), 1) << "tables and system keyspaces are not access";
  EXPECT_EQ(page.users(0).databases(0), "shop");
  EXPECT_EQ(code_of([&] { admin_.get_user(ref("automat_admin")); }),
            common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of([&] { admin_.get_user(ref("ghost")); }), common::ErrorCode::kNotFound);
  proto::UserRef with_host = ref("app");
  with_host.set_host("10.0.0.1");
  EXPECT_EQ(code_of([&] { admin_.get_user(with_host); }), common::ErrorCode::kBadRequest);
}

TEST_F(CassandraAdminTest, UsersAreCreatedWithAccessChangedAndDropped) {
  proto::CreateUsersRequest create;
  auto* u = create.add_users();
  u->set_name("web");
  u->set_password("s3cret'pw");
  u->add_databases("nowhere");
  EXPECT_EQ(code_of([&] { admin_.create_users(create); }), common::ErrorCode::kNotFound);
  EXPECT_TRUE(schema_.statements.empty()) << "nothing ran";
  u->set_databases(0, "shop");
  admin_.create_users(create);
  EXPECT_EQ(schema_.roles.count("web"), 1u);
  EXPECT_EQ(schema_.permissions.count({"web", "data/shop"}), 1u);

  schema_.permissions.insert({"web", "data/shop/orders"});  // a table web created
  proto::RevokeAccessRequest revoke;
  *revoke.mutable_user() = ref("web");
  revoke.set_database("shop");
  admin_.revoke_access(revoke);
  EXPECT_EQ(schema_.statements.back(),
            "REVOKE ALL PERMISSIONS ON TABLE \"shop\".\"orders\" FROM \"web\"");
  EXPECT_EQ(admin_.list_access(ref("web")).databases_size(), 0);
  EXPECT_EQ(code_of([&] { admin_.revoke_access(revoke); }), common::ErrorCode::kNotFound);

  proto::UpdateUserRequest rename;
  *rename.mutable_user() = ref("app");
  rename.set_new_name("shopper");
  EXPECT_EQ(code_of([&] { admin_.update_user(rename); }), common::ErrorCode::kBadRequest)
      << "a renamed role needs a password";
  rename.set_new_password("n3w-password");
  admin_.update_user(rename);
  EXPECT_EQ(schema_.roles.count("app"), 0u);
  EXPECT_EQ(schema_.passwords.at("shopper"), "n3w-password");
  EXPECT_EQ(schema_.permissions.count({"shopper", "data/shop"}), 1u) << "access moves along";

  admin_.delete_user(ref("web"));
  EXPECT_EQ(schema_.roles.count("web"), 0u);
}

TEST_F(CassandraAdminTest, RootIsASuperuserRole) {
  EXPECT_FALSE(admin_.is_root_enabled());
  proto::EnableRootRequest req;
  req.set_password("chosen-pw-1");
  const auto root = admin_.enable_root(req);
  EXPECT_EQ(root.name(), "root");
  EXPECT_EQ(root.password(), "chosen-pw-1");
  ASSERT_FALSE(schema_.statements.empty());
  EXPECT_NE(schema_.statements.back().find("SUPERUSER = true"), std::string::npos);
  EXPECT_TRUE(admin_.is_root_enabled());
  EXPECT_EQ(admin_.list_users({}).users_size(), 1) << "root is not a user";
  admin_.disable_root();
  EXPECT_FALSE(admin_.is_root_enabled());
}

}  // namespace
}  // namespace automat::datastores::cassandra
