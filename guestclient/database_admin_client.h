#pragma once
// The control plane's typed calls into one guest's database administration
// (proto DatabaseAdmin, proto/automat/database_admin.proto): databases,
// users, access and root. GrpcDatabaseAdminClients
// (guestclient/grpc_database_admin_client.h) is the gRPC implementation;
// tests/fakes/fake_database_admin.h stands in for it in unit tests.
//
// Every call is bound by the deadline given to connect() and throws
// common::Error: kBadRequest (invalid or reserved name, already exists),
// kNotFound (no such database or user), kConflict (the guest cannot take it
// now: busy, not prepared, a read-only replica), kNotImplemented (this
// guest's datastore has no database administration), kUnavailable (the
// guest cannot be reached, or its datastore does not answer), kTimedOut (the
// guest did not answer within the deadline), kInternal (the
// datastore's message, passwords redacted). Requests may hold passwords:
// never logged.
#include <chrono>
#include <memory>

#include "automat/database_admin.pb.h"
#include "guestclient/guest_endpoint.h"

namespace automat::guestclient {

class DatabaseAdminClient {
 public:
  virtual ~DatabaseAdminClient() = default;
  virtual proto::DatabasePage list_databases(const proto::PageRequest& req) = 0;
  virtual void create_databases(const proto::CreateDatabasesRequest& req) = 0;
  virtual void delete_database(const proto::DeleteDatabaseRequest& req) = 0;
  virtual proto::UserPage list_users(const proto::PageRequest& req) = 0;
  virtual proto::User get_user(const proto::UserRef& req) = 0;
  virtual void create_users(const proto::CreateUsersRequest& req) = 0;
  virtual void delete_user(const proto::UserRef& req) = 0;
  virtual void update_user(const proto::UpdateUserRequest& req) = 0;
  virtual void change_passwords(const proto::ChangePasswordsRequest& req) = 0;
  virtual proto::AccessList list_access(const proto::UserRef& req) = 0;
  virtual void grant_access(const proto::GrantAccessRequest& req) = 0;
  virtual void revoke_access(const proto::RevokeAccessRequest& req) = 0;
  virtual proto::RootUser enable_root(const proto::EnableRootRequest& req) = 0;
  virtual void disable_root() = 0;
  virtual bool is_root_enabled() = 0;
};

class DatabaseAdminClientFactory {
 public:
  virtual ~DatabaseAdminClientFactory() = default;
  // A client for the guest at `endpoint` whose every call must finish
  // within `deadline`. Cheap; thread-safe.
  virtual std::unique_ptr<DatabaseAdminClient> connect(const GuestEndpoint& endpoint,
                                                       std::chrono::milliseconds deadline) = 0;
};

}  // namespace automat::guestclient
