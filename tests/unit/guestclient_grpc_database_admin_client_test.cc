// The typed database-administration contract end to end over gRPC:
// GrpcDatabaseAdminClients -> guestagent's DatabaseAdminService -> a
// FakeDatabaseAdmin. Tokens are checked, messages arrive whole, errors keep
// their meaning.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "automat/guest.grpc.pb.h"
#include "common/crypto.h"
#include "common/error.h"
#include "guestagent/database_admin_service.h"
#include "guestclient/grpc_database_admin_client.h"
#include "tests/fakes/fake_database_admin.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "deployment-secret";
constexpr const char* kInstance = "7c2a0c7e-1111-4222-8333-944445555666";
// Each call's deadline. No test here is about deadlines: a generous one, so
// a call on a busy machine is not cut short (that would read as a guest
// that is unreachable, kUnavailable, and hide the code under test).
constexpr auto kCallDeadline = 30s;

std::optional<common::Error> error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const common::Error& e) {
    return e;
  }
  return std::nullopt;
}

std::optional<common::ErrorCode> code_of(const std::function<void()>& call) {
  const auto error = error_of(call);
  if (!error) return std::nullopt;
  return error->code();
}

class GrpcDatabaseAdminClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now() + 1s); }

  std::unique_ptr<guestclient::DatabaseAdminClient> client(const char* secret = kSecret) {
    auto& clients = secret == std::string(kSecret) ? clients_ : other_clients_;
    return clients.connect({kInstance, "127.0.0.1", port_}, kCallDeadline);
  }

  FakeDatabaseAdmin admin_;
  guestagent::DatabaseAdminService service_{admin_, kInstance,
                                            common::crypto::guest_rpc_token(kSecret, kInstance)};
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  guestclient::GrpcDatabaseAdminClients clients_{kSecret};
  guestclient::GrpcDatabaseAdminClients other_clients_{"another-secret"};
};

TEST_F(GrpcDatabaseAdminClientTest, DatabasesAreCreatedListedByPageAndDeleted) {
  proto::CreateDatabasesRequest create;
  for (const char* name : {"shop", "audit", "crm"}) create.add_databases()->set_name(name);
  create.mutable_databases(0)->set_character_set("utf8mb4");
  client()->create_databases(create);

  proto::PageRequest first;
  first.set_limit(2);
  const auto page = client()->list_databases(first);
  ASSERT_EQ(page.databases_size(), 2);
  EXPECT_EQ(page.databases(0).name(), "audit");
  EXPECT_EQ(page.databases(1).name(), "crm");
  EXPECT_EQ(page.next_marker(), "crm");
  proto::PageRequest second;
  second.set_marker(page.next_marker());
  const auto rest = client()->list_databases(second);
  ASSERT_EQ(rest.databases_size(), 1);
  EXPECT_EQ(rest.databases(0).name(), "shop");
  EXPECT_EQ(rest.databases(0).character_set(), "utf8mb4");
  EXPECT_EQ(rest.next_marker(), "");

  proto::DeleteDatabaseRequest drop;
  drop.set_name("crm");
  client()->delete_database(drop);
  EXPECT_EQ(admin_.databases.count("crm"), 0u);
}

TEST_F(GrpcDatabaseAdminClientTest, UsersTheirAccessAndPasswordsTravelTyped) {
  admin_.databases["shop"].set_name("shop");
  admin_.databases["crm"].set_name("crm");
  proto::CreateUsersRequest create;
  auto* u = create.add_users();
  u->set_name("app");
  u->set_password("s3cret");
  u->add_databases("shop");
  client()->create_users(create);
  EXPECT_EQ(admin_.users.at("app@%").password, "s3cret");

  proto::UserRef app;
  app.set_name("app");
  const auto shown = client()->get_user(app);
  EXPECT_EQ(shown.host(), "%");
  ASSERT_EQ(shown.databases_size(), 1);

  proto::GrantAccessRequest grant;
  *grant.mutable_user() = app;
  grant.add_databases("crm");
  client()->grant_access(grant);
  EXPECT_EQ(client()->list_access(app).databases_size(), 2);
  proto::RevokeAccessRequest revoke;
  *revoke.mutable_user() = app;
  revoke.set_database("shop");
  client()->revoke_access(revoke);
  const auto access = client()->list_access(app);
  ASSERT_EQ(access.databases_size(), 1);
  EXPECT_EQ(access.databases(0).name(), "crm");

  proto::UpdateUserRequest update;
  *update.mutable_user() = app;
  update.set_new_name("web");
  client()->update_user(update);
  EXPECT_EQ(admin_.users.count("web@%"), 1u);
  EXPECT_EQ(admin_.users.at("web@%").password, "s3cret");  // only what was given changes

  proto::ChangePasswordsRequest change;
  auto* c = change.add_changes();
  c->mutable_user()->set_name("web");
  c->set_password("n3w");
  client()->change_passwords(change);
  EXPECT_EQ(admin_.users.at("web@%").password, "n3w");
  EXPECT_EQ(client()->list_users(proto::PageRequest()).users_size(), 1);

  proto::UserRef web;
  web.set_name("web");
  client()->delete_user(web);
  EXPECT_TRUE(admin_.users.empty());
}

TEST_F(GrpcDatabaseAdminClientTest, RootIsEnabledWithAGivenOrGeneratedPasswordAndDisabled) {
  EXPECT_FALSE(client()->is_root_enabled());
  const auto generated = client()->enable_root(proto::EnableRootRequest());
  EXPECT_EQ(generated.name(), "root");
  EXPECT_FALSE(generated.password().empty());
  proto::EnableRootRequest given;
  given.set_password("chosen-pw");
  EXPECT_EQ(client()->enable_root(given).password(), "chosen-pw");
  EXPECT_TRUE(client()->is_root_enabled());
  client()->disable_root();
  EXPECT_FALSE(client()->is_root_enabled());
}

TEST_F(GrpcDatabaseAdminClientTest, GuestErrorsKeepTheirMeaning) {
  admin_.databases["shop"].set_name("shop");
  proto::CreateDatabasesRequest again;
  again.add_databases()->set_name("shop");
  EXPECT_EQ(code_of([&] { client()->create_databases(again); }), common::ErrorCode::kBadRequest);
  proto::UserRef ghost;
  ghost.set_name("ghost");
  EXPECT_EQ(code_of([&] { client()->get_user(ghost); }), common::ErrorCode::kNotFound);
  admin_.fail_with = common::conflict("busy restarting");
  EXPECT_EQ(code_of([&] { client()->list_databases({}); }), common::ErrorCode::kConflict);
  admin_.fail_with = common::unavailable("MariaDB is not answering");
  const auto unavailable = error_of([&] { client()->list_databases({}); });
  ASSERT_TRUE(unavailable);
  EXPECT_EQ(unavailable->code(), common::ErrorCode::kUnavailable);
  // The guest's own answer, not a call that ran out of time.
  EXPECT_NE(std::string(unavailable->what()).find("MariaDB is not answering"), std::string::npos)
      << unavailable->what();
}

TEST_F(GrpcDatabaseAdminClientTest, AWrongTokenReachesNothing) {
  EXPECT_THROW(client("another-secret")->list_databases({}), common::Error);
  EXPECT_TRUE(admin_.calls.empty());
}

TEST(GrpcDatabaseAdminClientWithoutServiceTest, AGuestWithoutTheServiceIsNotImplemented) {
  proto::GuestAgent::Service generic_only;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&generic_only);
  auto server = builder.BuildAndStart();
  ASSERT_TRUE(server);
  guestclient::GrpcDatabaseAdminClients clients(kSecret);
  EXPECT_EQ(code_of([&] {
              clients.connect({kInstance, "127.0.0.1", port}, kCallDeadline)->list_users({});
            }),
            common::ErrorCode::kNotImplemented);
  server->Shutdown(std::chrono::system_clock::now() + 1s);
}

}  // namespace
}  // namespace automat::testing
