#pragma once
// Database administration of a MySQL node (guestagent/database_admin.h):
// databases, accounts and their database-level grants, and 'root'@'%', all
// as root over the instance's unix socket through a MysqlRootClient (SQL on
// stdin, so passwords never reach a command line; errors redacted). System
// databases and accounts (guest_mysql_admin_sql.h) are never listed nor
// changed. A read-only replica refuses every change: it copies its source's.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "datastores/mysql/guest_replication_client.h"
#include "guestagent/database_admin.h"

namespace automat::datastores::mysql {

class MysqlDatabaseAdmin : public guestagent::DatabaseAdmin {
 public:
  // Called at the start of every call: answers a lock the call holds while
  // it runs (so it never overlaps a restart), or throws kConflict (not
  // prepared, busy) or kUnavailable (mariadbd not answering).
  using Gate = std::function<std::unique_lock<std::timed_mutex>()>;

  MysqlDatabaseAdmin(std::unique_ptr<MysqlRootClient> client, Gate gate);

  proto::DatabasePage list_databases(const proto::PageRequest& req) override;
  void create_databases(const proto::CreateDatabasesRequest& req) override;
  void delete_database(const proto::DeleteDatabaseRequest& req) override;
  proto::UserPage list_users(const proto::PageRequest& req) override;
  proto::User get_user(const proto::UserRef& req) override;
  void create_users(const proto::CreateUsersRequest& req) override;
  void delete_user(const proto::UserRef& req) override;
  void update_user(const proto::UpdateUserRequest& req) override;
  void change_passwords(const proto::ChangePasswordsRequest& req) override;
  proto::AccessList list_access(const proto::UserRef& req) override;
  void grant_access(const proto::GrantAccessRequest& req) override;
  void revoke_access(const proto::RevokeAccessRequest& req) override;
  proto::RootUser enable_root(const proto::EnableRootRequest& req) override;
  void disable_root() override;
  bool is_root_enabled() override;

 private:
  // The server's answer to `script` (refined errors, see refine_mysql_error).
  std::string query(const SqlScript& script);
  // Databases that are not system ones, sorted by name.
  std::vector<proto::Database> databases();
  // Accounts that are not system ones with their databases, sorted by "name@host".
  std::vector<proto::User> accounts();
  std::optional<proto::User> find_account(const std::string& name, const std::string& host);
  proto::User require_account(const proto::UserRef& ref);
  void require_database(const std::string& name);
  // Throws kConflict on a read-only replica.
  void require_writable();

  const std::unique_ptr<MysqlRootClient> client_;
  const Gate gate_;
};

}  // namespace automat::datastores::mysql
