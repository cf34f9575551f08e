#include "api/replica_request.h"

#include "api/instance_request.h"
#include "api/request_fields.h"
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

std::string instance_id_field(const json& value, const std::string& field) {
  if (!value.is_string() || value.get<std::string>().empty() ||
      value.get<std::string>().size() > 64) {
    throw common::bad_request(field + " must be the id of an instance (a string)");
  }
  return value.get<std::string>();
}

std::optional<std::string> datastore_field(const json& inst, const char* key) {
  if (!present(inst, "datastore")) return std::nullopt;
  const json& ds = inst["datastore"];
  if (!ds.is_object()) throw common::bad_request("instance.datastore must be an object");
  if (!present(ds, key)) return std::nullopt;
  if (!ds[key].is_string()) {
    throw common::bad_request(std::string("instance.datastore.") + key + " must be a string");
  }
  return ds[key].get<std::string>();
}

}  // namespace

bool is_replica_create(const json& doc) {
  if (!doc.is_object() || !doc.contains("instance") || !doc["instance"].is_object()) return false;
  const json& inst = doc["instance"];
  return present(inst, "replica_of") || present(inst, "slave");
}

ReplicaCreateRequest parse_replica_create(const json& doc) {
  const json& inst = instance_object(doc);
  ReplicaCreateRequest req;
  req.name = parse_instance_name(inst);
  std::optional<std::string> trove, seed;
  if (present(inst, "replica_of"))
    trove = instance_id_field(inst["replica_of"], "instance.replica_of");
  if (present(inst, "slave")) {
    const json& slave = inst["slave"];
    if (!slave.is_object() || !present(slave, "of")) {
      throw common::bad_request("instance.slave must be an object with \"of\": the master's id");
    }
    seed = instance_id_field(slave["of"], "instance.slave.of");
    if (present(slave, "read_only") &&
        (!slave["read_only"].is_boolean() || !slave["read_only"].get<bool>())) {
      throw common::bad_request(
          "instance.slave.read_only must be true: a replica is read-only until it is detached "
          "or promoted");
    }
  }
  if (trove && seed && *trove != *seed) {
    throw common::bad_request("instance.replica_of (" + common::excerpt(*trove) +
                              ") and instance.slave.of (" + common::excerpt(*seed) +
                              ") name different masters; give one of them");
  }
  req.master_id = trove ? *trove : *seed;
  if (present(inst, "replica_count")) {
    // An integer or a string of digits ("2").
    const auto n = fields::whole_number(inst["replica_count"]);
    if (!n || *n < 1 || *n > kMaxReplicaCount) {
      throw common::bad_request("instance.replica_count must be an integer from 1 to " +
                                std::to_string(kMaxReplicaCount));
    }
    req.count = static_cast<int>(*n);
  }
  for (const char* key : {"databases", "users"}) {
    if (present(inst, key) && !(inst[key].is_array() && inst[key].empty())) {
      throw common::bad_request(std::string("instance.") + key +
                                " cannot be given for a replica: it copies the master's "
                                "databases and users");
    }
  }
  req.datastore_type = datastore_field(inst, "type");
  req.datastore_version = datastore_field(inst, "version");
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
  static const char* kKnown = "detach, promote_to_replica_source or eject_replica_source";
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
