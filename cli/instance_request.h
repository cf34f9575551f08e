#pragma once
// Building an instance create request from the command line's arguments.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace automat::cli {

struct CreateInstanceArgs {
  std::string name;
  std::string flavor;  // ID or name, resolved before the request is built
  int size_gb = 0;
  std::string datastore = "mysql";
  std::string datastore_version;  // empty: the datastore's default
  std::vector<std::string> databases;
  std::vector<std::string> users;  // NAME:PASSWORD[:db1,db2]
  std::string availability_zone;
  bool wait = false;
};

// Trove's body: {"instance": {"name", "flavorRef", "volume": {"size"},
// "datastore": {"type"[, "version"]}, "databases": [{"name"}],
// "users": [{"name", "password", "databases": [{"name"}]}]
// [, "availability_zone"]}}. Throws cli::UsageError for a bad --user.
nlohmann::json create_instance_request(const CreateInstanceArgs& args,
                                       const std::string& flavor_id);

// True for the 8-4-4-4-12 hex form of a UUID.
bool looks_like_uuid(const std::string& text);

}  // namespace automat::cli
