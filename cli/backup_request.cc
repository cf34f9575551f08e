#include "cli/backup_request.h"

#include "cli/api_client.h"

namespace automat::cli {

nlohmann::json create_backup_request(const CreateBackupArgs& args) {
  nlohmann::json backup = {{"name", args.name},
                           {"instance", args.instance},
                           {"incremental", args.incremental || !args.parent_id.empty()}};
  if (!args.description.empty()) backup["description"] = args.description;
  if (!args.parent_id.empty()) backup["parent_id"] = args.parent_id;
  return {{"backup", backup}};
}

std::string backup_list_path(const std::string& instance_id, const std::string& datastore,
                             const std::string& cluster_id) {
  if (!cluster_id.empty()) {
    return "/clusters/" + path_segment(cluster_id) + "/backups" +
           (datastore.empty() ? "" : "?datastore=" + path_segment(datastore));
  }
  std::string query;
  auto add = [&query](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    query += (query.empty() ? "?" : "&") + key + "=" + path_segment(value);
  };
  add("instance_id", instance_id);
  add("datastore", datastore);
  return "/backups" + query;
}

std::string backup_path(const std::string& id) { return "/backups/" + path_segment(id); }

}  // namespace automat::cli
