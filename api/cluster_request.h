#pragma once
// The bodies of the /v1.0/{tenant}/clusters requests, parsed and checked
// without any I/O. Every violation is a 400 whose message names the field.
//
// POST /clusters, two forms (fields not listed are ignored):
//   Trove:  {"cluster": {name, datastore{type, version?},
//            instances: [{flavorRef, volume{size}, availability_zone?}]}}
//   seed:   {"cluster": {name, datastore{type, version?}, flavorRef, volume{size},
//            size?: N, nodes?: [{region?}]}}   (size and/or nodes)
//   A node's zone is its availability_zone / region (default: the datastore's,
//   ClusterStrategy::default_zone).
//   Both forms at once, size and nodes that disagree, volume sizes that
//   differ, or a node count outside 1..kMaxClusterNodes are refused.
// POST /clusters/{id} and /clusters/{id}/action: exactly one key of
//   {"grow": [{flavorRef?, volume{size}?, availability_zone?}]}  (not empty)
//   {"shrink": [{"id"}]}                                         (not empty, no repeats)
//   {"replace_node": {"id"}}
//   {"resize_volume": {"size": N}}                              (volume_resize_request.h)
//   {"<own action>": {...}}  any other key: a datastore's own (kOwn), its
//                             body checked by the published schema only
// POST /clusters/{id}/nodes: {"nodes": {"num"?: N, "allocations"?: [{region?}]}}
//   (at least one of them; num must match allocations when both are given).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/instance_request.h"

namespace automat::api {

inline constexpr int kMaxClusterNodes = 12;

// One node to add. In a create, flavor_ref and volume_size_gb are always set.
struct NodeSpec {
  std::optional<std::string> flavor_ref;  // id or name, stripped of any URL prefix
  std::optional<int> volume_size_gb;
  std::optional<std::string> zone;  // db::Node::zone; none: the datastore's default
  std::string field;                // where it came from, for messages: "cluster.instances[1]"
};

// cluster.restore: a cluster built from a cluster backup.
struct ClusterRestoreRequest {
  std::string backup_id;
  std::vector<std::string> keyspaces;  // "ks" or "ks.table"; empty: all
};

struct ClusterCreateRequest {
  std::string name;
  std::string datastore_type;
  std::optional<std::string> datastore_version;
  // Empty only with `restore` (the backup's nodes are copied then).
  std::vector<NodeSpec> nodes;
  std::optional<ClusterRestoreRequest> restore;
};

// kOwn: an action only some datastores have (ClusterStrategy::own_actions).
// kRestore: a cluster backup's tables loaded back in place (clusters whose
// datastore backs them up).
enum class ClusterActionKind {
  kGrow,
  kShrink,
  kReplaceNode,
  kRestore,
  kResizeVolume,
  kResizeFlavor,
  kOwn
};

// The value of resize.by that restarts every node of `concurrency` zones at
// once (the other is "node", the default). The published API
// (docs/openapi.yaml) calls a zone a rack; the operation's input records
// it as proto::ClusterResizeFlavorInput::BY_ZONE.
inline constexpr const char* kResizeByZone = "rack";

// {"resize": {"flavorRef", "by", "concurrency"}}: a rolling restart onto a flavor.
struct RollingResize {
  std::string flavor_id;  // flavorRef, stripped of any URL prefix
  bool by_zone = false;   // by: kResizeByZone (every node of `concurrency` zones at once) or "node"
  int concurrency = 1;    // nodes (or zones) restarting at once, at least 1
};

struct ClusterAction {
  ClusterActionKind kind = ClusterActionKind::kGrow;
  std::vector<NodeSpec> grow;       // kGrow: the nodes to add
  std::vector<std::string> ids;     // kShrink: the nodes to remove; kReplaceNode: one node
  std::string name;                 // kOwn: the body's key ("cleanup")
  std::string backup_id;            // kRestore: the backup
  std::vector<std::string> tables;  // kRestore: "ks.table" each
  int volume_size_gb = 0;           // kResizeVolume: the size every node's volume grows to
  RollingResize resize;             // kResizeFlavor
  nlohmann::json body;              // kOwn: its value
};

// The actions every cluster has, for messages: "grow, shrink, replace_node, ...".
extern const char* const kCommonClusterActions;

// Throws common::Error(kBadRequest) naming the first offending field.
ClusterCreateRequest parse_cluster_create(const nlohmann::json& doc, VolumeBounds bounds);
ClusterAction parse_cluster_action(const nlohmann::json& doc, VolumeBounds bounds);
// The nodes of a POST /clusters/{id}/nodes body, as a grow.
std::vector<NodeSpec> parse_add_nodes(const nlohmann::json& doc);

}  // namespace automat::api
