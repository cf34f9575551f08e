#include "cli/cluster_views.h"

#include "cli/json_fields.h"

namespace automat::cli {
namespace {

// The task's name: the view has {"id", "name", "description"}; a plain
// string is shown as it is.
std::string task_name(const nlohmann::json& cluster) {
  nlohmann::json task = field_json(cluster, "task");
  return task.is_object() ? field_text(task, "name") : field_text(cluster, "task");
}

// "size" when the server sent it, else the number of listed nodes.
std::string node_count(const nlohmann::json& cluster) {
  std::string size = field_text(cluster, "size");
  if (!size.empty()) return size;
  nlohmann::json nodes = field_json(cluster, "instances");
  return nodes.is_array() ? std::to_string(nodes.size()) : "";
}

std::string lines(const nlohmann::json& values) {
  std::string text;
  for (const auto& value : array_items(values)) {
    if (!text.empty()) text += "\n";
    text += display_text(value);
  }
  return text;
}

std::string seed_text(const nlohmann::json& node) {
  auto seed = node.is_object() ? node.find("seed") : node.end();
  return seed != node.end() && seed->is_boolean() && seed->get<bool>() ? "yes" : "";
}

}  // namespace

Table cluster_list_table(const nlohmann::json& clusters) {
  Table table{{"ID", "Name", "Datastore", "Datastore Version", "Status", "Task", "Nodes"}, {}};
  for (const auto& cluster : array_items(clusters)) {
    nlohmann::json datastore = field_json(cluster, "datastore");
    table.rows.push_back({field_text(cluster, "id"), field_text(cluster, "name"),
                          field_text(datastore, "type"), field_text(datastore, "version"),
                          field_text(cluster, "status"), task_name(cluster), node_count(cluster)});
  }
  return table;
}

Table cluster_table(const nlohmann::json& cluster) {
  nlohmann::json datastore = field_json(cluster, "datastore");
  return field_value_table({
      {"id", field_text(cluster, "id")},
      {"name", field_text(cluster, "name")},
      {"status", field_text(cluster, "status")},
      {"task", task_name(cluster)},
      {"datastore", field_text(datastore, "type")},
      {"datastore_version", field_text(datastore, "version")},
      {"nodes", node_count(cluster)},
      {"ip", lines(field_json(cluster, "ip"))},
      {"created", field_text(cluster, "created")},
      {"updated", field_text(cluster, "updated")},
  });
}

Table cluster_node_table(const nlohmann::json& cluster) {
  Table table{{"ID", "Name", "Status", "Rack", "DC", "Seed", "IP", "Phase"}, {}};
  for (const auto& node : array_items(field_json(cluster, "instances"))) {
    table.rows.push_back({field_text(node, "id"), field_text(node, "name"),
                          field_text(node, "status"), field_text(node, "rack"),
                          field_text(node, "dc"), seed_text(node), field_text(node, "ip"),
                          field_text(node, "phase")});
  }
  return table;
}

Table root_user_table(const nlohmann::json& user) {
  return field_value_table(
      {{"name", field_text(user, "name")}, {"password", field_text(user, "password")}});
}

}  // namespace automat::cli
