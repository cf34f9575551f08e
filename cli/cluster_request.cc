#include "cli/cluster_request.h"

namespace automat::cli {

std::vector<std::string> racks_round_robin(int count, const std::vector<std::string>& racks) {
  std::vector<std::string> out;
  if (racks.empty()) return out;
  for (int i = 0; i < count; ++i) out.push_back(racks[static_cast<size_t>(i) % racks.size()]);
  return out;
}

std::string rack_problem(int nodes, const std::vector<std::string>& racks) {
  for (const auto& rack : racks) {
    if (rack.empty()) return "a rack name cannot be empty";
  }
  if (racks.size() > static_cast<size_t>(nodes)) {
    return std::to_string(racks.size()) + " racks given for " + std::to_string(nodes) +
           " node(s): every rack needs a node; give fewer racks or more --nodes";
  }
  return "";
}

nlohmann::json create_cluster_request(const CreateClusterArgs& args, const std::string& flavor_id) {
  nlohmann::json datastore = {{"type", args.datastore}};
  if (!args.datastore_version.empty()) datastore["version"] = args.datastore_version;
  nlohmann::json cluster = {{"name", args.name}, {"datastore", datastore}};
  if (args.nodes > 0) {
    std::vector<std::string> racks = racks_round_robin(
        args.nodes, args.racks.empty() ? std::vector<std::string>{kDefaultRack} : args.racks);
    nlohmann::json instances = nlohmann::json::array();
    for (const auto& rack : racks) {
      instances.push_back({{"flavorRef", flavor_id},
                           {"volume", {{"size", args.size_gb}}},
                           {"availability_zone", rack}});
    }
    cluster["instances"] = instances;
  }
  if (!args.restore_from.empty()) {
    nlohmann::json restore = {{"backup", args.restore_from}};
    if (!args.restore_keyspaces.empty()) restore["keyspaces"] = args.restore_keyspaces;
    cluster["restore"] = restore;
  }
  return {{"cluster", cluster}};
}

std::string create_options_problem(const CreateClusterArgs& args) {
  const int given = !args.flavor.empty() + (args.size_gb != 0) + (args.nodes != 0);
  if (args.restore_from.empty()) {
    if (!args.restore_keyspaces.empty()) return "--keyspace needs --restore-from";
    if (given < 3) return "--flavor, --size and --nodes are required (or --restore-from)";
    return "";
  }
  if (given != 0 && given != 3) {
    return "with --restore-from give --flavor, --size and --nodes together, or none of them "
           "(the backup's are used)";
  }
  return "";
}

nlohmann::json grow_request(int count, const std::vector<std::string>& racks) {
  std::vector<std::string> zones = racks_round_robin(count, racks);
  nlohmann::json nodes = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    nlohmann::json node = nlohmann::json::object();
    if (!zones.empty()) node["availability_zone"] = zones[static_cast<size_t>(i)];
    nodes.push_back(node);
  }
  return {{"grow", nodes}};
}

nlohmann::json shrink_request(const std::vector<std::string>& node_ids) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& id : node_ids) nodes.push_back({{"id", id}});
  return {{"shrink", nodes}};
}

nlohmann::json replace_node_request(const std::string& node_id) {
  return {{"replace_node", {{"id", node_id}}}};
}

nlohmann::json cleanup_request() { return {{"cleanup", nlohmann::json::object()}}; }

nlohmann::json resize_volume_request(int size_gb) {
  return {{"resize_volume", {{"size", size_gb}}}};
}

nlohmann::json resize_flavor_request(const std::string& flavor_id, const std::string& by,
                                     int concurrency) {
  nlohmann::json resize = {{"flavorRef", flavor_id}};
  if (!by.empty()) resize["by"] = by;
  if (concurrency > 0) resize["concurrency"] = concurrency;
  return {{"resize", resize}};
}

}  // namespace automat::cli
