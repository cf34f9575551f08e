#include "api/replica_request.h"

#include "api/instance_request.h"
#include "api/request_body.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

const json& instance_object(const json& doc) {
  if (!doc.is_object() || !doc.contains("instance") || !doc["instance"].is_object()) {
    throw common::bad_request("instance is required (an object)");
  }
  return doc["instance"];
}

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
  const json& inst = instance_object(doc);
  for (const char* key : {"replica_of", "slave_of"}) {
    if (inst.contains(key)) {
      if (!inst[key].is_null()) {
        throw common::bad_request(std::string("instance.") + key +
                                  " can only be set to null (detach); a replica cannot be "
                                  "re-pointed at another master");
      }
      return InstanceAction::kDetach;
    }
  }
  throw common::bad_request(
      "nothing to update: PUT /instances/{id} accepts {\"instance\": {\"replica_of\": null}} "
      "to detach a replica");
}

InstanceAction parse_instance_action(const json& doc) {
  static const char* kKnown = "resize, detach, promote_to_replica_source or eject_replica_source";
  if (!doc.is_object() || doc.size() != 1) {
    throw common::bad_request(std::string("the body must hold exactly one action: ") + kKnown);
  }
  const auto it = doc.begin();
  const std::string key = it.key();
  const json& value = it.value();
  if (!value.is_object() && !value.is_null()) {
    throw common::bad_request(common::in_quotes(key) + " takes an empty object: {\"" +
                              common::excerpt(key) + "\": {}}");
  }
  if (key == "detach") return InstanceAction::kDetach;
  if (key == "promote_to_replica_source") return InstanceAction::kPromote;
  if (key == "eject_replica_source") return InstanceAction::kEject;
  throw common::bad_request("unknown action " + common::in_quotes(key) + ": use " + kKnown);
}

}  // namespace automat::api
