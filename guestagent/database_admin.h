#pragma once
// Database administration on one node: the datastore's databases, its users
// and their access, and its root superuser (what proto DatabaseAdmin,
// proto/automat/database_admin.proto, lets the control plane ask). A
// datastore that offers it returns one from
// DatastoreManager::database_admin(); guestagent/database_admin_service.h
// serves it over gRPC. An implementation never sees RPC.
//
// Every call is quick (no data is copied) and observes before it acts, so a
// retried call does no harm; it throws common::Error: kBadRequest (invalid
// or reserved name, a database or user that already exists), kNotFound (no
// such database or user), kConflict (the node cannot take it now: not
// prepared, busy with another change, a read-only replica), kUnavailable
// (the datastore does not answer), kInternal with the datastore's message.
// System databases and the accounts the control plane uses (root, admin and
// replication accounts) are never listed and never changed through it.
// Requests may hold passwords: never logged, never in an error message.
// Thread-safe.
#include "automat/database_admin.pb.h"

namespace automat::guestagent {

class DatabaseAdmin {
 public:
  virtual ~DatabaseAdmin() = default;

  // Sorted by name; a page of at most req.limit (0 = all) after req.marker.
  virtual proto::DatabasePage list_databases(const proto::PageRequest& req) = 0;
  // All or nothing: validated, checked absent and free of duplicates first.
  virtual void create_databases(const proto::CreateDatabasesRequest& req) = 0;
  virtual void delete_database(const proto::DeleteDatabaseRequest& req) = 0;

  // Sorted by "name@host"; paged as list_databases.
  virtual proto::UserPage list_users(const proto::PageRequest& req) = 0;
  virtual proto::User get_user(const proto::UserRef& req) = 0;
  // All or nothing, as create_databases; each user's databases must exist.
  virtual void create_users(const proto::CreateUsersRequest& req) = 0;
  virtual void delete_user(const proto::UserRef& req) = 0;
  virtual void update_user(const proto::UpdateUserRequest& req) = 0;
  virtual void change_passwords(const proto::ChangePasswordsRequest& req) = 0;

  virtual proto::AccessList list_access(const proto::UserRef& req) = 0;
  virtual void grant_access(const proto::GrantAccessRequest& req) = 0;
  virtual void revoke_access(const proto::RevokeAccessRequest& req) = 0;

  // The superuser "root", able to log in from anywhere, with req.password
  // or a generated one (answered, never stored by the guest).
  virtual proto::RootUser enable_root(const proto::EnableRootRequest& req) = 0;
  virtual void disable_root() = 0;
  virtual bool is_root_enabled() = 0;
};

}  // namespace automat::guestagent
