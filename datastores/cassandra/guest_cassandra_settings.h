#pragma once
// What the control plane tells a Cassandra node about its ring: a
// PrepareSettings (cassandra_guest.proto) packed in PrepareRequest.settings.
// The node keeps them in its record (guest_cassandra_state.h) as the JSON
// object settings_to_json writes:
//   {"cluster_name": str, "seeds": [addr...], "rack": str (default "rack1"),
//    "dc": str (default "dc1"), "auto_bootstrap": bool (default true),
//    "replace_address": str (optional), "standalone": bool (default false),
//    "racks": int (default 1), "initial_tokens": [int64 x kNumTokens] (optional,
//    a new ring's node only: auto_bootstrap false)}
// A standalone node (a one-node POST /instances) may omit seeds (it seeds
// itself) and cluster_name ("automat"); a cluster node must give both.
#include <google/protobuf/any.pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_guest.pb.h"

namespace automat::datastores::cassandra {

struct NodeSettings {
  std::string cluster_name;
  std::vector<std::string> seeds;  // IPv4 addresses, gossip on port 7000
  std::string rack = "rack1";
  std::string dc = "dc1";
  bool auto_bootstrap = true;
  std::string replace_address;  // a dead node this one replaces; empty: none
  bool standalone = false;
  // Racks of this node's DC in the cluster: Cassandra's token allocator
  // refuses a replication factor above the rack count when racks > 1.
  int racks = 1;
  // The node's tokens on its first start (empty: the token allocator picks).
  std::vector<int64_t> initial_tokens;

  bool operator==(const NodeSettings&) const = default;
};

// The settings packed in a PrepareRequest for the node at `own_address`,
// checked. Throws common::Error(kBadRequest) naming the offending field, or
// when `packed` is unset or holds anything but a PrepareSettings.
NodeSettings node_settings(const google::protobuf::Any& packed, const std::string& own_address);
// The same from the message itself.
NodeSettings node_settings(const proto::cassandra::PrepareSettings& settings,
                           const std::string& own_address);

// Parses and checks settings as settings_to_json wrote them (the node's
// record). Throws common::Error(kBadRequest) naming the offending field.
NodeSettings parse_node_settings(const std::string& settings_json, const std::string& own_address);

// The settings as a JSON object (the same shape parse_node_settings reads).
std::string settings_to_json(const NodeSettings& settings);

// allocate_tokens_for_local_replication_factor for `settings`: 3, or the
// rack count when the DC has 2 racks (the allocator needs racks >= RF).
int token_allocation_rf(const NodeSettings& settings);

// Throws common::Error(kBadRequest) unless `address` is a dotted IPv4 address;
// `what` names the field in the message.
void validate_ipv4(const std::string& address, const std::string& what);

// Validates a seed list (1..16 IPv4 addresses, no duplicates).
void validate_seeds(const std::vector<std::string>& seeds);

}  // namespace automat::datastores::cassandra
