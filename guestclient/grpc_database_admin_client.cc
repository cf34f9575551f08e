#include "guestclient/grpc_database_admin_client.h"

#include "automat/database_admin.grpc.pb.h"
#include "common/crypto.h"
#include "guestclient/grpc_call.h"

namespace automat::guestclient {
namespace {

using Stub = proto::DatabaseAdmin::Stub;

class GrpcDatabaseAdminClient : public DatabaseAdminClient {
 public:
  GrpcDatabaseAdminClient(CallTarget to, std::shared_ptr<grpc::Channel> channel,
                          std::chrono::milliseconds deadline)
      : to_(std::move(to)),
        stub_(proto::DatabaseAdmin::NewStub(std::move(channel))),
        deadline_(deadline) {}

  proto::DatabasePage list_databases(const proto::PageRequest& req) override {
    return call<proto::DatabasePage>("ListDatabases", &Stub::ListDatabases, req);
  }
  void create_databases(const proto::CreateDatabasesRequest& req) override {
    call<proto::AdminEmpty>("CreateDatabases", &Stub::CreateDatabases, req);
  }
  void delete_database(const proto::DeleteDatabaseRequest& req) override {
    call<proto::AdminEmpty>("DeleteDatabase", &Stub::DeleteDatabase, req);
  }
  proto::UserPage list_users(const proto::PageRequest& req) override {
    return call<proto::UserPage>("ListUsers", &Stub::ListUsers, req);
  }
  proto::User get_user(const proto::UserRef& req) override {
    return call<proto::User>("GetUser", &Stub::GetUser, req);
  }
  void create_users(const proto::CreateUsersRequest& req) override {
    call<proto::AdminEmpty>("CreateUsers", &Stub::CreateUsers, req);
  }
  void delete_user(const proto::UserRef& req) override {
    call<proto::AdminEmpty>("DeleteUser", &Stub::DeleteUser, req);
  }
  void update_user(const proto::UpdateUserRequest& req) override {
    call<proto::AdminEmpty>("UpdateUser", &Stub::UpdateUser, req);
  }
  void change_passwords(const proto::ChangePasswordsRequest& req) override {
    call<proto::AdminEmpty>("ChangePasswords", &Stub::ChangePasswords, req);
  }
  proto::AccessList list_access(const proto::UserRef& req) override {
    return call<proto::AccessList>("ListAccess", &Stub::ListAccess, req);
  }
  void grant_access(const proto::GrantAccessRequest& req) override {
    call<proto::AdminEmpty>("GrantAccess", &Stub::GrantAccess, req);
  }
  void revoke_access(const proto::RevokeAccessRequest& req) override {
    call<proto::AdminEmpty>("RevokeAccess", &Stub::RevokeAccess, req);
  }
  proto::RootUser enable_root(const proto::EnableRootRequest& req) override {
    return call<proto::RootUser>("EnableRoot", &Stub::EnableRoot, req);
  }
  void disable_root() override {
    call<proto::AdminEmpty>("DisableRoot", &Stub::DisableRoot, proto::AdminEmpty());
  }
  bool is_root_enabled() override {
    return call<proto::RootStatus>("IsRootEnabled", &Stub::IsRootEnabled, proto::AdminEmpty())
        .enabled();
  }

 private:
  template <typename Reply, typename Request>
  Reply call(const char* method,
             grpc::Status (Stub::*fn)(grpc::ClientContext*, const Request&, Reply*),
             const Request& req) {
    Reply reply;
    unary_call(to_, method, deadline_,
               [&](grpc::ClientContext* c) { return (stub_.get()->*fn)(c, req, &reply); });
    return reply;
  }

  const CallTarget to_;
  std::unique_ptr<Stub> stub_;
  const std::chrono::milliseconds deadline_;
};

}  // namespace

GrpcDatabaseAdminClients::GrpcDatabaseAdminClients(std::string guest_secret, ChannelCache* channels)
    : guest_secret_(std::move(guest_secret)), channels_(channels ? channels : &own_channels_) {}

std::unique_ptr<DatabaseAdminClient> GrpcDatabaseAdminClients::connect(
    const GuestEndpoint& endpoint, std::chrono::milliseconds deadline) {
  CallTarget to{endpoint.instance_id, target_of(endpoint),
                common::crypto::guest_rpc_token(guest_secret_, endpoint.instance_id)};
  auto channel = channels_->get(to.target);
  return std::make_unique<GrpcDatabaseAdminClient>(std::move(to), std::move(channel), deadline);
}

}  // namespace automat::guestclient
