#pragma once
// The JSON shapes of the API (Trove v1.0 compatible). Views never contain
// secrets: an operation's input and checkpoint (which may hold passwords)
// are never shown.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/models.h"

namespace automat::api {

// Where links point: base_url is "http://host:port" (no trailing slash).
struct LinkBase {
  std::string base_url;
  std::string tenant_id;
  // The region resources are in ([api] region), shown as an instance's "region".
  std::string region = "RegionOne";
};

// {"id","name","status","operating_status","task","flavor":{"id","links"},
// "datastore":{"type","version","version_number"},"volume":{"size"},
// "region","tenant_id","access":{"is_public": false},"created","updated",
// "service_status_updated" (null before the first status),
// "links":[self,bookmark]}; once an address is set "ip": [addr] and
// "addresses": [{"address", "type": "private"}]; when faulted "fault":
// {"message","created","details"}. operating_status is Trove's: the
// datastore's own status (HEALTHY, SHUTDOWN, ...) while no task runs, ""
// during one. A replica (slave_of set) also shows "replica_of":
// {"id","links"} and the seed's "slave": {"of": id, "read_only": true}. A
// cluster node also shows "cluster_id".
nlohmann::json instance_view(const db::Instance& instance, const LinkBase& links);

// Trove's volume object: {"size": GB} and, once the guest has reported its
// filesystem, "used" (GB, two decimals) and "used_percent".
nlohmann::json volume_view(int size_gb, std::optional<int64_t> used_bytes,
                           std::optional<int64_t> total_bytes);
// A master (replica_ids not empty) also shows "replicas": [{"id","links"}]
// and the seed's "slave": {"list": [{"id"}]}.
// {"instances": [instance_view...]}
nlohmann::json instances_view(const std::vector<db::Instance>& instances, const LinkBase& links);

// {"id","name","default_version","versions":[version_view...],"links"}
nlohmann::json datastore_view(const db::Datastore& datastore, const LinkBase& links,
                              bool admin = false);
// {"datastores": [datastore_view...]}
nlohmann::json datastores_view(const std::vector<db::Datastore>& datastores, const LinkBase& links,
                               bool admin = false);
// Trove's version: {"id","name","version" (the name: Automat keeps no other
// version number),"datastore","active","links" (to datastores/versions/<id>)};
// for an admin also "image" (where its binaries come from; "" = the OS's
// packages) and "packages".
nlohmann::json version_view(const db::DatastoreVersion& version, const LinkBase& links,
                            bool admin = false);

// Trove's flavor: {"id" (an integer when the id is one, else null),
// "str_id" (the id as a string),"name","ram","vcpus","disk",
// "ephemeral": 0,"links"}
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

// The text, or JSON null when there is none.
nlohmann::json text_or_null(const std::optional<std::string>& text);

// Serializes a response body; invalid UTF-8 is replaced, never thrown on.
std::string to_body(const nlohmann::json& doc);

}  // namespace automat::api
