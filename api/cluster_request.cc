#include "api/cluster_request.h"

#include <set>

#include "api/backup_checks.h"
#include "api/display_name.h"
#include "api/request_body.h"
#include "api/volume_resize_request.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using common::in_quotes;
using nlohmann::json;

constexpr const char* kClustersPath = "/v1.0/{tenant_id}/clusters";
constexpr const char* kActionPath = "/v1.0/{tenant_id}/clusters/{cluster_id}/action";
constexpr const char* kNodesPath = "/v1.0/{tenant_id}/clusters/{cluster_id}/nodes";
constexpr long long kMaxNodes = kMaxClusterNodes;

std::string indexed(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// A flavorRef as a flavor id, or nullopt when the body leaves it out.
std::optional<std::string> flavor_id(const json& obj, const std::string& field) {
  const auto ref = body::flavor_ref(obj);
  if (!ref) return std::nullopt;
  std::string id = flavor_id_from_ref(*ref);
  if (id.empty() || id.size() > 255) {
    throw body::field_error(field, in_quotes(*ref) + " does not name a flavor");
  }
  return id;
}

// A node count given as a string of digits, which the schema cannot bound.
void check_count(long long n, const std::string& field, const char* verb) {
  if (n >= 1 && n <= kMaxNodes) return;
  throw body::field_error(field, "asks for " + std::to_string(n) + " nodes; " + verb + " 1 to " +
                                     std::to_string(kMaxNodes) + " nodes");
}

// [{region?}] -> zones; nullopt where no region is given.
std::vector<std::optional<std::string>> regions(const json& list) {
  std::vector<std::optional<std::string>> out;
  for (const json& item : list) out.push_back(body::text(item, "region"));
  return out;
}

std::vector<NodeSpec> trove_nodes(const json& list, VolumeBounds bounds) {
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = indexed("cluster.instances", i);
    out.push_back({flavor_id(list[i], field + ".flavorRef"),
                   volume_gb(list[i], field + ".volume", bounds),
                   body::text(list[i], "availability_zone"), field});
  }
  return out;
}

// size and/or nodes: the node count and each node's zone.
std::vector<std::optional<std::string>> seed_zones(const json& cluster) {
  const auto size = body::whole(cluster, "size");
  const json* nodes = body::member(cluster, "nodes");
  if (size && nodes && *size != static_cast<long long>(nodes->size())) {
    throw common::bad_request("cluster.size is " + std::to_string(*size) +
                              " but cluster.nodes lists " + std::to_string(nodes->size()) +
                              " nodes; give the same count, or only one of them");
  }
  if (nodes) return regions(*nodes);
  check_count(*size, "cluster.size", "a cluster has");
  return std::vector<std::optional<std::string>>(static_cast<size_t>(*size));
}

std::vector<NodeSpec> seed_nodes(const json& cluster, VolumeBounds bounds) {
  const auto zones = seed_zones(cluster);
  // The schema requires flavorRef and volume with size or nodes.
  const auto flavor = flavor_id(cluster, "cluster.flavorRef");
  const int volume = volume_gb(cluster, "cluster.volume", bounds);
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < zones.size(); ++i) {
    out.push_back({flavor, volume, zones[i], indexed("cluster.nodes", i)});
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
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = indexed("grow", i);
    NodeSpec n{flavor_id(list[i], field + ".flavorRef"), std::nullopt,
               body::text(list[i], "availability_zone"), field};
    if (body::member(list[i], "volume"))
      n.volume_size_gb = volume_gb(list[i], field + ".volume", bounds);
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<std::string> parse_shrink(const json& list) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string id = *body::text(list[i], "id");
    if (!seen.insert(id).second) {
      throw body::field_error(indexed("shrink", i) + ".id", in_quotes(id) + " is listed twice");
    }
    ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

ClusterCreateRequest parse_cluster_create(const json& doc, VolumeBounds bounds) {
  body::check(Method::kPost, kClustersPath, doc);
  const json& cluster = doc["cluster"];
  ClusterCreateRequest req;
  req.name = body::text(cluster, "name").value_or("");
  check_display_name(req.name, "cluster.name");
  req.datastore_type = *body::text(cluster["datastore"], "type");
  req.datastore_version = body::text(cluster["datastore"], "version");
  const json* instances = body::member(cluster, "instances");
  // The schema admits instances or size/nodes (not both), or neither with restore.
  const bool seed = body::member(cluster, "size") || body::member(cluster, "nodes");
  if (const json* restore = body::member(cluster, "restore")) {
    ClusterRestoreRequest r;
    r.backup_id = *body::text(*restore, "backup");
    if (const json* keyspaces = body::member(*restore, "keyspaces")) {
      for (const auto& k : *keyspaces) {
        r.keyspaces.push_back(k.get<std::string>());
        check_backup_keyspace(r.keyspaces.back(), "cluster.restore.keyspaces");
      }
    }
    req.restore = std::move(r);
  }
  if (instances || seed) {
    req.nodes = instances ? trove_nodes(*instances, bounds) : seed_nodes(cluster, bounds);
    check_same_volume(req.nodes);
  }
  return req;
}

const char* const kCommonClusterActions = "grow, shrink, replace_node, resize_volume, resize";

ClusterAction parse_cluster_action(const json& doc, VolumeBounds bounds) {
  body::check(Method::kPost, kActionPath, doc);
  const auto it = doc.begin();
  const std::string& key = it.key();
  ClusterAction action;
  if (key == "grow") {
    action.kind = ClusterActionKind::kGrow;
    action.grow = parse_grow(it.value(), bounds);
  } else if (key == "shrink") {
    action.kind = ClusterActionKind::kShrink;
    action.ids = parse_shrink(it.value());
  } else if (key == "replace_node") {
    action.kind = ClusterActionKind::kReplaceNode;
    action.ids.push_back(*body::text(it.value(), "id"));
  } else if (key == "resize_volume") {
    action.kind = ClusterActionKind::kResizeVolume;
    action.volume_size_gb = parse_cluster_resize_volume(it.value());
  } else if (key == "resize") {
    action.kind = ClusterActionKind::kResizeFlavor;
    const json& resize = it.value();
    const auto ref = body::flavor_ref(resize);
    action.resize.flavor_id = ref ? flavor_id_from_ref(*ref) : "";
    if (action.resize.flavor_id.empty() || action.resize.flavor_id.size() > 255) {
      throw common::bad_request("resize.flavorRef " + common::in_quotes(ref.value_or("")) +
                                " does not name a flavor");
    }
    action.resize.by_zone = body::text(resize, "by").value_or("node") == kResizeByZone;
    // The schema bounds it to 1..100.
    action.resize.concurrency = static_cast<int>(body::whole(resize, "concurrency").value_or(1));
  } else if (key == "restore") {
    action.kind = ClusterActionKind::kRestore;
    action.backup_id = *body::text(it.value(), "backup");
    for (const auto& t : it.value().at("tables")) {
      const std::string table = t.get<std::string>();
      check_backup_keyspace(table, "restore.tables");
      if (table.find('.') == std::string::npos) {
        throw common::bad_request("restore.tables: " + common::in_quotes(table) +
                                  " names no table; give keyspace.table");
      }
      action.tables.push_back(table);
    }
  } else {
    action.kind = ClusterActionKind::kOwn;
    action.name = key;
    action.body = it.value();
  }
  return action;
}

std::vector<NodeSpec> parse_add_nodes(const json& doc) {
  body::check(Method::kPost, kNodesPath, doc);
  const json& nodes = doc["nodes"];
  const auto num = body::whole(nodes, "num");
  const json* allocations = body::member(nodes, "allocations");
  // The schema requires num or allocations.
  if (num && allocations && *num != static_cast<long long>(allocations->size())) {
    throw common::bad_request(
        "nodes.num is " + std::to_string(*num) + " but nodes.allocations lists " +
        std::to_string(allocations->size()) + "; give the same count, or only one of them");
  }
  const long long count = allocations ? static_cast<long long>(allocations->size()) : *num;
  check_count(count, allocations ? "nodes.allocations" : "nodes.num", "add");
  const auto zones =
      allocations ? regions(*allocations) : std::vector<std::optional<std::string>>(count);
  std::vector<NodeSpec> out;
  for (size_t i = 0; i < zones.size(); ++i) {
    out.push_back({std::nullopt, std::nullopt, zones[i],
                   allocations ? indexed("nodes.allocations", i) : "nodes.num"});
  }
  return out;
}

}  // namespace automat::api
