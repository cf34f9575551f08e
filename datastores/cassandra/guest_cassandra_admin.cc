#include "datastores/cassandra/guest_cassandra_admin.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/crypto.h"
#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_admin_cql.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "guestagent/admin_paging.h"

namespace automat::datastores::cassandra {
namespace {

constexpr size_t kRootPasswordLength = 24;

std::string key_of(const std::string& name) { return name + "@%"; }

common::Error missing_keyspace(const std::string& name) {
  return common::not_found("database (keyspace) '" + name + "' was not found on this instance");
}

common::Error missing_user(const std::string& name) {
  return common::not_found("user '" + name + "' was not found on this instance");
}

void validate_user(const proto::UserRef& ref) {
  validate_role_name(ref.name());
  validate_role_host(ref.host());
}

}  // namespace

class CassandraDatabaseAdmin::Call {
 public:
  explicit Call(CassandraDatabaseAdmin& a)
      : lock_(a.node_.gate()),
        admin_(a.node_.admin_login()),
        session_(login_until(a.server_, admin_, a.login_timeout_, a.clock_)) {}

  const std::string& admin() const { return admin_.username; }
  cql::Session& session() { return *session_; }
  void run(const CqlStatement& st) { run_script(*session_, {st}); }

  // Keyspaces that are not Cassandra's own, sorted.
  std::vector<std::string> keyspaces() {
    std::vector<std::string> out;
    for (const auto& ks : list_keyspaces(*session_)) {
      const std::string name = ks["name"];
      if (!is_system_keyspace(name)) out.push_back(name);
    }
    return out;
  }
  // Login roles that are not hidden, with their keyspaces, sorted by name.
  std::vector<proto::User> users() {
    std::map<std::string, std::set<std::string>> access;
    const auto perms = session_->execute(kListPermissionsCql, cql::Consistency::kLocalQuorum);
    const size_t p_role = perms.column("role");
    const size_t p_resource = perms.column("resource");
    for (const auto& row : perms.rows) {
      if (!row[p_role] || !row[p_resource]) continue;
      if (auto ks = keyspace_of_resource(*row[p_resource]); ks && !is_system_keyspace(*ks)) {
        access[*row[p_role]].insert(*ks);
      }
    }
    const auto roles = session_->execute(kListRolesCql, cql::Consistency::kLocalQuorum);
    const size_t r_role = roles.column("role");
    const size_t r_login = roles.column("can_login");
    std::vector<proto::User> out;
    for (const auto& row : roles.rows) {
      if (!row[r_role] || row[r_login].value_or("false") != "true") continue;
      if (is_hidden_role(*row[r_role], admin())) continue;
      proto::User u;
      u.set_name(*row[r_role]);
      u.set_host("%");
      for (const auto& ks : access[u.name()]) u.add_databases(ks);
      out.push_back(std::move(u));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.name() < b.name(); });
    return out;
  }
  std::optional<proto::User> find(const std::string& name) {
    for (auto& u : users()) {
      if (u.name() == name) return u;
    }
    return std::nullopt;
  }
  // The user `name` (validated against this node's admin first).
  proto::User require(const std::string& name) {
    validate_user_name(name, admin());
    auto u = find(name);
    if (!u) throw missing_user(name);
    return *u;
  }
  void require_keyspaces(const std::vector<std::string>& names) {
    const auto all = keyspaces();
    for (const auto& name : names) {
      if (std::find(all.begin(), all.end(), name) == all.end()) throw missing_keyspace(name);
    }
  }
  // The tables of `keyspace` `role` holds permissions on (those it created).
  std::vector<std::string> tables_granted(const std::string& role, const std::string& keyspace) {
    std::vector<std::string> tables;
    const auto perms = session_->execute(kListPermissionsCql, cql::Consistency::kLocalQuorum);
    const size_t p_role = perms.column("role");
    const size_t p_resource = perms.column("resource");
    for (const auto& row : perms.rows) {
      if (!row[p_role] || *row[p_role] != role || !row[p_resource]) continue;
      const auto table = table_of_resource(*row[p_resource]);
      if (table && table->first == keyspace) tables.push_back(table->second);
    }
    return tables;
  }
  void grant(const std::string& role, const std::vector<std::string>& keyspaces) {
    for (const auto& ks : keyspaces) run(grant_keyspace_cql(ks, role));
  }

 private:
  std::unique_lock<std::timed_mutex> lock_;
  Credentials admin_;
  std::unique_ptr<cql::Session> session_;
};

CassandraDatabaseAdmin::CassandraDatabaseAdmin(CassandraServer& server, Node node,
                                               std::chrono::milliseconds login_timeout,
                                               common::WaitClock& clock)
    : server_(server), node_(std::move(node)), login_timeout_(login_timeout), clock_(clock) {}

proto::DatabasePage CassandraDatabaseAdmin::list_databases(const proto::PageRequest& req) {
  Call call(*this);
  const auto page = guestagent::page_after(call.keyspaces(), req.limit(), req.marker(),
                                           [](const std::string& ks) { return ks; });
  proto::DatabasePage reply;
  for (const auto& ks : page.items) reply.add_databases()->set_name(ks);
  reply.set_next_marker(page.next_marker);
  return reply;
}

void CassandraDatabaseAdmin::create_databases(const proto::CreateDatabasesRequest& req) {
  std::set<std::string> asked;
  for (const auto& db : req.databases()) {
    validate_keyspace_name(db.name());
    if (!db.character_set().empty() || !db.collate().empty()) {
      throw common::bad_request("Cassandra keyspaces have no character set or collation ('" +
                                db.name() + "')");
    }
    if (!asked.insert(db.name()).second) {
      throw common::bad_request("database (keyspace) '" + db.name() + "' is listed twice");
    }
  }
  if (asked.empty()) throw common::bad_request("no database to create");
  Call call(*this);
  for (const auto& ks : call.keyspaces()) {
    if (asked.count(ks))
      throw common::bad_request("database (keyspace) '" + ks + "' already exists");
  }
  const std::string replication = node_.keyspace_replication();
  for (const auto& db : req.databases()) call.run(create_keyspace_cql(db.name(), replication));
}

void CassandraDatabaseAdmin::delete_database(const proto::DeleteDatabaseRequest& req) {
  validate_keyspace_name(req.name());
  Call call(*this);
  call.require_keyspaces({req.name()});
  call.run(drop_keyspace_cql(req.name()));
}

proto::UserPage CassandraDatabaseAdmin::list_users(const proto::PageRequest& req) {
  Call call(*this);
  const auto page = guestagent::page_after(call.users(), req.limit(), req.marker(),
                                           [](const proto::User& u) { return key_of(u.name()); });
  proto::UserPage reply;
  for (const auto& u : page.items) *reply.add_users() = u;
  reply.set_next_marker(page.next_marker);
  return reply;
}

proto::User CassandraDatabaseAdmin::get_user(const proto::UserRef& req) {
  validate_user(req);
  Call call(*this);
  return call.require(req.name());
}

void CassandraDatabaseAdmin::create_users(const proto::CreateUsersRequest& req) {
  std::set<std::string> asked;
  std::vector<std::string> wanted;
  for (const auto& u : req.users()) {
    validate_role_name(u.name());
    validate_role_host(u.host());
    validate_password(u.password());
    for (const auto& ks : u.databases()) {
      validate_keyspace_name(ks);
      wanted.push_back(ks);
    }
    if (!asked.insert(u.name()).second) {
      throw common::bad_request("user '" + u.name() + "' is listed twice");
    }
  }
  if (asked.empty()) throw common::bad_request("no user to create");
  Call call(*this);
  for (const auto& name : asked) validate_user_name(name, call.admin());
  for (const auto& u : call.users()) {
    if (asked.count(u.name())) throw common::bad_request("user '" + u.name() + "' already exists");
  }
  call.require_keyspaces(wanted);
  for (const auto& u : req.users()) {
    call.run(create_role_cql({u.name(), u.password(), false}));
    call.grant(u.name(), {u.databases().begin(), u.databases().end()});
  }
}

void CassandraDatabaseAdmin::delete_user(const proto::UserRef& req) {
  validate_user(req);
  Call call(*this);
  call.require(req.name());
  call.run(drop_role_cql(req.name()));
}

void CassandraDatabaseAdmin::update_user(const proto::UpdateUserRequest& req) {
  validate_user(req.user());
  if (!req.has_new_name() && !req.has_new_host() && !req.has_new_password()) {
    throw common::bad_request("nothing to update: give a new name or password");
  }
  if (req.has_new_host()) validate_role_host(req.new_host());
  if (req.has_new_password()) validate_password(req.new_password());
  const std::string& old_name = req.user().name();
  const bool renamed = req.has_new_name() && req.new_name() != old_name;
  if (renamed) {
    validate_role_name(req.new_name());
    if (!req.has_new_password()) {
      throw common::bad_request(
          "renaming a Cassandra user makes a new role, whose password cannot be copied: give "
          "the new password too");
    }
  }
  Call call(*this);
  const proto::User user = call.require(old_name);
  if (!renamed) {
    if (req.has_new_password()) upsert_role(call.session(), {old_name, req.new_password(), false});
    return;
  }
  validate_user_name(req.new_name(), call.admin());
  if (call.find(req.new_name())) {
    throw common::bad_request("user '" + req.new_name() + "' already exists");
  }
  call.run(create_role_cql({req.new_name(), req.new_password(), false}));
  call.grant(req.new_name(), {user.databases().begin(), user.databases().end()});
  call.run(drop_role_cql(old_name));
}

void CassandraDatabaseAdmin::change_passwords(const proto::ChangePasswordsRequest& req) {
  if (req.changes().empty()) throw common::bad_request("no user to change");
  for (const auto& c : req.changes()) {
    validate_user(c.user());
    validate_password(c.password());
  }
  Call call(*this);
  for (const auto& c : req.changes()) call.require(c.user().name());
  for (const auto& c : req.changes()) {
    upsert_role(call.session(), {c.user().name(), c.password(), false});
  }
}

proto::AccessList CassandraDatabaseAdmin::list_access(const proto::UserRef& req) {
  validate_user(req);
  Call call(*this);
  const proto::User user = call.require(req.name());
  proto::AccessList list;
  for (const auto& ks : user.databases()) list.add_databases()->set_name(ks);
  return list;
}

void CassandraDatabaseAdmin::grant_access(const proto::GrantAccessRequest& req) {
  validate_user(req.user());
  if (req.databases().empty()) throw common::bad_request("no database to grant");
  for (const auto& ks : req.databases()) validate_keyspace_name(ks);
  Call call(*this);
  call.require(req.user().name());
  const std::vector<std::string> keyspaces(req.databases().begin(), req.databases().end());
  call.require_keyspaces(keyspaces);
  call.grant(req.user().name(), keyspaces);
}

void CassandraDatabaseAdmin::revoke_access(const proto::RevokeAccessRequest& req) {
  validate_user(req.user());
  validate_keyspace_name(req.database());
  Call call(*this);
  const proto::User user = call.require(req.user().name());
  const auto& dbs = user.databases();
  if (std::find(dbs.begin(), dbs.end(), req.database()) == dbs.end()) {
    throw common::not_found("user '" + user.name() + "' has no access to database (keyspace) '" +
                            req.database() + "'");
  }
  call.run(revoke_keyspace_cql(req.database(), user.name()));
  for (const auto& table : call.tables_granted(user.name(), req.database())) {
    call.run(revoke_table_cql(req.database(), table, user.name()));
  }
}

proto::RootUser CassandraDatabaseAdmin::enable_root(const proto::EnableRootRequest& req) {
  const std::string password = req.password().empty()
                                   ? common::crypto::random_password(kRootPasswordLength)
                                   : req.password();
  validate_password(password);
  Call call(*this);
  upsert_role(call.session(), {kRootRole, password, true});
  proto::RootUser root;
  root.set_name(kRootRole);
  root.set_password(password);
  return root;
}

void CassandraDatabaseAdmin::disable_root() {
  Call call(*this);
  call.run(drop_role_cql(kRootRole));
}

bool CassandraDatabaseAdmin::is_root_enabled() {
  Call call(*this);
  return !call.session()
              .execute("SELECT role FROM system_auth.roles WHERE role = " +
                           cql::quote_literal(kRootRole),
                       cql::Consistency::kLocalQuorum)
              .rows.empty();
}

}  // namespace automat::datastores::cassandra
