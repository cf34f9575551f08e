#include "api/cluster_views.h"

#include "api/views.h"
#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;

// The key of a node's zone (db::Node::zone) in its view. The published API
// (docs/openapi.yaml, Node) names it after the one clustered datastore.
constexpr const char* kZoneKey = "rack";

// Self and bookmark links, as views.cc links every resource.
json links_to(const LinkBase& links, const std::string& path) {
  return json::array({
      {{"href", links.base_url + "/v1.0/" + links.tenant_id + "/" + path}, {"rel", "self"}},
      {{"href", links.base_url + "/" + path}, {"rel", "bookmark"}},
  });
}

struct TaskInfo {
  const char* name;
  int id;
  const char* description;
};

constexpr TaskInfo kTasks[] = {
    {common::cluster_task::kNone, 1, "No tasks for the cluster."},
    {common::cluster_task::kBuilding, 2, "Building the initial cluster."},
    {common::cluster_task::kDeleting, 3, "Deleting the cluster."},
    {common::cluster_task::kGrowing, 4, "Increasing the size of the cluster."},
    {common::cluster_task::kShrinking, 5, "Decreasing the size of the cluster."},
    {common::cluster_task::kReplacing, 6, "Replacing a node of the cluster."},
    {common::cluster_task::kBackingUp, 7, "Backing up every node of the cluster."},
    {common::cluster_task::kRestoring, 8, "Restoring tables of the cluster from a backup."},
};

}  // namespace

json cluster_task_view(const std::string& task) {
  for (const auto& t : kTasks) {
    if (task == t.name) return {{"id", t.id}, {"name", t.name}, {"description", t.description}};
  }
  return {{"id", 0}, {"name", task}, {"description", ""}};
}

std::string node_status(const db::Node& node) {
  return common::user_status(node.instance.task, node.instance.service_status);
}

json node_view(const db::Node& node, const LinkBase& links) {
  const db::Instance& in = node.instance;
  json ip = json::array();
  if (in.address) ip.push_back(*in.address);
  json view = {
      {"id", node.instance_id},
      {"name", in.name},
      {"type", node.type},
      {"status", node_status(node)},
      {"phase", node.phase},
      {"ip", std::move(ip)},
      {kZoneKey, node.zone},
      {"flavor", {{"id", in.flavor_id}, {"links", links_to(links, "flavors/" + in.flavor_id)}}},
      {"volume", volume_view(in.volume_size_gb, in.volume_used_bytes, in.volume_total_bytes)},
      {"created", in.created},
      {"updated", in.updated},
      {"cluster_id", node.cluster_id},
      {"links", links_to(links, "clusters/" + node.cluster_id + "/nodes/" + node.instance_id)},
  };
  // The datastore's own members of the node (Cassandra: seed, dc), as it
  // recorded them; the generic members above win a clash.
  if (node.role.is_object()) {
    for (const auto& [key, value] : node.role.items()) {
      if (!view.contains(key)) view[key] = value;
    }
  }
  return view;
}

json cluster_view(const db::Cluster& c, const LinkBase& links) {
  json nodes = json::array();
  json ip = json::array();
  for (const auto& n : c.nodes) {
    nodes.push_back(node_view(n, links));
    if (n.instance.address) ip.push_back(*n.instance.address);
  }
  return {
      {"id", c.id},
      {"name", c.name},
      {"status", c.status},
      {"task", cluster_task_view(c.task)},
      {"datastore", {{"type", c.datastore_name}, {"version", c.datastore_version_name}}},
      {"created", c.created},
      {"updated", c.updated},
      {"size", c.nodes.size()},
      {"instances", std::move(nodes)},
      {"ip", std::move(ip)},
      {"links", links_to(links, "clusters/" + c.id)},
  };
}

json clusters_view(const std::vector<db::Cluster>& clusters, const LinkBase& links) {
  json list = json::array();
  for (const auto& c : clusters) list.push_back(cluster_view(c, links));
  return {{"clusters", std::move(list)}};
}

}  // namespace automat::api
