#include "datastores/cassandra/guest_cassandra_cql.h"

#include <algorithm>
#include <set>

#include "common/error.h"

namespace automat::datastores::cassandra {
namespace {

namespace cql = common::cql;

const std::set<std::string> kSystemKeyspaces = {
    "system",        "system_auth",  "system_schema",        "system_distributed",
    "system_traces", "system_views", "system_virtual_schema"};

bool allowed(const std::string& s, const std::string& extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string::npos;
  });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

void validate_keyspace_name(const std::string& name) {
  if (name.empty() || name.size() > 48 || !allowed(name, "_")) {
    throw common::bad_request("keyspace name '" + name +
                              "' must be 1-48 letters, digits or '_'");
  }
  if (kSystemKeyspaces.count(lower(name)) != 0) {
    throw common::bad_request("keyspace name '" + name + "' is reserved by Cassandra");
  }
}

void validate_role_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !allowed(name, "_.@-")) {
    throw common::bad_request("user name '" + name +
                              "' must be 1-64 letters, digits, '_', '.', '@' or '-'");
  }
  const std::string l = lower(name);
  if (l == "cassandra" || l == "root") {
    throw common::bad_request("user name '" + name + "' is reserved");
  }
}

void validate_password(const std::string& password) {
  if (password.empty() || password.size() > 256 ||
      password.find('\0') != std::string::npos) {
    throw common::bad_request("a password must be 1-256 characters without NUL");
  }
}

std::string simple_replication(int replication_factor) {
  return "{'class': 'SimpleStrategy', 'replication_factor': " +
         std::to_string(replication_factor) + "}";
}

std::string network_replication(const std::map<std::string, int>& per_dc) {
  if (per_dc.empty()) throw common::internal_error("no datacenter to replicate to");
  std::string out = "{'class': 'NetworkTopologyStrategy'";
  for (const auto& [dc, rf] : per_dc) {
    out += ", " + cql::quote_literal(dc) + ": " + std::to_string(rf);
  }
  return out + "}";
}

void validate_keyspaces_and_users(const proto::PrepareRequest& req) {
  for (const auto& db : req.databases()) validate_keyspace_name(db.name());
  for (const auto& u : req.users()) {
    validate_role_name(u.name());
    if (!u.password().empty()) validate_password(u.password());
    for (const auto& db : u.databases()) validate_keyspace_name(db);
  }
}

CqlScript keyspaces_and_users_cql(const proto::PrepareRequest& req,
                                  const std::string& replication) {
  validate_keyspaces_and_users(req);
  CqlScript script;
  for (const auto& db : req.databases()) {
    script.push_back({"CREATE KEYSPACE IF NOT EXISTS " + cql::quote_identifier(db.name()) +
                          " WITH replication = " + replication,
                      {}});
  }
  for (const auto& u : req.users()) {
    const std::string role = cql::quote_identifier(u.name());
    if (u.password().empty()) {
      script.push_back({"CREATE ROLE IF NOT EXISTS " + role + " WITH LOGIN = true", {}});
    } else {
      const std::string with =
          " WITH PASSWORD = " + cql::quote_literal(u.password()) + " AND LOGIN = true";
      script.push_back({"CREATE ROLE IF NOT EXISTS " + role + with, {u.password()}});
      script.push_back({"ALTER ROLE " + role + with, {u.password()}});
    }
    for (const auto& db : u.databases()) {
      script.push_back({"GRANT ALL PERMISSIONS ON KEYSPACE " + cql::quote_identifier(db) +
                            " TO " + role,
                        {}});
    }
  }
  return script;
}

CqlScript superuser_cql(const std::string& name, const std::string& password) {
  const std::string role = cql::quote_identifier(name);
  const std::string with = " WITH PASSWORD = " + cql::quote_literal(password) +
                           " AND SUPERUSER = true AND LOGIN = true";
  return {{"CREATE ROLE IF NOT EXISTS " + role + with, {password}},
          {"ALTER ROLE " + role + with, {password}}};
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

nlohmann::json list_keyspaces(cql::Session& session) {
  const auto rs = session.execute("SELECT keyspace_name, replication FROM system_schema.keyspaces");
  const size_t name_col = rs.column("keyspace_name");
  const size_t repl_col = rs.column("replication");
  std::vector<nlohmann::json> keyspaces;
  for (const auto& row : rs.rows) {
    if (!row[name_col]) continue;
    nlohmann::json options = nlohmann::json::object();
    if (row[repl_col]) {
      options = nlohmann::json::parse(*row[repl_col], nullptr, false);
      if (options.is_discarded() || !options.is_object()) options = nlohmann::json::object();
    }
    std::string cls = options.value("class", "");
    options.erase("class");
    if (const auto dot = cls.rfind('.'); dot != std::string::npos) cls = cls.substr(dot + 1);
    keyspaces.push_back({{"name", *row[name_col]}, {"class", cls}, {"replication", options}});
  }
  std::sort(keyspaces.begin(), keyspaces.end(),
            [](const auto& a, const auto& b) { return a["name"] < b["name"]; });
  return nlohmann::json(keyspaces);
}

}  // namespace automat::datastores::cassandra
