#include "cli/views.h"

#include <cmath>

#include "cli/json_fields.h"

namespace automat::cli {
namespace {

std::string flavor_id(const nlohmann::json& instance) {
  return field_text(field_json(instance, "flavor"), "id");
}

std::string volume_size(const nlohmann::json& instance) {
  return field_text(field_json(instance, "volume"), "size");
}

// "10.11 (default)" for the default version of a datastore.
std::string version_names(const nlohmann::json& datastore) {
  std::string default_id = field_text(datastore, "default_version");
  std::string names;
  for (const auto& version : array_items(field_json(datastore, "versions"))) {
    std::string name = field_text(version, "name");
    if (!default_id.empty() && field_text(version, "id") == default_id) name += " (default)";
    if (!names.empty()) names += "\n";
    names += name;
  }
  return names;
}

std::string percent_text(const nlohmann::json& operation) {
  double progress = field_number(operation, "progress", 0);
  return std::to_string(static_cast<int>(std::lround(progress * 100))) + "%";
}

// "instance <id>", or "" when the operation names no resource.
std::string resource_text(const nlohmann::json& resource) {
  std::string type = field_text(resource, "type");
  std::string id = field_text(resource, "id");
  return type.empty() ? id : id.empty() ? type : type + " " + id;
}

// The master's ID of a replica's view; "" for any other instance.
std::string replica_of_id(const nlohmann::json& instance) {
  return field_text(field_json(instance, "replica_of"), "id");
}

// The IDs of a master's replicas, one a line.
std::string replica_ids(const nlohmann::json& replicas) {
  std::string ids;
  for (const auto& replica : array_items(replicas)) {
    if (!ids.empty()) ids += "\n";
    ids += field_text(replica, "id");
  }
  return ids;
}

}  // namespace

std::string errors_text(const nlohmann::json& errors) {
  std::string text;
  for (const auto& error : array_items(errors)) {
    std::string host = field_text(error, "host");
    std::string message = error.is_object() ? field_text(error, "message") : display_text(error);
    if (!text.empty()) text += "\n";
    text += host.empty() ? message : host + ": " + message;
  }
  return text;
}

Table instance_list_table(const nlohmann::json& instances) {
  Table table{
      {"ID", "Name", "Datastore", "Datastore Version", "Status", "Addresses", "Flavor ID", "Size"},
      {}};
  for (const auto& instance : array_items(instances)) {
    nlohmann::json datastore = field_json(instance, "datastore");
    table.rows.push_back({field_text(instance, "id"), field_text(instance, "name"),
                          field_text(datastore, "type"), field_text(datastore, "version"),
                          field_text(instance, "status"), field_text(instance, "ip"),
                          flavor_id(instance), volume_size(instance)});
  }
  return table;
}

Table instance_table(const nlohmann::json& instance) {
  nlohmann::json datastore = field_json(instance, "datastore");
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", field_text(instance, "id")},
      {"name", field_text(instance, "name")},
      {"status", field_text(instance, "status")},
      {"task", field_text(instance, "task")},
      {"datastore", field_text(datastore, "type")},
      {"datastore_version", field_text(datastore, "version")},
      {"flavor", flavor_id(instance)},
      {"volume", volume_size(instance)},
      {"ip", field_text(instance, "ip")},
  };
  if (field_json(instance, "replica_of").is_object()) {
    fields.emplace_back("replica_of", replica_of_id(instance));
  }
  nlohmann::json replicas = field_json(instance, "replicas");
  if (replicas.is_array() && !replicas.empty()) {
    fields.emplace_back("replicas", replica_ids(replicas));
  }
  nlohmann::json fault = field_json(instance, "fault");
  if (fault.is_object()) fields.emplace_back("fault", field_text(fault, "message"));
  fields.emplace_back("created", field_text(instance, "created"));
  fields.emplace_back("updated", field_text(instance, "updated"));
  return field_value_table(fields);
}

Table replica_batch_table(const nlohmann::json& instances, const nlohmann::json& operations) {
  Table table{{"ID", "Name", "Status", "Replica Of", "Operation"}, {}};
  nlohmann::json ops = array_items(operations);
  size_t i = 0;
  for (const auto& instance : array_items(instances)) {
    std::string operation = i < ops.size() ? field_text(ops[i], "id") : "";
    table.rows.push_back({field_text(instance, "id"), field_text(instance, "name"),
                          field_text(instance, "status"), replica_of_id(instance), operation});
    ++i;
  }
  return table;
}

Table datastore_list_table(const nlohmann::json& datastores) {
  Table table{{"ID", "Name", "Versions"}, {}};
  for (const auto& datastore : array_items(datastores)) {
    table.rows.push_back(
        {field_text(datastore, "id"), field_text(datastore, "name"), version_names(datastore)});
  }
  return table;
}

Table flavor_list_table(const nlohmann::json& flavors) {
  Table table{{"ID", "Name", "RAM (MB)", "vCPUs", "Disk (GB)"}, {}};
  for (const auto& flavor : array_items(flavors)) {
    table.rows.push_back({flavor_id_text(flavor), field_text(flavor, "name"),
                          field_text(flavor, "ram"), field_text(flavor, "vcpus"),
                          field_text(flavor, "disk")});
  }
  return table;
}

Table operation_table(const nlohmann::json& operation) {
  nlohmann::json resource = field_json(operation, "resource");
  return field_value_table({
      {"id", field_text(operation, "id")},
      {"type", field_text(operation, "type")},
      {"resource", resource_text(resource)},
      {"state", field_text(operation, "state")},
      {"progress", percent_text(operation)},
      {"step", field_text(operation, "step_name")},
      {"message", field_text(operation, "message")},
      {"errors", errors_text(field_json(operation, "errors"))},
      {"created", field_text(operation, "created")},
      {"updated", field_text(operation, "updated")},
      {"started", field_text(operation, "started")},
      {"finished", field_text(operation, "finished")},
  });
}

}  // namespace automat::cli
