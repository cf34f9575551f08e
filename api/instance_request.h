#pragma once
// The body of POST /v1.0/{tenant}/instances, parsed without any I/O. Its
// schema (InstanceCreateRequest in docs/openapi.yaml) states the types,
// required members, patterns and lengths of every field and is checked
// first; what is left here is what a schema cannot say, each a 400 that
// names the field:
//   name                     a display name (api/display_name.h)
//   flavorRef                required (the schema leaves it out for replicas);
//                            a flavor id or name, or a URL ending in /flavors/<id>
//   volume.size              required, within [min_volume_gb, max_volume_gb]
//   databases[].name         not listed twice
//   users[]                  (name, host) not listed twice; each of databases
//                            one of instance.databases
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

// parent.volume.size (parent's place in the body is `field`'s parent:
// "instance.volume", "cluster.instances[2].volume") within `bounds`, of a
// body its schema admitted. Throws kBadRequest: required, out of bounds.
int volume_gb(const nlohmann::json& parent, const std::string& field, VolumeBounds bounds);

// instance.name of a body its schema admitted, by the display-name rule.
// Throws kBadRequest.
std::string parse_instance_name(const nlohmann::json& instance);

// "5", "m1.tiny" or "http://host/v1.0/t/flavors/5" -> "5"/"m1.tiny"/"5".
std::string flavor_id_from_ref(std::string_view ref);

}  // namespace automat::api
