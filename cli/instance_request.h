#pragma once
// Building an instance create request (an ordinary instance or replicas of
// a master) from the command line's arguments.
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
  std::string backup_id;  // restore this backup into the new instance; empty: none
  bool wait = false;
  // A replica: the master's ID or name (resolved before the request is
  // built); empty for an ordinary instance.
  std::string replica_of;
  int replica_count = 0;         // 0: not given (the server makes one)
  bool datastore_given = false;  // --datastore was on the command line
};

// Trove's body: {"instance": {"name", "flavorRef", "volume": {"size"},
// "datastore": {"type"[, "version"]}, "databases": [{"name"}],
// "users": [{"name", "password", "databases": [{"name"}]}]
// [, "availability_zone"] [, "restorePoint": {"backupRef"}]}}. Throws
// cli::UsageError for a bad --user.
nlohmann::json create_instance_request(const CreateInstanceArgs& args,
                                       const std::string& flavor_id);

// The replica form: {"instance": {"name", "replica_of": master_id
// [, "replica_count"] [, "datastore": {["type"] [, "version"]}]}}. The
// datastore is sent only as far as it was given, so the server can refuse
// one that differs from the master's; flavor, volume, databases and users
// are never sent (a replica copies the master's).
nlohmann::json create_replica_request(const CreateInstanceArgs& args, const std::string& master_id);

// True for the 8-4-4-4-12 hex form of a UUID.
bool looks_like_uuid(const std::string& text);

}  // namespace automat::cli
