#pragma once
// In-memory stand-ins for a guest's database administration:
// FakeDatabaseAdmin keeps guestagent::DatabaseAdmin's promises (exists ->
// kBadRequest, missing -> kNotFound, all or nothing, pages after a marker)
// over maps; FakeDatabaseAdminClients is a guestclient factory whose clients
// reach one FakeDatabaseAdmin per instance id. Thread-safe: the factory's
// `mu` guards every FakeDatabaseAdmin it holds.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "guestagent/database_admin.h"
#include "guestclient/database_admin_client.h"

namespace automat::testing {

class FakeDatabaseAdmin : public guestagent::DatabaseAdmin {
 public:
  struct Account {
    std::string password;
    std::set<std::string> databases;
  };
  std::map<std::string, proto::Database> databases;  // by name
  std::map<std::string, Account> users;              // by "name@host"
  std::optional<std::string> root_password;          // set while root is enabled
  // When set, every call throws it (a guest that fails).
  std::optional<common::Error> fail_with;
  std::vector<std::string> calls;  // method names, in order

  static std::string key(const std::string& name, const std::string& host) {
    return name + "@" + (host.empty() ? "%" : host);
  }
  static std::string key(const proto::UserRef& u) { return key(u.name(), u.host()); }

  proto::DatabasePage list_databases(const proto::PageRequest& req) override {
    enter("ListDatabases");
    proto::DatabasePage page;
    for (auto it = databases.upper_bound(req.marker()); it != databases.end(); ++it) {
      if (req.limit() > 0 && page.databases_size() == req.limit()) {
        page.set_next_marker(page.databases(page.databases_size() - 1).name());
        break;
      }
      *page.add_databases() = it->second;
    }
    return page;
  }
  void create_databases(const proto::CreateDatabasesRequest& req) override {
    enter("CreateDatabases");
    std::set<std::string> seen;
    for (const auto& db : req.databases()) {
      check_name(db.name(), "database");
      if (databases.count(db.name()) || !seen.insert(db.name()).second) {
        throw common::bad_request("database '" + db.name() + "' already exists");
      }
    }
    for (const auto& db : req.databases()) databases[db.name()] = db;
  }
  void delete_database(const proto::DeleteDatabaseRequest& req) override {
    enter("DeleteDatabase");
    if (!databases.erase(req.name())) throw missing_database(req.name());
    for (auto& [k, a] : users) a.databases.erase(req.name());
  }

  proto::UserPage list_users(const proto::PageRequest& req) override {
    enter("ListUsers");
    proto::UserPage page;
    for (auto it = users.upper_bound(req.marker()); it != users.end(); ++it) {
      if (req.limit() > 0 && page.users_size() == req.limit()) {
        const auto& last = page.users(page.users_size() - 1);
        page.set_next_marker(key(last.name(), last.host()));
        break;
      }
      *page.add_users() = view(it->first, it->second);
    }
    return page;
  }
  proto::User get_user(const proto::UserRef& req) override {
    enter("GetUser");
    return view(key(req), account(req));
  }
  void create_users(const proto::CreateUsersRequest& req) override {
    enter("CreateUsers");
    std::set<std::string> seen;
    for (const auto& u : req.users()) {
      check_name(u.name(), "user");
      const std::string k = key(u.name(), u.host());
      if (users.count(k) || !seen.insert(k).second) {
        throw common::bad_request("user '" + k + "' already exists");
      }
      for (const auto& db : u.databases()) {
        if (!databases.count(db)) throw missing_database(db);
      }
    }
    for (const auto& u : req.users()) {
      users[key(u.name(), u.host())] = {u.password(), {u.databases().begin(), u.databases().end()}};
    }
  }
  void delete_user(const proto::UserRef& req) override {
    enter("DeleteUser");
    account(req);
    users.erase(key(req));
  }
  void update_user(const proto::UpdateUserRequest& req) override {
    enter("UpdateUser");
    Account a = account(req.user());
    const std::string name = req.has_new_name() ? req.new_name() : req.user().name();
    const std::string host = req.has_new_host() ? req.new_host() : req.user().host();
    const std::string to = key(name, host);
    if (to != key(req.user()) && users.count(to)) {
      throw common::bad_request("user '" + to + "' already exists");
    }
    if (req.has_new_password()) a.password = req.new_password();
    users.erase(key(req.user()));
    users[to] = a;
  }
  void change_passwords(const proto::ChangePasswordsRequest& req) override {
    enter("ChangePasswords");
    for (const auto& c : req.changes()) account(c.user());
    for (const auto& c : req.changes()) users[key(c.user())].password = c.password();
  }

  proto::AccessList list_access(const proto::UserRef& req) override {
    enter("ListAccess");
    proto::AccessList list;
    for (const auto& db : account(req).databases) list.add_databases()->set_name(db);
    return list;
  }
  void grant_access(const proto::GrantAccessRequest& req) override {
    enter("GrantAccess");
    account(req.user());
    for (const auto& db : req.databases()) {
      if (!databases.count(db)) throw missing_database(db);
    }
    for (const auto& db : req.databases()) users[key(req.user())].databases.insert(db);
  }
  void revoke_access(const proto::RevokeAccessRequest& req) override {
    enter("RevokeAccess");
    if (!account(req.user()).databases.count(req.database())) {
      throw common::not_found("user '" + key(req.user()) + "' has no access to database '" +
                              req.database() + "'");
    }
    users[key(req.user())].databases.erase(req.database());
  }

  proto::RootUser enable_root(const proto::EnableRootRequest& req) override {
    enter("EnableRoot");
    root_password = req.password().empty() ? "generated-root-secret" : req.password();
    proto::RootUser root;
    root.set_name("root");
    root.set_password(*root_password);
    return root;
  }
  void disable_root() override {
    enter("DisableRoot");
    root_password.reset();
  }
  bool is_root_enabled() override {
    enter("IsRootEnabled");
    return root_password.has_value();
  }

 private:
  void enter(const char* method) {
    calls.push_back(method);
    if (fail_with) throw *fail_with;
  }
  static void check_name(const std::string& name, const char* what) {
    if (name.empty()) throw common::bad_request(std::string("a ") + what + " needs a name");
    if (name == "root" || name == "mysql") {
      throw common::bad_request(std::string(what) + " name '" + name + "' is reserved");
    }
  }
  static common::Error missing_database(const std::string& name) {
    return common::not_found("database '" + name + "' was not found");
  }
  Account& account(const proto::UserRef& u) {
    const auto it = users.find(key(u));
    if (it == users.end()) throw common::not_found("user '" + key(u) + "' was not found");
    return it->second;
  }
  static proto::User view(const std::string& k, const Account& a) {
    proto::User u;
    const auto at = k.rfind('@');
    u.set_name(k.substr(0, at));
    u.set_host(k.substr(at + 1));
    for (const auto& db : a.databases) u.add_databases(db);
    return u;
  }
};

class FakeDatabaseAdminClients : public guestclient::DatabaseAdminClientFactory {
 public:
  mutable std::mutex mu;
  std::map<std::string, FakeDatabaseAdmin> guests;  // by instance id
  // Every connect(), in order: where it went and with which deadline.
  std::vector<std::pair<guestclient::GuestEndpoint, std::chrono::milliseconds>> connects;
  // Calls throw kUnavailable while false, kNotImplemented while `unimplemented`.
  bool reachable = true;
  bool unimplemented = false;

  // The guest of `instance_id`, created on first use. Unlocked.
  FakeDatabaseAdmin& guest(const std::string& instance_id) { return guests[instance_id]; }

  std::unique_ptr<guestclient::DatabaseAdminClient> connect(
      const guestclient::GuestEndpoint& endpoint, std::chrono::milliseconds deadline) override {
    std::lock_guard<std::mutex> l(mu);
    connects.emplace_back(endpoint, deadline);
    return std::make_unique<Client>(this, endpoint.instance_id);
  }

 private:
  class Client : public guestclient::DatabaseAdminClient {
   public:
    Client(FakeDatabaseAdminClients* f, std::string id) : f_(f), id_(std::move(id)) {}
    proto::DatabasePage list_databases(const proto::PageRequest& r) override {
      return guest().admin.list_databases(r);
    }
    void create_databases(const proto::CreateDatabasesRequest& r) override {
      guest().admin.create_databases(r);
    }
    void delete_database(const proto::DeleteDatabaseRequest& r) override {
      guest().admin.delete_database(r);
    }
    proto::UserPage list_users(const proto::PageRequest& r) override {
      return guest().admin.list_users(r);
    }
    proto::User get_user(const proto::UserRef& r) override { return guest().admin.get_user(r); }
    void create_users(const proto::CreateUsersRequest& r) override {
      guest().admin.create_users(r);
    }
    void delete_user(const proto::UserRef& r) override { guest().admin.delete_user(r); }
    void update_user(const proto::UpdateUserRequest& r) override { guest().admin.update_user(r); }
    void change_passwords(const proto::ChangePasswordsRequest& r) override {
      guest().admin.change_passwords(r);
    }
    proto::AccessList list_access(const proto::UserRef& r) override {
      return guest().admin.list_access(r);
    }
    void grant_access(const proto::GrantAccessRequest& r) override {
      guest().admin.grant_access(r);
    }
    void revoke_access(const proto::RevokeAccessRequest& r) override {
      guest().admin.revoke_access(r);
    }
    proto::RootUser enable_root(const proto::EnableRootRequest& r) override {
      return guest().admin.enable_root(r);
    }
    void disable_root() override { guest().admin.disable_root(); }
    bool is_root_enabled() override { return guest().admin.is_root_enabled(); }

   private:
    // The guest under the factory's lock, held until the end of the call's
    // full expression.
    struct Locked {
      std::unique_lock<std::mutex> lock;
      FakeDatabaseAdmin& admin;
    };
    Locked guest() {
      std::unique_lock<std::mutex> l(f_->mu);
      if (!f_->reachable) throw common::unavailable("guest " + id_ + " did not answer (fake)");
      if (f_->unimplemented) {
        throw common::Error(common::ErrorCode::kNotImplemented, "no database administration");
      }
      return Locked{std::move(l), f_->guest(id_)};
    }
    FakeDatabaseAdminClients* f_;
    std::string id_;
  };
};

}  // namespace automat::testing
