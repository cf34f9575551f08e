#include "datastores/cassandra/guest_cassandra_cql.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::cassandra {
namespace {

bool allowed(const std::string& s, const std::string& extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string::npos;
  });
}

}  // namespace

void validate_keyspace_name(const std::string& name) {
  if (name.empty() || name.size() > 48 || !allowed(name, "_")) {
    throw common::bad_request("keyspace name '" + name + "' must be 1-48 letters, digits or '_'");
  }
  if (is_system_keyspace(name)) {
    throw common::bad_request("keyspace name '" + name + "' is reserved by Cassandra");
  }
}

void validate_role_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !allowed(name, "_.@-")) {
    throw common::bad_request("user name '" + name +
                              "' must be 1-64 letters, digits, '_', '.', '@' or '-'");
  }
  const std::string l = common::ascii_lower(name);
  if (l == "cassandra" || l == "root") {
    throw common::bad_request("user name '" + name + "' is reserved");
  }
}

void validate_user_name(const std::string& name, const std::string& admin) {
  validate_role_name(name);
  if (common::ascii_lower(name) == kStandaloneAdmin || (!admin.empty() && name == admin)) {
    throw common::bad_request("user name '" + name + "' is the admin login of this node");
  }
}

void validate_password(const std::string& password) {
  if (password.empty() || password.size() > 256 || password.find('\0') != std::string::npos) {
    throw common::bad_request("a password must be 1-256 characters without NUL");
  }
}

std::string simple_replication(int replication_factor) {
  return "{'class': 'SimpleStrategy', 'replication_factor': " + std::to_string(replication_factor) +
         "}";
}

std::string network_replication(const std::map<std::string, int>& per_dc) {
  if (per_dc.empty()) throw common::internal_error("no datacenter to replicate to");
  std::string out = "{'class': 'NetworkTopologyStrategy'";
  for (const auto& [dc, rf] : per_dc) {
    out += ", " + cql::quote_literal(dc) + ": " + std::to_string(rf);
  }
  return out + "}";
}

void validate_keyspaces_and_users(const proto::PrepareRequest& req, const std::string& admin) {
  for (const auto& db : req.databases()) validate_keyspace_name(db.name());
  for (const auto& u : req.users()) {
    validate_user_name(u.name(), admin);
    if (!u.password().empty()) validate_password(u.password());
    for (const auto& db : u.databases()) validate_keyspace_name(db);
  }
}

namespace {

std::string role_options(const RoleSpec& role) {
  std::string with;
  if (!role.password.empty()) with += "PASSWORD = " + cql::quote_literal(role.password) + " AND ";
  if (role.superuser) with += "SUPERUSER = true AND ";
  return with + "LOGIN = true";
}

bool password_rate_limited(const common::Error& e) {
  return std::string(e.what()).find("can only be changed every") != std::string::npos;
}

}  // namespace

CqlStatement create_role_cql(const RoleSpec& role) {
  return {"CREATE ROLE IF NOT EXISTS " + cql::quote_identifier(role.name) + " WITH " +
              role_options(role),
          {role.password}};
}

CqlStatement alter_role_cql(const RoleSpec& role) {
  return {"ALTER ROLE " + cql::quote_identifier(role.name) + " WITH " + role_options(role),
          {role.password}};
}

void upsert_role(cql::Session& session, const RoleSpec& role) {
  const auto existing = session.execute(
      "SELECT role FROM system_auth.roles WHERE role = " + cql::quote_literal(role.name),
      cql::Consistency::kLocalQuorum);
  if (existing.rows.empty()) {
    run_script(session, {create_role_cql(role)});
    return;
  }
  change_password(session, alter_role_cql(role));
}

void change_password(cql::Session& session, const CqlStatement& change, common::WaitClock& clock) {
  const auto deadline = clock.now() + std::chrono::seconds(15);
  for (;;) {
    try {
      run_script(session, {change});
      return;
    } catch (const common::Error& e) {
      if (!password_rate_limited(e) || clock.now() >= deadline) throw;
    }
    clock.sleep_for(std::chrono::seconds(1));
  }
}

KeyspacePlan keyspaces_and_users_plan(const proto::PrepareRequest& req,
                                      const std::string& replication, const std::string& admin) {
  validate_keyspaces_and_users(req, admin);
  KeyspacePlan plan;
  for (const auto& db : req.databases()) {
    plan.keyspaces.push_back({"CREATE KEYSPACE IF NOT EXISTS " + cql::quote_identifier(db.name()) +
                                  " WITH replication = " + replication,
                              {}});
  }
  for (const auto& u : req.users()) {
    plan.roles.push_back({u.name(), u.password(), false});
    for (const auto& db : u.databases()) {
      plan.grants.push_back({"GRANT ALL PERMISSIONS ON KEYSPACE " + cql::quote_identifier(db) +
                                 " TO " + cql::quote_identifier(u.name()),
                             {}});
    }
  }
  return plan;
}

void apply_plan(cql::Session& session, const KeyspacePlan& plan) {
  run_script(session, plan.keyspaces);
  for (const auto& role : plan.roles) upsert_role(session, role);
  run_script(session, plan.grants);
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3)) {
      text.replace(pos, s.size(), "***");
    }
  }
  return text;
}

void run_script(cql::Session& session, const CqlScript& script) {
  for (const auto& st : script) {
    try {
      session.execute(st.text);
    } catch (const common::Error& e) {
      throw common::Error(e.code(), redact(e.what(), st.secrets));
    }
  }
}

proto::cassandra::KeyspaceList keyspace_list(cql::Session& session) {
  const auto rs = session.execute("SELECT keyspace_name, replication FROM system_schema.keyspaces");
  const size_t name_col = rs.column("keyspace_name");
  const size_t repl_col = rs.column("replication");
  std::vector<proto::cassandra::Keyspace> keyspaces;
  for (const auto& row : rs.rows) {
    if (!row[name_col]) continue;
    proto::cassandra::Keyspace ks;
    ks.set_name(*row[name_col]);
    // The driver renders the replication map<text, text> as a JSON object.
    const auto options = row[repl_col] ? nlohmann::json::parse(*row[repl_col], nullptr, false)
                                       : nlohmann::json::object();
    if (options.is_object()) {
      for (const auto& [key, value] : options.items()) {
        if (!value.is_string()) continue;
        if (key == "class") {
          const std::string cls = value.get<std::string>();
          ks.set_strategy(cls.substr(cls.rfind('.') + 1));
        } else {
          (*ks.mutable_replication())[key] = value.get<std::string>();
        }
      }
    }
    keyspaces.push_back(std::move(ks));
  }
  std::sort(keyspaces.begin(), keyspaces.end(),
            [](const auto& a, const auto& b) { return a.name() < b.name(); });
  proto::cassandra::KeyspaceList list;
  for (auto& ks : keyspaces) *list.add_keyspaces() = std::move(ks);
  return list;
}

nlohmann::json list_keyspaces(cql::Session& session) {
  nlohmann::json keyspaces = nlohmann::json::array();
  const proto::cassandra::KeyspaceList list = keyspace_list(session);
  for (const auto& ks : list.keyspaces()) {
    nlohmann::json replication = nlohmann::json::object();
    for (const auto& [key, value] : ks.replication()) replication[key] = value;
    keyspaces.push_back(
        {{"name", ks.name()}, {"class", ks.strategy()}, {"replication", replication}});
  }
  return keyspaces;
}

}  // namespace automat::datastores::cassandra
