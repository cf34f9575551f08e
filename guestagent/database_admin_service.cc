#include "guestagent/database_admin_service.h"

#include "common/log.h"

namespace automat::guestagent {

DatabaseAdminService::DatabaseAdminService(DatabaseAdmin& admin, std::string instance_id,
                                           std::string token)
    : admin_(admin), guard_(std::move(instance_id), std::move(token)) {}

grpc::Status DatabaseAdminService::change(grpc::ServerContext* ctx, const char* method,
                                          const std::function<void()>& handler) {
  return guard_.run(ctx, method, [&] {
    handler();
    common::log::info("admin.changed", {{"instance", guard_.instance_id()}, {"method", method}});
  });
}

grpc::Status DatabaseAdminService::ListDatabases(grpc::ServerContext* ctx,
                                                 const proto::PageRequest* req,
                                                 proto::DatabasePage* reply) {
  return guard_.run(ctx, "ListDatabases", [&] { *reply = admin_.list_databases(*req); });
}

grpc::Status DatabaseAdminService::CreateDatabases(grpc::ServerContext* ctx,
                                                   const proto::CreateDatabasesRequest* req,
                                                   proto::AdminEmpty*) {
  return change(ctx, "CreateDatabases", [&] { admin_.create_databases(*req); });
}

grpc::Status DatabaseAdminService::DeleteDatabase(grpc::ServerContext* ctx,
                                                  const proto::DeleteDatabaseRequest* req,
                                                  proto::AdminEmpty*) {
  return change(ctx, "DeleteDatabase", [&] { admin_.delete_database(*req); });
}

grpc::Status DatabaseAdminService::ListUsers(grpc::ServerContext* ctx,
                                             const proto::PageRequest* req,
                                             proto::UserPage* reply) {
  return guard_.run(ctx, "ListUsers", [&] { *reply = admin_.list_users(*req); });
}

grpc::Status DatabaseAdminService::GetUser(grpc::ServerContext* ctx, const proto::UserRef* req,
                                           proto::User* reply) {
  return guard_.run(ctx, "GetUser", [&] { *reply = admin_.get_user(*req); });
}

grpc::Status DatabaseAdminService::CreateUsers(grpc::ServerContext* ctx,
                                               const proto::CreateUsersRequest* req,
                                               proto::AdminEmpty*) {
  return change(ctx, "CreateUsers", [&] { admin_.create_users(*req); });
}

grpc::Status DatabaseAdminService::DeleteUser(grpc::ServerContext* ctx, const proto::UserRef* req,
                                              proto::AdminEmpty*) {
  return change(ctx, "DeleteUser", [&] { admin_.delete_user(*req); });
}

grpc::Status DatabaseAdminService::UpdateUser(grpc::ServerContext* ctx,
                                              const proto::UpdateUserRequest* req,
                                              proto::AdminEmpty*) {
  return change(ctx, "UpdateUser", [&] { admin_.update_user(*req); });
}

grpc::Status DatabaseAdminService::ChangePasswords(grpc::ServerContext* ctx,
                                                   const proto::ChangePasswordsRequest* req,
                                                   proto::AdminEmpty*) {
  return change(ctx, "ChangePasswords", [&] { admin_.change_passwords(*req); });
}

grpc::Status DatabaseAdminService::ListAccess(grpc::ServerContext* ctx, const proto::UserRef* req,
                                              proto::AccessList* reply) {
  return guard_.run(ctx, "ListAccess", [&] { *reply = admin_.list_access(*req); });
}

grpc::Status DatabaseAdminService::GrantAccess(grpc::ServerContext* ctx,
                                               const proto::GrantAccessRequest* req,
                                               proto::AdminEmpty*) {
  return change(ctx, "GrantAccess", [&] { admin_.grant_access(*req); });
}

grpc::Status DatabaseAdminService::RevokeAccess(grpc::ServerContext* ctx,
                                                const proto::RevokeAccessRequest* req,
                                                proto::AdminEmpty*) {
  return change(ctx, "RevokeAccess", [&] { admin_.revoke_access(*req); });
}

grpc::Status DatabaseAdminService::EnableRoot(grpc::ServerContext* ctx,
                                              const proto::EnableRootRequest* req,
                                              proto::RootUser* reply) {
  return change(ctx, "EnableRoot", [&] { *reply = admin_.enable_root(*req); });
}

grpc::Status DatabaseAdminService::DisableRoot(grpc::ServerContext* ctx, const proto::AdminEmpty*,
                                               proto::AdminEmpty*) {
  return change(ctx, "DisableRoot", [&] { admin_.disable_root(); });
}

grpc::Status DatabaseAdminService::IsRootEnabled(grpc::ServerContext* ctx, const proto::AdminEmpty*,
                                                 proto::RootStatus* reply) {
  return guard_.run(ctx, "IsRootEnabled", [&] { reply->set_enabled(admin_.is_root_enabled()); });
}

}  // namespace automat::guestagent
