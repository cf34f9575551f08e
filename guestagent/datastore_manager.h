#pragma once
// A guest manager: how one datastore is driven on this node (its guest face).
// guestagent/guest_service.cc exposes it over gRPC; a manager never sees RPC.
#include <memory>
#include <optional>
#include <string>

#include "automat/guest.pb.h"
#include "automat/messages.pb.h"
#include "common/error.h"
#include "guestagent/database_admin.h"

namespace automat::guestagent {

// What a manager knows of the node it runs on (from the guest config).
struct NodeContext {
  std::string instance_id;
  std::string address;       // bind address of the datastore
  std::string instance_dir;  // .automat/instances/<id>/, owned by this guest
  std::string datastore_version;
  std::string image_location;
  int ram_mb = 0;
};

class DatastoreManager {
 public:
  virtual ~DatastoreManager() = default;
  virtual std::string name() const = 0;  // "mysql"
  // Installs (first time only), configures, starts and secures the datastore
  // and applies the databases and users. Idempotent. Blocks until done;
  // throws common::Error with a message for the operator on failure.
  virtual void prepare(const proto::PrepareRequest& req) = 0;
  virtual void start() = 0;
  virtual void stop() = 0;  // graceful; waits until the datastore exited
  virtual void restart() = 0;
  // Observes the datastore now: NEW (never prepared), BUILDING (prepare
  // running), RUNNING, SHUTDOWN, CRASHED (should run, is not) ...
  virtual std::string status() = 0;
  // Datastore detail for heartbeats (JSON object as text), "{}" if none.
  virtual std::string detail_json() { return "{}"; }
  // A datastore-specific action ("ring_status", "enable_source", ...) with
  // JSON arguments; answers a JSON object as text. Arguments may hold
  // secrets: never log them. Throws common::Error(kBadRequest) for an action
  // this manager does not know, and kInternal/kUnavailable with a message for
  // the operator when the action fails.
  virtual std::string act(const std::string& action, const std::string& args_json);
  // This node's replication as a replica sees it; nullopt when it replicates
  // from nothing (or the datastore has no replication). Heartbeats carry it.
  virtual std::optional<proto::ReplicationHealth> replication_health() { return std::nullopt; }
  // This datastore's databases, users and root (guestagent/database_admin.h),
  // owned by the manager; nullptr when it offers no database administration.
  virtual DatabaseAdmin* database_admin() { return nullptr; }
};

inline std::string DatastoreManager::act(const std::string& action, const std::string&) {
  throw common::bad_request("the " + name() + " guest has no action '" + action + "'");
}

// The manager registered for `manager_name`, or nullptr.
std::unique_ptr<DatastoreManager> make_datastore_manager(const std::string& manager_name,
                                                         const NodeContext& node);

}  // namespace automat::guestagent
