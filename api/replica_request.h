#pragma once
// Replication requests on /v1.0/{tenant}/instances, parsed without I/O.
// Create a replica (POST /instances), Trove's and the seed document's forms:
//   {"instance": {"name", "replica_of": "<id>", "replica_count"?: 1..3}}
//   {"instance": {"name", "slave": {"of": "<id>", "read_only"?: true}}}
// Flavor, volume and datastore come from the master: a request may repeat
// them (datastore is checked against the master's), but databases and users
// are refused (a replica copies the master's). Detach: PUT /instances/{id}
// with {"instance": {"replica_of": null}} or POST .../action {"detach": {}}.
// Promote/eject: POST .../action {"promote_to_replica_source": {}} or
// {"eject_replica_source": {}}. Every violation is a 400 naming the field.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace automat::api {

inline constexpr int kMaxReplicaCount = 3;

struct ReplicaCreateRequest {
  std::string name;
  std::string master_id;
  int count = 1;
  std::optional<std::string> datastore_type;
  std::optional<std::string> datastore_version;
};

// True when the create document asks for a replica (names replica_of or slave).
bool is_replica_create(const nlohmann::json& doc);
ReplicaCreateRequest parse_replica_create(const nlohmann::json& doc);

enum class InstanceAction { kDetach, kPromote, kEject };

// PUT /instances/{id}: only detaching is an update this API knows.
InstanceAction parse_instance_update(const nlohmann::json& doc);
// POST /instances/{id}/action: exactly one known action key.
InstanceAction parse_instance_action(const nlohmann::json& doc);

}  // namespace automat::api
