#pragma once
// Building backup requests (create, list filters) from the command line's
// arguments. Pure: no I/O.
#include <nlohmann/json.hpp>
#include <string>

namespace automat::cli {

struct CreateBackupArgs {
  std::string name;
  std::string instance;  // ID or name; the server resolves a name
  std::string description;
  bool incremental = false;
  std::string parent_id;  // empty: none given
  bool wait = false;
};

// Trove's body: {"backup": {"name", "instance", "incremental"
// [, "description"] [, "parent_id"]}}. A backup with a parent is
// incremental, so --parent alone sends "incremental": true as well;
// --incremental without --parent leaves the parent to the server (the
// instance's latest COMPLETED backup).
nlohmann::json create_backup_request(const CreateBackupArgs& args);

// "/backups", with "?instance_id=...&datastore=..." for the filters that are
// not empty (values percent-encoded).
std::string backup_list_path(const std::string& instance_id, const std::string& datastore,
                             const std::string& cluster_id = "");

// "/backups/<id>" with `id` percent-encoded.
std::string backup_path(const std::string& id);

}  // namespace automat::cli
