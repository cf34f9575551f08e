#include "datastores/mysql/guest_mysql_admin.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/crypto.h"
#include "common/error.h"
#include "datastores/mysql/guest_mysql_admin_sql.h"
#include "datastores/mysql/guest_replication_status.h"
#include "guestagent/admin_paging.h"

namespace automat::datastores::mysql {
namespace {

constexpr size_t kRootPasswordLength = 24;

std::string host_of(const std::string& host) { return host.empty() ? kAnyHost : host; }

std::string key_of(const std::string& name, const std::string& host) {
  return name + "@" + host_of(host);
}
std::string key_of(const proto::User& u) { return key_of(u.name(), u.host()); }
std::string key_of(const proto::UserRef& u) { return key_of(u.name(), u.host()); }

std::string value(const BatchRow& row, const char* column) {
  const auto it = row.find(column);
  if (it == row.end()) {
    throw common::internal_error(std::string("MariaDB's answer lacks the column ") + column);
  }
  return it->second == "NULL" ? "" : it->second;
}

common::Error missing_database(const std::string& name) {
  return common::not_found("database '" + name + "' was not found on this instance");
}

common::Error missing_user(const std::string& key) {
  return common::not_found("user '" + key + "' was not found on this instance");
}

}  // namespace

MysqlDatabaseAdmin::MysqlDatabaseAdmin(std::unique_ptr<MysqlRootClient> client, Gate gate)
    : client_(std::move(client)), gate_(std::move(gate)) {}

std::string MysqlDatabaseAdmin::query(const SqlScript& script) {
  try {
    return client_->query(script);
  } catch (const common::Error& e) {
    throw refine_mysql_error(e);
  }
}

std::vector<proto::Database> MysqlDatabaseAdmin::databases() {
  std::vector<proto::Database> out;
  for (const auto& row : parse_batch_rows(query(list_databases_sql()))) {
    proto::Database db;
    db.set_name(value(row, "SCHEMA_NAME"));
    if (is_system_database(db.name())) continue;
    db.set_character_set(value(row, "DEFAULT_CHARACTER_SET_NAME"));
    db.set_collate(value(row, "DEFAULT_COLLATION_NAME"));
    out.push_back(std::move(db));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.name() < b.name(); });
  return out;
}

std::vector<proto::User> MysqlDatabaseAdmin::accounts() {
  std::map<std::string, std::set<std::string>> access;  // by key
  for (const auto& row : parse_batch_rows(query(list_database_grants_sql()))) {
    const std::string db = database_from_grant(value(row, "Db"));
    if (is_system_database(db)) continue;
    access[key_of(value(row, "User"), value(row, "Host"))].insert(db);
  }
  std::vector<proto::User> out;
  for (const auto& row : parse_batch_rows(query(list_accounts_sql()))) {
    proto::User u;
    u.set_name(value(row, "User"));
    u.set_host(value(row, "Host"));
    if (is_system_account(u.name())) continue;
    for (const auto& db : access[key_of(u)]) u.add_databases(db);
    out.push_back(std::move(u));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
  return out;
}

std::optional<proto::User> MysqlDatabaseAdmin::find_account(const std::string& name,
                                                            const std::string& host) {
  for (auto& u : accounts()) {
    if (u.name() == name && u.host() == host_of(host)) return u;
  }
  return std::nullopt;
}

proto::User MysqlDatabaseAdmin::require_account(const proto::UserRef& ref) {
  validate_admin_account(ref.name(), ref.host());
  auto found = find_account(ref.name(), ref.host());
  if (!found) throw missing_user(key_of(ref));
  return *found;
}

void MysqlDatabaseAdmin::require_database(const std::string& name) {
  validate_admin_database(name);
  const auto all = databases();
  if (std::none_of(all.begin(), all.end(), [&](const auto& db) { return db.name() == name; })) {
    throw missing_database(name);
  }
}

void MysqlDatabaseAdmin::require_writable() {
  const auto rows = parse_batch_rows(query(read_only_sql()));
  if (!rows.empty() && value(rows.front(), "read_only") == "1") {
    throw common::conflict(
        "this MySQL instance is a read-only replica: it copies its source's databases and users; "
        "change them on the source");
  }
}

proto::DatabasePage MysqlDatabaseAdmin::list_databases(const proto::PageRequest& req) {
  const auto lock = gate_();
  const auto page = guestagent::page_after(databases(), req.limit(), req.marker(),
                                           [](const auto& db) { return db.name(); });
  proto::DatabasePage reply;
  for (const auto& db : page.items) *reply.add_databases() = db;
  reply.set_next_marker(page.next_marker);
  return reply;
}

void MysqlDatabaseAdmin::create_databases(const proto::CreateDatabasesRequest& req) {
  std::set<std::string> asked;
  for (const auto& db : req.databases()) {
    validate_admin_database(db.name());
    if (!db.character_set().empty()) validate_charset_name(db.character_set(), "character set");
    if (!db.collate().empty()) validate_charset_name(db.collate(), "collation");
    if (!asked.insert(db.name()).second) {
      throw common::bad_request("database '" + db.name() + "' is listed twice");
    }
  }
  if (asked.empty()) throw common::bad_request("no database to create");
  const auto lock = gate_();
  require_writable();
  for (const auto& db : databases()) {
    if (asked.count(db.name())) {
      throw common::bad_request("database '" + db.name() + "' already exists");
    }
  }
  query(create_databases_sql({req.databases().begin(), req.databases().end()}));
}

void MysqlDatabaseAdmin::delete_database(const proto::DeleteDatabaseRequest& req) {
  validate_admin_database(req.name());
  const auto lock = gate_();
  require_writable();
  require_database(req.name());
  query(drop_database_sql(req.name()));
}

proto::UserPage MysqlDatabaseAdmin::list_users(const proto::PageRequest& req) {
  const auto lock = gate_();
  const auto page = guestagent::page_after(accounts(), req.limit(), req.marker(),
                                           [](const proto::User& u) { return key_of(u); });
  proto::UserPage reply;
  for (const auto& u : page.items) *reply.add_users() = u;
  reply.set_next_marker(page.next_marker);
  return reply;
}

proto::User MysqlDatabaseAdmin::get_user(const proto::UserRef& req) {
  validate_admin_account(req.name(), req.host());
  const auto lock = gate_();
  return require_account(req);
}

void MysqlDatabaseAdmin::create_users(const proto::CreateUsersRequest& req) {
  std::set<std::string> asked;
  std::set<std::string> wanted_databases;
  for (const auto& u : req.users()) {
    validate_admin_account(u.name(), u.host());
    validate_password(u.password());
    for (const auto& db : u.databases()) {
      validate_admin_database(db);
      wanted_databases.insert(db);
    }
    if (!asked.insert(key_of(u.name(), u.host())).second) {
      throw common::bad_request("user '" + key_of(u.name(), u.host()) + "' is listed twice");
    }
  }
  if (asked.empty()) throw common::bad_request("no user to create");
  const auto lock = gate_();
  require_writable();
  for (const auto& u : accounts()) {
    if (asked.count(key_of(u)))
      throw common::bad_request("user '" + key_of(u) + "' already exists");
  }
  std::set<std::string> existing;
  for (const auto& db : databases()) existing.insert(db.name());
  for (const auto& db : wanted_databases) {
    if (!existing.count(db)) throw missing_database(db);
  }
  SqlScript script;
  for (const auto& u : req.users()) script += create_user_sql(u);
  query(script);
}

void MysqlDatabaseAdmin::delete_user(const proto::UserRef& req) {
  validate_admin_account(req.name(), req.host());
  const auto lock = gate_();
  require_writable();
  require_account(req);
  query(drop_user_sql(req.name(), req.host()));
}

void MysqlDatabaseAdmin::update_user(const proto::UpdateUserRequest& req) {
  const proto::UserRef& who = req.user();
  validate_admin_account(who.name(), who.host());
  if (!req.has_new_name() && !req.has_new_host() && !req.has_new_password()) {
    throw common::bad_request("nothing to update: give a new name, host or password");
  }
  const std::string name = req.has_new_name() ? req.new_name() : who.name();
  const std::string host = host_of(req.has_new_host() ? req.new_host() : who.host());
  validate_admin_account(name, host);
  if (req.has_new_password()) validate_password(req.new_password());
  const bool renamed = key_of(name, host) != key_of(who);
  const auto lock = gate_();
  require_writable();
  require_account(who);
  if (renamed && find_account(name, host)) {
    throw common::bad_request("user '" + key_of(name, host) + "' already exists");
  }
  SqlScript script;
  if (renamed) script += rename_user_sql(who.name(), who.host(), name, host);
  if (req.has_new_password()) script += set_password_sql(name, host, req.new_password());
  query(script);
}

void MysqlDatabaseAdmin::change_passwords(const proto::ChangePasswordsRequest& req) {
  if (req.changes().empty()) throw common::bad_request("no user to change");
  for (const auto& c : req.changes()) {
    validate_admin_account(c.user().name(), c.user().host());
    validate_password(c.password());
  }
  const auto lock = gate_();
  require_writable();
  std::set<std::string> existing;
  for (const auto& u : accounts()) existing.insert(key_of(u));
  SqlScript script;
  for (const auto& c : req.changes()) {
    if (!existing.count(key_of(c.user()))) throw missing_user(key_of(c.user()));
    script += set_password_sql(c.user().name(), c.user().host(), c.password());
  }
  query(script);
}

proto::AccessList MysqlDatabaseAdmin::list_access(const proto::UserRef& req) {
  validate_admin_account(req.name(), req.host());
  const auto lock = gate_();
  const proto::User user = require_account(req);
  proto::AccessList list;
  for (const auto& db : user.databases()) list.add_databases()->set_name(db);
  return list;
}

void MysqlDatabaseAdmin::grant_access(const proto::GrantAccessRequest& req) {
  validate_admin_account(req.user().name(), req.user().host());
  if (req.databases().empty()) throw common::bad_request("no database to grant");
  for (const auto& db : req.databases()) validate_admin_database(db);
  const auto lock = gate_();
  require_writable();
  require_account(req.user());
  std::set<std::string> existing;
  for (const auto& db : databases()) existing.insert(db.name());
  for (const auto& db : req.databases()) {
    if (!existing.count(db)) throw missing_database(db);
  }
  query(grant_sql(req.user().name(), req.user().host(),
                  {req.databases().begin(), req.databases().end()}));
}

void MysqlDatabaseAdmin::revoke_access(const proto::RevokeAccessRequest& req) {
  validate_admin_account(req.user().name(), req.user().host());
  validate_admin_database(req.database());
  const auto lock = gate_();
  require_writable();
  const proto::User user = require_account(req.user());
  const auto& dbs = user.databases();
  if (std::find(dbs.begin(), dbs.end(), req.database()) == dbs.end()) {
    throw common::not_found("user '" + key_of(user) + "' has no access to database '" +
                            req.database() + "'");
  }
  query(revoke_sql(user.name(), user.host(), req.database()));
}

proto::RootUser MysqlDatabaseAdmin::enable_root(const proto::EnableRootRequest& req) {
  const std::string password = req.password().empty()
                                   ? common::crypto::random_password(kRootPasswordLength)
                                   : req.password();
  validate_password(password);
  const auto lock = gate_();
  require_writable();
  query(enable_root_sql(password));
  proto::RootUser root;
  root.set_name("root");
  root.set_password(password);
  return root;
}

void MysqlDatabaseAdmin::disable_root() {
  const auto lock = gate_();
  require_writable();
  query(disable_root_sql());
}

bool MysqlDatabaseAdmin::is_root_enabled() {
  const auto lock = gate_();
  const auto rows = parse_batch_rows(query(root_account_sql()));
  return !rows.empty() && value(rows.front(), "n") != "0";
}

}  // namespace automat::datastores::mysql
