#include "cli/instance_request.h"

#include <cctype>

#include "cli/user_spec.h"

namespace automat::cli {

nlohmann::json create_instance_request(const CreateInstanceArgs& args,
                                       const std::string& flavor_id) {
  nlohmann::json datastore = {{"type", args.datastore}};
  if (!args.datastore_version.empty()) datastore["version"] = args.datastore_version;
  nlohmann::json databases = nlohmann::json::array();
  for (const auto& name : args.databases) databases.push_back({{"name", name}});
  nlohmann::json users = nlohmann::json::array();
  for (const auto& spec : args.users) users.push_back(to_json(parse_user_spec(spec)));
  nlohmann::json instance = {
      {"name", args.name},      {"flavorRef", flavor_id}, {"volume", {{"size", args.size_gb}}},
      {"datastore", datastore}, {"databases", databases}, {"users", users}};
  if (!args.availability_zone.empty()) instance["availability_zone"] = args.availability_zone;
  if (!args.backup_id.empty()) instance["restorePoint"] = {{"backupRef", args.backup_id}};
  return {{"instance", instance}};
}

nlohmann::json create_replica_request(const CreateInstanceArgs& args,
                                      const std::string& master_id) {
  nlohmann::json instance = {{"name", args.name}, {"replica_of", master_id}};
  if (args.replica_count > 0) instance["replica_count"] = args.replica_count;
  nlohmann::json datastore = nlohmann::json::object();
  if (args.datastore_given) datastore["type"] = args.datastore;
  if (!args.datastore_version.empty()) datastore["version"] = args.datastore_version;
  if (!datastore.empty()) instance["datastore"] = datastore;
  return {{"instance", instance}};
}

bool looks_like_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace automat::cli
