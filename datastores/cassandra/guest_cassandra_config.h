#pragma once
// cassandra.yaml and cassandra-rackdc.properties of one node: its own
// address for gossip and CQL, the ring's seeds, GossipingPropertyFileSnitch
// with the node's dc and rack, password authentication with role-based
// authorization, and every directory under the node's layout.
#include <string>

#include "datastores/cassandra/guest_cassandra_layout.h"
#include "datastores/cassandra/guest_cassandra_settings.h"

namespace automat::datastores::cassandra {

inline constexpr int kStoragePort = 7000;
inline constexpr int kNativePort = 9042;

// The whole cassandra.yaml (Cassandra 5.0 key names; unknown keys would
// abort startup). Paths must not contain a double quote or a backslash.
std::string render_cassandra_yaml(const NodeSettings& settings, const std::string& address,
                                  const CassandraLayout& layout);
// dc= and rack= for the snitch.
std::string render_rackdc(const NodeSettings& settings);
// "a:7000,b:7000" as SimpleSeedProvider reads it.
std::string seeds_parameter(const std::vector<std::string>& seeds);

}  // namespace automat::datastores::cassandra
