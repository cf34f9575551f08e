#include "datastores/cassandra/guest_cassandra_admin_cql.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::cassandra {
bool is_hidden_role(const std::string& role, const std::string& admin) {
  const std::string l = common::ascii_lower(role);
  return l == "cassandra" || l == kRootRole || l == kStandaloneAdmin ||
         (!admin.empty() && role == admin);
}

void validate_role_host(const std::string& host) {
  if (!host.empty() && host != "%") {
    throw common::bad_request("Cassandra users have no host: use '%' or none, not '" +
                              host.substr(0, 64) + "'");
  }
}

std::optional<std::string> keyspace_of_resource(const std::string& resource) {
  constexpr std::string_view kData = "data/";
  if (resource.rfind(kData, 0) != 0) return std::nullopt;
  const std::string rest = resource.substr(kData.size());
  if (rest.empty() || rest.find('/') != std::string::npos) return std::nullopt;
  return rest;
}

std::optional<std::pair<std::string, std::string>> table_of_resource(const std::string& resource) {
  constexpr std::string_view kData = "data/";
  if (resource.rfind(kData, 0) != 0) return std::nullopt;
  const std::string rest = resource.substr(kData.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string::npos) {
    return std::nullopt;
  }
  return std::pair{rest.substr(0, slash), rest.substr(slash + 1)};
}

CqlStatement create_keyspace_cql(const std::string& keyspace, const std::string& replication) {
  return {
      "CREATE KEYSPACE " + cql::quote_identifier(keyspace) + " WITH replication = " + replication,
      {}};
}

CqlStatement drop_keyspace_cql(const std::string& keyspace) {
  return {"DROP KEYSPACE " + cql::quote_identifier(keyspace), {}};
}

CqlStatement drop_role_cql(const std::string& role) {
  return {"DROP ROLE IF EXISTS " + cql::quote_identifier(role), {}};
}

CqlStatement grant_keyspace_cql(const std::string& keyspace, const std::string& role) {
  return {"GRANT ALL PERMISSIONS ON KEYSPACE " + cql::quote_identifier(keyspace) + " TO " +
              cql::quote_identifier(role),
          {}};
}

CqlStatement revoke_keyspace_cql(const std::string& keyspace, const std::string& role) {
  return {"REVOKE ALL PERMISSIONS ON KEYSPACE " + cql::quote_identifier(keyspace) + " FROM " +
              cql::quote_identifier(role),
          {}};
}

CqlStatement revoke_table_cql(const std::string& keyspace, const std::string& table,
                              const std::string& role) {
  return {"REVOKE ALL PERMISSIONS ON TABLE " + cql::quote_identifier(keyspace) + "." +
              cql::quote_identifier(table) + " FROM " + cql::quote_identifier(role),
          {}};
}

}  // namespace automat::datastores::cassandra
