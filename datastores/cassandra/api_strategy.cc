#include "datastores/cassandra/api_strategy.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "common/client_text.h"
#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::cassandra {
namespace {

constexpr size_t kMaxKeyspaceName = 48;

bool keyspace_chars(const std::string& name) {
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

void check_keyspaces(const std::vector<api::DatabaseSpec>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = "instance.databases[" + std::to_string(i) + "].name";
    const std::string& name = list[i].name;
    if (name.empty() || name.size() > kMaxKeyspaceName || !keyspace_chars(name)) {
      throw common::bad_request(field + " " + common::in_quotes(name) +
                                " is not a valid Cassandra keyspace name: use 1 to 48 "
                                "characters from A-Z, a-z, 0-9, _");
    }
    const std::string low = common::ascii_lower(name);
    if (low == "system" || low.rfind("system_", 0) == 0) {
      throw common::bad_request(field + " " + common::in_quotes(name) +
                                " is reserved by Cassandra");
    }
  }
}

void check_users(const std::vector<api::UserSpec>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list[i].name;
    if (common::ascii_lower(name) == "cassandra") {
      throw common::bad_request("instance.users[" + std::to_string(i) + "].name " +
                                common::in_quotes(name) + " is reserved by Cassandra");
    }
  }
}

}  // namespace

void check_node_ram(const db::Flavor& flavor, const db::DatastoreVersion& version,
                    const std::string& field) {
  const int needed = std::max(kMinRamMb, version.min_ram_mb);
  if (flavor.ram_mb >= needed) return;
  throw common::bad_request(field + ": flavor '" + flavor.name + "' has " +
                            std::to_string(flavor.ram_mb) + " MB of RAM, but a Cassandra " +
                            version.name + " node needs at least " + std::to_string(needed) +
                            " MB (never less than 1 GB); choose a larger flavor");
}

void CassandraApiStrategy::validate_instance_create(const api::InstanceCreateRequest& request,
                                                    const db::Flavor& flavor,
                                                    const db::DatastoreVersion& version) const {
  check_node_ram(flavor, version, "instance.flavorRef");
  check_keyspaces(request.databases);
  check_users(request.users);
}

}  // namespace automat::datastores::cassandra
