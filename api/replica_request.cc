#include "api/replica_request.h"

#include <stdexcept>

#include "api/instance_request.h"
#include "api/request_body.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

bool present(const json& obj, const char* key) { return obj.contains(key) && !obj[key].is_null(); }

}  // namespace

bool is_replica_create(const json& doc) {
  if (!doc.is_object() || !doc.contains("instance") || !doc["instance"].is_object()) return false;
  const json& inst = doc["instance"];
  return present(inst, "replica_of") || present(inst, "slave");
}

ReplicaCreateRequest parse_replica_create(const json& doc) {
  body::check(Method::kPost, "/v1.0/{tenant_id}/instances", doc);
  const json& inst = doc["instance"];
  ReplicaCreateRequest req;
  req.name = parse_instance_name(inst);
  const std::optional<std::string> trove = body::text(inst, "replica_of");
  const json* slave = body::member(inst, "slave");
  const std::optional<std::string> seed = slave ? body::text(*slave, "of") : std::nullopt;
  if (!trove && !seed) {
    throw common::bad_request("instance.replica_of is required: the id of the master");
  }
  if (trove && seed && *trove != *seed) {
    throw common::bad_request("instance.replica_of (" + common::excerpt(*trove) +
                              ") and instance.slave.of (" + common::excerpt(*seed) +
                              ") name different masters; give one of them");
  }
  req.master_id = trove ? *trove : *seed;
  if (const auto n = body::whole(inst, "replica_count")) {
    // The schema bounds an integer; a string of digits is bounded here.
    if (*n < 1 || *n > kMaxReplicaCount) {
      throw common::bad_request("instance.replica_count must be an integer from 1 to " +
                                std::to_string(kMaxReplicaCount));
    }
    req.count = static_cast<int>(*n);
  }
  for (const char* key : {"databases", "users"}) {
    const json* list = body::member(inst, key);
    if (list && !list->empty()) {
      throw common::bad_request(std::string("instance.") + key +
                                " cannot be given for a replica: it copies the master's "
                                "databases and users");
    }
  }
  if (const json* ds = body::member(inst, "datastore")) {
    req.datastore_type = body::text(*ds, "type");
    req.datastore_version = body::text(*ds, "version");
  }
  return req;
}

InstanceAction parse_instance_update(const json& doc) {
  // The schema admits replica_of or slave_of, and only as null: a detach.
  body::check(Method::kPut, "/v1.0/{tenant_id}/instances/{instance_id}", doc);
  return InstanceAction::kDetach;
}

InstanceAction parse_instance_action(const json& doc) {
  // The schema admits exactly one of the known actions, each an object or null.
  body::check(Method::kPost, "/v1.0/{tenant_id}/instances/{instance_id}/action", doc);
  const std::string& key = doc.begin().key();
  if (key == "promote_to_replica_source") return InstanceAction::kPromote;
  if (key == "eject_replica_source") return InstanceAction::kEject;
  if (key == "detach") return InstanceAction::kDetach;
  throw std::logic_error("parse_instance_action was given the action " + key);
}

}  // namespace automat::api
