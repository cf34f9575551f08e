#pragma once
// The gRPC face of a node's database administration (proto DatabaseAdmin):
// authenticates every call with the instance's rpc token, as GuestService
// does, then hands it to the datastore's DatabaseAdmin. Errors travel back
// as gRPC statuses carrying their message. Each call is logged by its method
// name only: requests may hold passwords.
#include <grpcpp/grpcpp.h>

#include <string>

#include "automat/database_admin.grpc.pb.h"
#include "guestagent/database_admin.h"
#include "guestagent/rpc_guard.h"

namespace automat::guestagent {

class DatabaseAdminService final : public proto::DatabaseAdmin::Service {
 public:
  // Borrows `admin`. `token` is the expected x-automat-token.
  DatabaseAdminService(DatabaseAdmin& admin, std::string instance_id, std::string token);

  grpc::Status ListDatabases(grpc::ServerContext* ctx, const proto::PageRequest* req,
                             proto::DatabasePage* reply) override;
  grpc::Status CreateDatabases(grpc::ServerContext* ctx, const proto::CreateDatabasesRequest* req,
                               proto::AdminEmpty* reply) override;
  grpc::Status DeleteDatabase(grpc::ServerContext* ctx, const proto::DeleteDatabaseRequest* req,
                              proto::AdminEmpty* reply) override;
  grpc::Status ListUsers(grpc::ServerContext* ctx, const proto::PageRequest* req,
                         proto::UserPage* reply) override;
  grpc::Status GetUser(grpc::ServerContext* ctx, const proto::UserRef* req,
                       proto::User* reply) override;
  grpc::Status CreateUsers(grpc::ServerContext* ctx, const proto::CreateUsersRequest* req,
                           proto::AdminEmpty* reply) override;
  grpc::Status DeleteUser(grpc::ServerContext* ctx, const proto::UserRef* req,
                          proto::AdminEmpty* reply) override;
  grpc::Status UpdateUser(grpc::ServerContext* ctx, const proto::UpdateUserRequest* req,
                          proto::AdminEmpty* reply) override;
  grpc::Status ChangePasswords(grpc::ServerContext* ctx, const proto::ChangePasswordsRequest* req,
                               proto::AdminEmpty* reply) override;
  grpc::Status ListAccess(grpc::ServerContext* ctx, const proto::UserRef* req,
                          proto::AccessList* reply) override;
  grpc::Status GrantAccess(grpc::ServerContext* ctx, const proto::GrantAccessRequest* req,
                           proto::AdminEmpty* reply) override;
  grpc::Status RevokeAccess(grpc::ServerContext* ctx, const proto::RevokeAccessRequest* req,
                            proto::AdminEmpty* reply) override;
  grpc::Status EnableRoot(grpc::ServerContext* ctx, const proto::EnableRootRequest* req,
                          proto::RootUser* reply) override;
  grpc::Status DisableRoot(grpc::ServerContext* ctx, const proto::AdminEmpty* req,
                           proto::AdminEmpty* reply) override;
  grpc::Status IsRootEnabled(grpc::ServerContext* ctx, const proto::AdminEmpty* req,
                             proto::RootStatus* reply) override;

 private:
  // Runs a call that changes the datastore: logged when it succeeded.
  grpc::Status change(grpc::ServerContext* ctx, const char* method,
                      const std::function<void()>& handler);

  DatabaseAdmin& admin_;
  const RpcGuard guard_;
};

}  // namespace automat::guestagent
