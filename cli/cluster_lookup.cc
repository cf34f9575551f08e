#include "cli/cluster_lookup.h"

#include "cli/cluster_views.h"
#include "cli/instance_request.h"
#include "cli/json_fields.h"
#include "cli/name_lookup.h"

namespace automat::cli {

std::string cluster_path(const std::string& id) { return "/clusters/" + path_segment(id); }

std::string resolve_cluster(ApiClient& api, const std::string& ref) {
  if (looks_like_uuid(ref)) return ref;
  return id_by_id_or_name(api.get_list("/clusters", "clusters"), ref, "clusters",
                          "automat cluster list");
}

std::vector<std::string> resolve_nodes(ApiClient& api, const std::string& cluster_id,
                                       const std::vector<std::string>& refs) {
  nlohmann::json nodes;
  bool fetched = false;
  std::vector<std::string> ids;
  for (const auto& ref : refs) {
    if (looks_like_uuid(ref)) {
      ids.push_back(ref);
      continue;
    }
    if (!fetched) {
      nodes = field_json(field_json(api.get(cluster_path(cluster_id)), "cluster"), "instances");
      fetched = true;
    }
    ids.push_back(id_by_id_or_name(nodes, ref, "nodes of this cluster",
                                   "automat cluster show " + cluster_id));
  }
  return ids;
}

void print_cluster(const Session& session, const nlohmann::json& cluster) {
  if (session.json_output()) {
    session.print(cluster, {});
    return;
  }
  session.out << render_table(cluster_table(cluster)) << render_table(cluster_node_table(cluster));
}

void show_cluster(Session& session, ApiClient& api, const std::string& id) {
  print_cluster(session, field_json(api.get(cluster_path(id)), "cluster"));
}

}  // namespace automat::cli
