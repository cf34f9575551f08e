#include "datastores/cassandra/common_system_keyspaces.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace automat::datastores::cassandra {

bool is_system_keyspace(const std::string& name) {
  static const std::set<std::string> kSystemKeyspaces = {
      "system",        "system_auth",  "system_schema",        "system_distributed",
      "system_traces", "system_views", "system_virtual_schema"};
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return kSystemKeyspaces.count(lower) != 0;
}

}  // namespace automat::datastores::cassandra
