#pragma once
// A Cassandra node's role in its ring as the control plane records it
// (NodeRole, cassandra_cluster.proto, kept in db::Node::role): whether it
// is a seed and its datacenter. Its rack is the node's zone (db::Node::zone).
// The API writes it when it places a new ring's seeds; the workflows read it
// and rewrite it when the seeds move.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_cluster.pb.h"
#include "datastores/cassandra/common_topology.h"
#include "db/models.h"

namespace automat::datastores::cassandra {

inline constexpr const char* kDefaultDc = "dc1";

// The node's role. Throws common::Error(kInternal) naming the node when its
// stored role does not parse as a NodeRole.
proto::cassandra::NodeRole node_role(const db::Node& node);
bool is_seed(const db::Node& node);
// Its datacenter: the role's, or kDefaultDc when none is recorded.
std::string dc_of(const db::Node& node);

// The role as stored: every field written, so a node's view shows
// "seed": false too (cluster_views.cc shows the role's members).
nlohmann::json role_json(bool seed, const std::string& dc);

// The nodes as seed placement sees them (common_topology.h).
std::vector<SeedCandidate> seed_candidates(const std::vector<db::Node>& nodes);

// The roles of `nodes` once exactly `seeds` (instance ids) are the seeds,
// by instance id, for ClusterRepository::set_roles.
std::map<std::string, nlohmann::json> roles_with_seeds(const std::vector<db::Node>& nodes,
                                                       const std::vector<std::string>& seeds);

}  // namespace automat::datastores::cassandra
