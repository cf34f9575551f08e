#pragma once
// Cassandra's own keyspaces (system, system_auth, ...): never a tenant's,
// never backed up, restored or granted. Shared by the API strategy (a backup
// or restore that names one is refused) and the guest (listings skip them).
#include <string>

namespace automat::datastores::cassandra {

// Whether `name` (any case) is one of Cassandra's own keyspaces.
bool is_system_keyspace(const std::string& name);

}  // namespace automat::datastores::cassandra
