#pragma once
// Database administration of a Cassandra node (guestagent/database_admin.h):
// keyspaces as databases, login roles as users (host always "%"), ALL
// PERMISSIONS ON KEYSPACE as access, and a superuser role "root", all
// through this node's CQL as the admin login the guest holds. System
// keyspaces, the admin login, cassandra and root are never listed as
// databases or users nor changed through them.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/wait_clock.h"
#include "datastores/cassandra/guest_cassandra_server.h"
#include "datastores/cassandra/guest_cassandra_state.h"
#include "guestagent/database_admin.h"

namespace automat::datastores::cassandra {

class CassandraDatabaseAdmin : public guestagent::DatabaseAdmin {
 public:
  // What the admin asks of its node at each call.
  struct Node {
    // Answers a lock the call holds while it runs, or throws kConflict (not
    // prepared, busy) or kUnavailable (CQL not answering).
    std::function<std::unique_lock<std::timed_mutex>()> gate;
    // The admin login (stored credentials, or the default before securing).
    std::function<Credentials()> admin_login;
    // The replication map literal of a new keyspace (the node's own, as
    // prepare uses).
    std::function<std::string()> keyspace_replication;
  };

  // `server` (borrowed) and `clock` (the logins' waits) must outlive this.
  CassandraDatabaseAdmin(CassandraServer& server, Node node,
                         std::chrono::milliseconds login_timeout = std::chrono::seconds(30),
                         common::WaitClock& clock = common::steady_wait_clock());

  proto::DatabasePage list_databases(const proto::PageRequest& req) override;
  void create_databases(const proto::CreateDatabasesRequest& req) override;
  void delete_database(const proto::DeleteDatabaseRequest& req) override;
  proto::UserPage list_users(const proto::PageRequest& req) override;
  proto::User get_user(const proto::UserRef& req) override;
  void create_users(const proto::CreateUsersRequest& req) override;
  void delete_user(const proto::UserRef& req) override;
  // A role cannot be renamed in Cassandra: a new name makes a new role
  // (which needs new_password: passwords cannot be read back) with the same
  // access, then drops the old one.
  void update_user(const proto::UpdateUserRequest& req) override;
  void change_passwords(const proto::ChangePasswordsRequest& req) override;
  proto::AccessList list_access(const proto::UserRef& req) override;
  void grant_access(const proto::GrantAccessRequest& req) override;
  void revoke_access(const proto::RevokeAccessRequest& req) override;
  proto::RootUser enable_root(const proto::EnableRootRequest& req) override;
  void disable_root() override;
  bool is_root_enabled() override;

 private:
  // One call's CQL session as the admin, and what it needs to know.
  class Call;

  CassandraServer& server_;
  const Node node_;
  const std::chrono::milliseconds login_timeout_;
  common::WaitClock& clock_;
};

}  // namespace automat::datastores::cassandra
