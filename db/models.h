#pragma once
// Plain rows, as the repositories read and write them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace automat::db {

struct Tenant {
  std::string id;
  std::string name;
};

// Who is calling, as resolved from an X-Auth-Token.
struct Principal {
  std::string tenant_id;
  std::vector<std::string> roles;  // "member", "admin"
  bool is_admin() const;
};

struct DatastoreVersion {
  std::string id;
  std::string datastore_id;
  std::string datastore_name;  // "mysql"
  std::string name;            // "10.11"
  std::string manager;         // guest manager: "mysql"
  std::string image_location;
  // What its guest installs (Trove's "packages"); "" when not recorded.
  std::string packages;
  bool active = true;
  bool enabled_cluster = false;
  bool enabled_replication = false;
  int min_ram_mb = 0;
};

struct Datastore {
  std::string id;
  std::string name;
  std::string default_version_id;
  std::vector<DatastoreVersion> versions;
};

struct Flavor {
  std::string id;
  std::string name;
  int ram_mb = 0;
  int vcpus = 0;
  int disk_gb = 0;
};

struct Instance {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string flavor_id;
  int volume_size_gb = 0;
  std::string datastore_version_id;
  std::string task = "BUILDING";
  std::optional<std::string> address;
  // Where its guest agent listens on `address`, as the compute driver
  // recorded it when the server was made (compute::Server::guest_port).
  std::optional<int> guest_port;
  // Where it is placed; empty when the request named none (a datastore
  // that needs one picks its own default: Cassandra's rack1).
  std::string availability_zone;
  std::optional<std::string> slave_of;
  std::optional<std::string> cluster_id;
  std::optional<std::string> fault;
  // When `fault` was set (ISO 8601 UTC).
  std::optional<std::string> fault_created;
  std::string created;  // ISO 8601 UTC, e.g. 2026-11-22T10:00:00Z
  std::string updated;
  // Joined from service_statuses (empty when none yet).
  std::string service_status;
  // When the service status was last written (ISO 8601 UTC); nullopt when none yet.
  std::optional<std::string> service_status_updated;
  // The status detail's "fault" (e.g. a replica's replication error).
  std::optional<std::string> service_fault;
  // The status detail's volume usage (the last heartbeat's statvfs of the
  // volume); nullopt before a guest reported one.
  std::optional<int64_t> volume_used_bytes;
  std::optional<int64_t> volume_total_bytes;
  // Joined for views.
  std::string datastore_name;
  std::string datastore_version_name;
  // Live instances whose slave_of names this one, oldest first.
  std::vector<std::string> replica_ids;
};

// A member of a cluster: its nodes row joined with its instance. A node's id
// is its instance's id; its address is the instance's.
struct Node {
  std::string instance_id;
  std::string cluster_id;
  std::string type = "member";  // member | arbiter
  // Where it was placed: its availability zone (the same as
  // instance.availability_zone; the API sets it, from the request or
  // api::ClusterStrategy::default_zone) and region.
  std::string zone;
  std::optional<std::string> region;
  // The datastore's own record of the node, a typed message of the
  // datastore's folder stored through protobuf's JSON mapping (Cassandra:
  // NodeRole, seed and dc); {} when the datastore keeps none. Generic code
  // copies it and never reads into it.
  nlohmann::json role = nlohmann::json::object();
  int ordinal = 0;    // 1-based, never reused within a cluster; the name's suffix
  std::string phase;  // the datastore's name of its current step ("joining"); "" when idle
  // The node's instance row (id, name, task, flavor, volume, address,
  // service_status, ...). Written with the node on create/grow/replace.
  Instance instance;
  // service_statuses.detail: the node's last heartbeat detail, as the
  // conductor stored it (a proto::StatusDetail, common/status_detail.h; its
  // datastore's report is decoded in the datastore's folder); {} when none yet.
  nlohmann::json detail = nlohmann::json::object();
};

struct Cluster {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string datastore_version_id;
  std::string task = "BUILDING";  // common::cluster_task
  std::string status = "BUILD";   // common::cluster_status
  std::string created;            // ISO 8601 UTC
  std::string updated;
  // Joined for views.
  std::string datastore_name;
  std::string datastore_version_name;
  // Live (not deleted) nodes, by ordinal.
  std::vector<Node> nodes;
  // 1 + the highest ordinal any node of this cluster ever had (deleted ones
  // included): the ordinal of the next node added.
  int next_ordinal = 1;
};

struct HostError {
  std::string host;
  std::string message;
};

struct Operation {
  std::string id;
  std::string tenant_id;
  std::string type;           // "instance.create"
  std::string resource_type;  // "instance"
  std::string resource_id;
  std::string state = "SUBMITTED";
  double progress = 0.0;
  int step = 0;
  std::string step_name;
  std::string message;
  std::vector<HostError> errors;
  // What the request was accepted with but a user should know (a grow that
  // would fill the nodes' volumes); written with the operation.
  std::vector<std::string> warnings;
  // What the request asked and what the steps have done: typed records
  // (proto/automat/operations.proto) kept as JSON; read and written only
  // through taskmanager/operation_data.h (workflows) and the API's
  // operation builders, never by key.
  nlohmann::json input = nlohmann::json::object();
  nlohmann::json checkpoint = nlohmann::json::object();
  std::optional<std::string> owner;
  std::string created;
  std::string updated;
  std::optional<std::string> started;
  std::optional<std::string> finished;
};

// One guest message after deduplication, as the conductor records it.
struct HeartbeatRecord {
  std::string instance_id;
  std::string method;  // "heartbeat"
  int64_t sent_us = 0;
  std::string service_status;
  // service_statuses.detail to write: a proto::StatusDetail as
  // common::encode_status_detail maps it.
  nlohmann::json detail = nlohmann::json::object();
};

}  // namespace automat::db
