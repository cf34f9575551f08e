#pragma once
// A guest manager: how one datastore is driven on this node (its guest face).
// guestagent/guest_service.cc exposes the generic part over gRPC; the
// datastore's own contract (datastores/<name>/<name>_guest.proto) is served
// by the service the manager makes (make_service).
#include <grpcpp/impl/service_type.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "automat/guest.pb.h"
#include "automat/messages.pb.h"
#include "common/error.h"
#include "common/guest_conf.h"
#include "guestagent/database_admin.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/rpc_guard.h"

namespace automat::guestagent {

// What a manager knows of the node it runs on (from the guest config).
struct NodeContext {
  std::string instance_id;
  std::string address;       // bind address of the datastore
  std::string instance_dir;  // .automat/instances/<id>/, owned by this guest
  // Where the instance's volume is mounted: the datastore keeps its files
  // (and nothing else) under it, so its size bounds them. "" (a node made
  // by a test): instance_dir.
  std::string volume_dir;
  const std::string& files_dir() const { return volume_dir.empty() ? instance_dir : volume_dir; }
  std::string datastore_version;
  std::string image_location;
  int ram_mb = 0;
};

// What a datastore's own gRPC service is built with.
struct RpcEnvironment {
  const RpcGuard& guard;  // authenticates every call, maps errors to statuses
  JobRunner& jobs;        // long work runs here; GuestAgent.GetJob polls it
  // Called after a call that may have changed the service status, so a
  // heartbeat goes out at once.
  std::function<void()> changed;
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
  // A flavor resize: the node now has `ram_mb` of memory. Derives the
  // datastore's memory settings from it again and restarts the datastore
  // with them, keeping its data; blocks until it serves again. When it does
  // not start with the new settings, the old ones are restored and it is
  // started with them before the call throws common::Error with the
  // reason. Throws kConflict before the first prepare; by default
  // kNotImplemented (the datastore cannot change its memory).
  virtual void resize(int ram_mb) {
    (void)ram_mb;
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "the " + name() + " guest cannot change the node's memory");
  }
  // What the datastore says beyond its status, for heartbeats and status
  // answers: a fault for the operator when it failed, and the datastore's
  // own typed report packed in `datastore` (none by default).
  virtual proto::DatastoreReport report() { return {}; }
  // The datastore's own gRPC service (its typed contract), served on the
  // guest's port next to GuestAgent; nullptr when it has none. The service
  // borrows this manager and `env`'s members, which outlive it.
  virtual std::unique_ptr<grpc::Service> make_service(const RpcEnvironment& env) {
    (void)env;
    return nullptr;
  }
  // This datastore's databases, users and root (guestagent/database_admin.h),
  // owned by the manager; nullptr when it offers no database administration.
  virtual DatabaseAdmin* database_admin() { return nullptr; }
};

// The status a node shows the control plane, in its heartbeats and in
// GetStatus alike: the manager's `status`, except that a RUNNING node whose
// `report` names a degraded status (a MySQL replica's REPLICATION_ERROR)
// shows that one.
std::string shown_status(const std::string& status, const proto::DatastoreReport& report);

// What the manager of the guest configured by `conf` is told about its node.
NodeContext node_context(const common::GuestConf& conf);

// The manager registered for `manager_name`, or nullptr.
std::unique_ptr<DatastoreManager> make_datastore_manager(const std::string& manager_name,
                                                         const NodeContext& node);

}  // namespace automat::guestagent
