#pragma once
// The JSON shapes of the API (Trove v1.0 compatible). Views never contain
// secrets: operation params (which hold passwords) are never shown.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/models.h"

namespace automat::api {

// Where links point: base_url is "http://host:port" (no trailing slash).
struct LinkBase {
  std::string base_url;
  std::string tenant_id;
};

// {"id","name","status","task","flavor":{"id","links"},"datastore":{"type",
// "version"},"volume":{"size"},"ip":[addr] (when an address is set),
// "created","updated","fault":{"message"} (when set),"links":[self,bookmark]}.
// A replica (slave_of set) also shows "replica_of": {"id","links"} and the
// seed's "slave": {"of": id, "read_only": true}. A cluster node also shows
// "cluster_id".
nlohmann::json instance_view(const db::Instance& instance, const LinkBase& links);
// A master (replica_ids not empty) also shows "replicas": [{"id","links"}]
// and the seed's "slave": {"list": [{"id"}]}.
// {"instances": [instance_view...]}
nlohmann::json instances_view(const std::vector<db::Instance>& instances, const LinkBase& links);

// {"id","name","default_version","versions":[version_view...],"links"}
nlohmann::json datastore_view(const db::Datastore& datastore, const LinkBase& links);
// {"datastores": [datastore_view...]}
nlohmann::json datastores_view(const std::vector<db::Datastore>& datastores, const LinkBase& links);
// {"id","name","datastore","active","links"}
nlohmann::json version_view(const db::DatastoreVersion& version, const LinkBase& links);

// {"id","name","ram","vcpus","disk","links"}
nlohmann::json flavor_view(const db::Flavor& flavor, const LinkBase& links);
// {"flavors": [flavor_view...]}
nlohmann::json flavors_view(const std::vector<db::Flavor>& flavors, const LinkBase& links);

// {"id","type","resource":{"type","id"},"state","progress","step",
// "step_name","message","errors":[{"host","message"}],"created","updated",
// "started","finished"} (started/finished null until set).
nlohmann::json operation_view(const db::Operation& op);
// The short form next to an accepted resource: {"id","state"}.
nlohmann::json operation_ref(const db::Operation& op);

// GET / : {"versions": [{"id": "v1.0", "status": "CURRENT", "updated", "links"}]}
nlohmann::json versions_document(const std::string& base_url);

// Trove's error body: {"<fault_name>": {"code": N, "message": "..."}}.
std::string fault_body(const char* fault_name, int code, const std::string& message);

// Serializes a response body; invalid UTF-8 is replaced, never thrown on.
std::string to_body(const nlohmann::json& doc);

}  // namespace automat::api
