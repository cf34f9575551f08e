#include "datastores/cassandra/common_node_role.h"

#include <algorithm>

#include "common/proto_json.h"

namespace automat::datastores::cassandra {

proto::cassandra::NodeRole node_role(const db::Node& node) {
  return common::proto_json::decode<proto::cassandra::NodeRole>(
      node.role, "the role of node " + node.instance_id);
}

namespace {

std::string dc_in(const proto::cassandra::NodeRole& role) {
  return role.dc().empty() ? kDefaultDc : role.dc();
}

}  // namespace

bool is_seed(const db::Node& node) { return node_role(node).seed(); }

std::string dc_of(const db::Node& node) { return dc_in(node_role(node)); }

nlohmann::json role_json(bool seed, const std::string& dc) {
  return {{"seed", seed}, {"dc", dc.empty() ? std::string(kDefaultDc) : dc}};
}

std::vector<SeedCandidate> seed_candidates(const std::vector<db::Node>& nodes) {
  std::vector<SeedCandidate> out;
  for (const auto& n : nodes) {
    const auto role = node_role(n);  // decoded once per node
    out.push_back({n.instance_id, dc_in(role), n.zone, role.seed()});
  }
  return out;
}

std::map<std::string, nlohmann::json> roles_with_seeds(const std::vector<db::Node>& nodes,
                                                       const std::vector<std::string>& seeds) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& n : nodes) {
    const bool seed = std::find(seeds.begin(), seeds.end(), n.instance_id) != seeds.end();
    out[n.instance_id] = role_json(seed, dc_of(n));
  }
  return out;
}

}  // namespace automat::datastores::cassandra
