#pragma once
// The CQL a Cassandra guest runs for database administration (Trove's
// databases = keyspaces, users = login roles, access = ALL PERMISSIONS ON
// KEYSPACE, root = a superuser role), and the reading of system_auth. Names
// are validated (guest_cassandra_cql.h) and quoted before they reach CQL.
#include <optional>
#include <string>
#include <utility>

#include "datastores/cassandra/guest_cassandra_cql.h"

namespace automat::datastores::cassandra {

// The superuser role that POST .../root makes.
inline constexpr const char* kRootRole = "root";

// Roles never listed or changed as users: cassandra, root, the standalone
// admin login and `admin` (this node's admin login, when known).
bool is_hidden_role(const std::string& role, const std::string& admin);
// A role has no host: "" and "%" are accepted; anything else throws
// common::Error(kBadRequest).
void validate_role_host(const std::string& host);

// Columns role, can_login.
inline constexpr const char* kListRolesCql = "SELECT role, can_login FROM system_auth.roles";
// Columns role, resource ("data/<keyspace>" for a keyspace).
inline constexpr const char* kListPermissionsCql =
    "SELECT role, resource FROM system_auth.role_permissions";

// "data/shop" -> "shop"; nullopt for any other resource (a table, a role, all keyspaces).
std::optional<std::string> keyspace_of_resource(const std::string& resource);
// "data/shop/orders" -> {"shop", "orders"}; nullopt for any other resource.
std::optional<std::pair<std::string, std::string>> table_of_resource(const std::string& resource);

CqlStatement create_keyspace_cql(const std::string& keyspace, const std::string& replication);
CqlStatement drop_keyspace_cql(const std::string& keyspace);
CqlStatement drop_role_cql(const std::string& role);
CqlStatement grant_keyspace_cql(const std::string& keyspace, const std::string& role);
CqlStatement revoke_keyspace_cql(const std::string& keyspace, const std::string& role);
// A role gets every permission on the tables it creates: revoking its access
// to a keyspace revokes those too.
CqlStatement revoke_table_cql(const std::string& keyspace, const std::string& table,
                              const std::string& role);

}  // namespace automat::datastores::cassandra
