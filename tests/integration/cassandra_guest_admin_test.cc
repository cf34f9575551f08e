// The Cassandra guest's database administration
// (CassandraManager::database_admin) on a real Apache Cassandra 5.0 node
// from $AUTOMAT_CASSANDRA_IMAGE (fails, never skips, when unset): a
// standalone node (the one-node POST /instances) prepared and secured by the
// manager, then keyspaces, login roles, their access and root, each checked
// by logging in over CQL as the role it concerns. One JVM; the tests build
// on each other, in order.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/error.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/common_cql_client.h"
#include "datastores/cassandra/guest_cassandra_layout.h"
#include "datastores/guest_registry.h"

namespace automat::datastores::cassandra {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// In this worktree's own loopback range, clear of the ring tests' 127.32.0.x.
constexpr const char* kAddress = "127.33.250.1";

std::unique_ptr<cql::Session> login(const std::string& user, const std::string& password) {
  return cql::connect({.host = kAddress, .port = 9042, .username = user, .password = password});
}

// Logs in, retrying while the role is not in the node's caches yet.
std::unique_ptr<cql::Session> login_within(const std::string& user, const std::string& password) {
  const auto deadline = Clock::now() + 30s;
  for (;;) {
    try {
      return login(user, password);
    } catch (const common::Error&) {
      if (Clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(500ms);
  }
}

// True once a login is refused as unauthorized (the credentials cache
// forgets a dropped role or an old password within its validity).
bool refused_within(const std::string& user, const std::string& password) {
  const auto deadline = Clock::now() + 30s;
  for (;;) {
    try {
      login(user, password);
    } catch (const common::Error& e) {
      if (e.code() == common::ErrorCode::kUnauthorized) return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(500ms);
  }
}

// True once `statement` as `session`'s role is refused (permissions cache).
bool unauthorized_within(cql::Session& session, const std::string& statement) {
  const auto deadline = Clock::now() + 30s;
  for (;;) {
    try {
      session.execute(statement);
    } catch (const common::Error& e) {
      if (e.code() == common::ErrorCode::kUnauthorized) return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(500ms);
  }
}

std::optional<common::ErrorCode> code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const common::Error& e) {
    return e.code();
  }
  return std::nullopt;
}

class CassandraGuestAdminTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* image = std::getenv("AUTOMAT_CASSANDRA_IMAGE");
    ASSERT_NE(image, nullptr) << "AUTOMAT_CASSANDRA_IMAGE must name a Cassandra image "
                                 "(lib/ and conf/); ./run_tests.sh exports it";
    char tmpl[] = "/tmp/automat-it-cassandra-admin-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    guestagent::NodeContext node;
    node.instance_id = "cass-admin-it";
    node.address = kAddress;
    node.instance_dir = *dir_ + "/node";
    node.datastore_version = "5.0.9";
    node.image_location = image;
    node.ram_mb = 1024;
    std::filesystem::create_directories(node.instance_dir);
    manager_ = datastores::guest_manager("cassandra", node).release();
    proto::cassandra::PrepareSettings standalone;
    standalone.set_standalone(true);
    proto::PrepareRequest req;
    req.mutable_settings()->PackFrom(standalone);
    manager_->prepare(req);
  }

  static void TearDownTestSuite() {
    if (manager_) {
      try {
        manager_->stop();
      } catch (const std::exception&) {
      }
      delete manager_;
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(manager_, nullptr);
    ASSERT_NE(admin(), nullptr);
  }

  static guestagent::DatabaseAdmin* admin() { return manager_->database_admin(); }
  static proto::UserRef ref(const std::string& name) {
    proto::UserRef r;
    r.set_name(name);
    return r;
  }

  static std::string* dir_;
  static guestagent::DatastoreManager* manager_;
};

std::string* CassandraGuestAdminTest::dir_ = nullptr;
guestagent::DatastoreManager* CassandraGuestAdminTest::manager_ = nullptr;

TEST_F(CassandraGuestAdminTest, A_KeyspacesAreDatabasesAndSystemOnesHidden) {
  EXPECT_EQ(admin()->list_databases({}).databases_size(), 0);
  proto::CreateDatabasesRequest create;
  create.add_databases()->set_name("shop");
  create.add_databases()->set_name("crm");
  admin()->create_databases(create);
  const auto page = admin()->list_databases({});
  ASSERT_EQ(page.databases_size(), 2);
  EXPECT_EQ(page.databases(0).name(), "crm");
  EXPECT_EQ(code_of([&] { admin()->create_databases(create); }), common::ErrorCode::kBadRequest);
  EXPECT_EQ(admin()->list_users({}).users_size(), 0) << "the admin role is hidden";
}

TEST_F(CassandraGuestAdminTest, B_ARoleWithAccessWorksAndOnlyOnItsKeyspace) {
  proto::CreateUsersRequest create;
  auto* u = create.add_users();
  u->set_name("app");
  u->set_password("app'pw-1");
  u->add_databases("shop");
  admin()->create_users(create);
  auto app = login_within("app", "app'pw-1");
  app->execute("CREATE TABLE shop.orders (id int PRIMARY KEY, item text)");
  app->execute("INSERT INTO shop.orders (id, item) VALUES (1, 'book')");
  EXPECT_EQ(app->execute("SELECT item FROM shop.orders WHERE id = 1").rows.size(), 1u);
  EXPECT_TRUE(unauthorized_within(*app, "CREATE TABLE crm.t (k int PRIMARY KEY)"));

  const auto user = admin()->get_user(ref("app"));
  EXPECT_EQ(user.host(), "%");
  ASSERT_EQ(user.databases_size(), 1);
  EXPECT_EQ(user.databases(0), "shop");
}

TEST_F(CassandraGuestAdminTest, C_GrantRevokeAndAPasswordChangeTakeEffect) {
  proto::GrantAccessRequest grant;
  *grant.mutable_user() = ref("app");
  grant.add_databases("crm");
  admin()->grant_access(grant);
  EXPECT_EQ(admin()->list_access(ref("app")).databases_size(), 2);
  auto app = login_within("app", "app'pw-1");
  const auto deadline = Clock::now() + 30s;
  bool created = false;
  while (!created && Clock::now() < deadline) {
    try {
      app->execute("CREATE TABLE crm.t (k int PRIMARY KEY)");
      created = true;
    } catch (const common::Error&) {
      std::this_thread::sleep_for(500ms);  // the permissions cache catches up
    }
  }
  EXPECT_TRUE(created);

  proto::RevokeAccessRequest revoke;
  *revoke.mutable_user() = ref("app");
  revoke.set_database("crm");
  admin()->revoke_access(revoke);
  EXPECT_TRUE(unauthorized_within(*app, "CREATE TABLE crm.t2 (k int PRIMARY KEY)"));
  EXPECT_TRUE(unauthorized_within(*app, "SELECT * FROM crm.t"))
      << "the table it created is revoked too";
  EXPECT_EQ(code_of([&] { admin()->revoke_access(revoke); }), common::ErrorCode::kNotFound);

  proto::ChangePasswordsRequest change;
  auto* c = change.add_changes();
  *c->mutable_user() = ref("app");
  c->set_password("n3w-app-pw");
  admin()->change_passwords(change);
  login_within("app", "n3w-app-pw");
  EXPECT_TRUE(refused_within("app", "app'pw-1"));
}

TEST_F(CassandraGuestAdminTest, D_RootIsASuperuserUntilDisabled) {
  EXPECT_FALSE(admin()->is_root_enabled());
  proto::EnableRootRequest req;
  req.set_password("r00t-pass-1");
  EXPECT_EQ(admin()->enable_root(req).name(), "root");
  auto root = login_within("root", "r00t-pass-1");
  root->execute(
      "CREATE KEYSPACE by_root WITH replication = {'class': 'SimpleStrategy', "
      "'replication_factor': 1}");
  EXPECT_TRUE(admin()->is_root_enabled());
  admin()->disable_root();
  EXPECT_TRUE(refused_within("root", "r00t-pass-1"));
  EXPECT_FALSE(admin()->is_root_enabled());
}

TEST_F(CassandraGuestAdminTest, E_ADeletedUserAndKeyspaceAreGone) {
  admin()->delete_user(ref("app"));
  EXPECT_TRUE(refused_within("app", "n3w-app-pw"));
  EXPECT_EQ(code_of([&] { admin()->get_user(ref("app")); }), common::ErrorCode::kNotFound);
  proto::DeleteDatabaseRequest drop;
  drop.set_name("crm");
  admin()->delete_database(drop);
  EXPECT_EQ(code_of([&] { admin()->delete_database(drop); }), common::ErrorCode::kNotFound);
  EXPECT_EQ(admin()->list_databases({}).databases_size(), 2) << "shop and by_root";
}

}  // namespace
}  // namespace automat::datastores::cassandra
