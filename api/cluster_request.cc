#include "api/cluster_request.h"

#include <set>

#include "api/request_fields.h"

namespace automat::api {
namespace {

using nlohmann::json;
using namespace fields;

const json& body_object(const json& doc, const char* key, const std::string& shape) {
  if (!doc.is_object())
    throw common::bad_request("the request body must be a JSON object: " + shape);
  const json* v = member(doc, key);
  if (!v) throw field_error(key, "is required: the body must be " + shape);
  if (!v->is_object()) throw field_error(key, "must be an object");
  return *v;
}

const json& required_array(const json& obj, const char* key, const std::string& field) {
  const json* v = member(obj, key);
  if (!v) throw field_error(field, "is required");
  if (!v->is_array()) throw field_error(field, "must be an array");
  return *v;
}

void check_count(size_t n, const std::string& field) {
  if (n >= 1 && n <= static_cast<size_t>(kMaxClusterNodes)) return;
  throw field_error(field, "asks for " + std::to_string(n) + " nodes; a cluster has 1 to " +
                               std::to_string(kMaxClusterNodes) + " nodes");
}

void parse_datastore(const json& cluster, ClusterCreateRequest& req) {
  const json& ds = required_object(cluster, "datastore", "cluster.datastore");
  req.datastore_type = required_string(ds, "type", "cluster.datastore.type");
  req.datastore_version = optional_string(ds, "version", "cluster.datastore.version");
  if (req.datastore_type.empty() || req.datastore_type.size() > 255) {
    throw field_error("cluster.datastore.type", "must be 1 to 255 characters");
  }
  if (req.datastore_version &&
      (req.datastore_version->empty() || req.datastore_version->size() > 255)) {
    throw field_error("cluster.datastore.version", "must be 1 to 255 characters");
  }
}

// A node of the Trove form: flavorRef and volume required.
NodeSpec trove_node(const json& item, const std::string& field, VolumeBounds bounds) {
  if (!item.is_object())
    throw field_error(field, "must be an object with a flavorRef and a volume");
  NodeSpec n;
  n.field = field;
  n.flavor_ref = flavor_ref(item, field + ".flavorRef");
  if (!n.flavor_ref) throw field_error(field + ".flavorRef", "is required");
  n.volume_size_gb = volume_size(item, field + ".volume", bounds.min_gb, bounds.max_gb);
  if (!n.volume_size_gb)
    throw field_error(field + ".volume", "is required (an object with a size in GB)");
  n.rack = zone(item, "availability_zone", field + ".availability_zone");
  return n;
}

std::vector<NodeSpec> trove_nodes(const json& cluster, VolumeBounds bounds) {
  const json& list = required_array(cluster, "instances", "cluster.instances");
  check_count(list.size(), "cluster.instances");
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back(trove_node(list[i], "cluster.instances[" + std::to_string(i) + "]", bounds));
  }
  return out;
}

// [{region?}] -> racks; nullopt entries where no region is given.
std::vector<std::optional<std::string>> regions(const json& list, const std::string& field) {
  std::vector<std::optional<std::string>> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    if (!list[i].is_object())
      throw field_error(f, "must be an object like {\"region\": \"rack1\"}");
    out.push_back(zone(list[i], "region", f + ".region"));
  }
  return out;
}

// size and/or nodes: the node count and each node's rack.
std::vector<std::optional<std::string>> seed_racks(const json& cluster) {
  const auto size = optional_integer(cluster, "size", "cluster.size");
  const json* nodes = member(cluster, "nodes");
  if (nodes && !nodes->is_array()) throw field_error("cluster.nodes", "must be an array");
  if (size && nodes && *size != static_cast<long long>(nodes->size())) {
    throw common::bad_request("cluster.size is " + std::to_string(*size) +
                              " but cluster.nodes lists " + std::to_string(nodes->size()) +
                              " nodes; give the same count, or only one of them");
  }
  if (nodes) {
    check_count(nodes->size(), "cluster.nodes");
    return regions(*nodes, "cluster.nodes");
  }
  if (*size < 1 || *size > kMaxClusterNodes) {
    throw field_error("cluster.size", "is " + std::to_string(*size) + "; a cluster has 1 to " +
                                          std::to_string(kMaxClusterNodes) + " nodes");
  }
  return std::vector<std::optional<std::string>>(static_cast<size_t>(*size));
}

std::vector<NodeSpec> seed_nodes(const json& cluster, VolumeBounds bounds) {
  const auto racks = seed_racks(cluster);
  const auto flavor = flavor_ref(cluster, "cluster.flavorRef");
  if (!flavor)
    throw field_error("cluster.flavorRef", "is required with cluster.size or cluster.nodes");
  const auto volume = volume_size(cluster, "cluster.volume", bounds.min_gb, bounds.max_gb);
  if (!volume)
    throw field_error("cluster.volume", "is required with cluster.size or cluster.nodes");
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < racks.size(); ++i) {
    out.push_back({flavor, volume, racks[i], "cluster.nodes[" + std::to_string(i) + "]"});
  }
  return out;
}

void check_same_volume(const std::vector<NodeSpec>& nodes) {
  for (const auto& n : nodes) {
    if (n.volume_size_gb == nodes.front().volume_size_gb) continue;
    throw common::bad_request("all nodes of a cluster share one volume size: " + n.field +
                              ".volume.size is " + std::to_string(*n.volume_size_gb) + " but " +
                              nodes.front().field + ".volume.size is " +
                              std::to_string(*nodes.front().volume_size_gb));
  }
}

std::vector<NodeSpec> parse_grow(const json& list, VolumeBounds bounds) {
  if (!list.is_array()) throw field_error("grow", "must be an array of node specs");
  if (list.empty()) throw field_error("grow", "must list at least one node to add");
  check_count(list.size(), "grow");
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = "grow[" + std::to_string(i) + "]";
    if (!list[i].is_object()) throw field_error(field, "must be an object");
    NodeSpec n;
    n.field = field;
    n.flavor_ref = flavor_ref(list[i], field + ".flavorRef");
    n.volume_size_gb = volume_size(list[i], field + ".volume", bounds.min_gb, bounds.max_gb);
    n.rack = zone(list[i], "availability_zone", field + ".availability_zone");
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<std::string> parse_shrink(const json& list) {
  if (!list.is_array()) throw field_error("shrink", "must be an array like [{\"id\": ...}]");
  if (list.empty()) throw field_error("shrink", "must list at least one node to remove");
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = "shrink[" + std::to_string(i) + "]";
    if (!list[i].is_object()) throw field_error(field, "must be an object like {\"id\": ...}");
    std::string id = required_string(list[i], "id", field + ".id");
    if (!seen.insert(id).second)
      throw field_error(field + ".id", in_quotes(id) + " is listed twice");
    ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

ClusterCreateRequest parse_cluster_create(const json& doc, VolumeBounds bounds) {
  const json& cluster = body_object(doc, "cluster", "{\"cluster\": {...}}");
  ClusterCreateRequest req;
  req.name = display_name(cluster, "name", "cluster.name");
  parse_datastore(cluster, req);
  const bool trove = member(cluster, "instances") != nullptr;
  const bool seed = member(cluster, "size") != nullptr || member(cluster, "nodes") != nullptr;
  if (trove && seed) {
    throw common::bad_request(
        "give either cluster.instances or cluster.size/cluster.nodes, not both");
  }
  if (!trove && !seed) {
    throw field_error("cluster.instances",
                      "is required: list the nodes, or give cluster.size (and cluster.nodes)");
  }
  req.nodes = trove ? trove_nodes(cluster, bounds) : seed_nodes(cluster, bounds);
  check_same_volume(req.nodes);
  return req;
}

ClusterAction parse_cluster_action(const json& doc, VolumeBounds bounds) {
  if (!doc.is_object() || doc.size() != 1) {
    throw common::bad_request(
        "a cluster action body has exactly one key: grow, shrink or replace_node");
  }
  const auto it = doc.begin();
  const std::string& key = it.key();
  const json& value = it.value();
  ClusterAction action;
  if (key == "grow") {
    action.kind = ClusterActionKind::kGrow;
    action.grow = parse_grow(value, bounds);
  } else if (key == "shrink") {
    action.kind = ClusterActionKind::kShrink;
    action.ids = parse_shrink(value);
  } else if (key == "replace_node") {
    action.kind = ClusterActionKind::kReplaceNode;
    if (!value.is_object())
      throw field_error("replace_node", "must be an object like {\"id\": ...}");
    action.ids.push_back(required_string(value, "id", "replace_node.id"));
  } else {
    throw common::bad_request("unknown cluster action " + in_quotes(key) +
                              "; use one of grow, shrink, replace_node");
  }
  return action;
}

std::vector<NodeSpec> parse_add_nodes(const json& doc) {
  const json& nodes =
      body_object(doc, "nodes", "{\"nodes\": {\"num\": N, \"allocations\": [...]}}");
  const auto num = optional_integer(nodes, "num", "nodes.num");
  const json* allocations = member(nodes, "allocations");
  if (allocations && !allocations->is_array()) {
    throw field_error("nodes.allocations", "must be an array like [{\"region\": \"rack1\"}]");
  }
  if (!num && !allocations) throw field_error("nodes.num", "or nodes.allocations is required");
  if (num && allocations && *num != static_cast<long long>(allocations->size())) {
    throw common::bad_request(
        "nodes.num is " + std::to_string(*num) + " but nodes.allocations lists " +
        std::to_string(allocations->size()) + "; give the same count, or only one of them");
  }
  const long long count = allocations ? static_cast<long long>(allocations->size()) : *num;
  if (count < 1 || count > kMaxClusterNodes) {
    throw field_error(allocations ? "nodes.allocations" : "nodes.num",
                      "asks for " + std::to_string(count) + " nodes; add 1 to " +
                          std::to_string(kMaxClusterNodes) + " nodes at a time");
  }
  std::vector<NodeSpec> out;
  const auto racks = allocations ? regions(*allocations, "nodes.allocations")
                                 : std::vector<std::optional<std::string>>(count);
  for (size_t i = 0; i < racks.size(); ++i) {
    out.push_back({std::nullopt, std::nullopt, racks[i],
                   allocations ? "nodes.allocations[" + std::to_string(i) + "]" : "nodes.num"});
  }
  return out;
}

}  // namespace automat::api
