#pragma once
// The body of POST /v1.0/{tenant}/instances, parsed and checked without any
// I/O. Rules (each violation is a 400 whose message names the field):
//   instance                 required object
//   name                     required string: a display name (api/display_name.h)
//   flavorRef                required string or integer: a flavor id or name,
//                            or a URL ending in /flavors/<id>
//   volume.size              required integer within [min_volume_gb, max_volume_gb]
//   datastore.type/.version  optional strings (defaults resolved by the handler)
//   databases[]              {name, character_set?, collate?}; name 1..64 of
//                            [A-Za-z0-9_$-]; character_set/collate 1..64 of [A-Za-z0-9_]
//   users[]                  {name 1..80 of [A-Za-z0-9_$.-], password 8..128 printable
//                            ASCII characters, host? 1..255 of [A-Za-z0-9.%_:-],
//                            databases: [name] or [{name}], each one of databases[]}
//   availability_zone        optional string, 1..255 of [A-Za-z0-9_.-]
// Fields not listed are ignored. Duplicate database names or (user, host)
// pairs are refused.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "automat/operations.pb.h"

namespace automat::api {

struct DatabaseSpec {
  std::string name;
  std::optional<std::string> character_set;
  std::optional<std::string> collate;
};

struct UserSpec {
  std::string name;
  std::string password;
  std::optional<std::string> host;
  std::vector<std::string> databases;
};

struct InstanceCreateRequest {
  std::string name;
  std::string flavor_ref;  // id or name, already stripped of any URL prefix
  int volume_size_gb = 0;
  std::optional<std::string> datastore_type;
  std::optional<std::string> datastore_version;
  std::vector<DatabaseSpec> databases;
  std::vector<UserSpec> users;
  std::optional<std::string> availability_zone;
};

struct VolumeBounds {
  int min_gb = 1;
  int max_gb = 1024;
};

// Parses the whole request document ({"instance": {...}}). Throws
// common::Error(kBadRequest) naming the first offending field.
InstanceCreateRequest parse_instance_create(const nlohmann::json& doc, VolumeBounds bounds);

// The input of the instance.create operation, as the taskmanager reads it
// (its databases and users). Holds passwords: store it, never show or log it.
proto::InstanceCreateInput create_operation_input(const InstanceCreateRequest& req);

// instance.name by the rule above. Throws kBadRequest.
std::string parse_instance_name(const nlohmann::json& instance);

// "5", "m1.tiny" or "http://host/v1.0/t/flavors/5" -> "5"/"m1.tiny"/"5".
std::string flavor_id_from_ref(std::string_view ref);

}  // namespace automat::api
