#pragma once
// The RPC-facing half of the MySQL guest: what the control plane may ask of
// a MySQL node (prepare, start, stop, restart, status, and the replication
// work of its own contract, mysql_guest.proto). It keeps the node's
// record (guest_mysql_state.h) and leaves the OS work to a MysqlServer.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "datastores/mysql/guest_mysql_admin.h"
#include "datastores/mysql/guest_mysql_server.h"
#include "datastores/mysql/guest_mysql_state.h"
#include "datastores/mysql/guest_replication.h"
#include "datastores/mysql/guest_replication_actions.h"
#include "guestagent/datastore_manager.h"

namespace automat::datastores::mysql {

class MysqlManager : public guestagent::DatastoreManager {
 public:
  // `state_path` is where the node's record lives; `ram_mb` sizes my.cnf
  // unless a PrepareRequest names memory_mb.
  // `replication` (may be null: no replication actions) works on the same
  // server; its backups go under `backup_area`. `admin_client` (may be
  // null: no database administration) is root's connection for
  // database_admin().
  MysqlManager(std::unique_ptr<MysqlServer> server, std::string state_path, std::string instance_id,
               int ram_mb, std::unique_ptr<MysqlReplication> replication = nullptr,
               std::string backup_area = "",
               std::unique_ptr<MysqlRootClient> admin_client = nullptr);

  std::string name() const override { return "mysql"; }
  // Throws kBadRequest for an invalid database/user before touching
  // anything, kInternal (with the server's message) when a step fails.
  void prepare(const proto::PrepareRequest& req) override;
  // Throws kConflict when the instance was never prepared.
  void start() override;
  void stop() override;
  void restart() override;
  // BUILDING while a prepare runs; NEW before the first prepare completed
  // (FAILED if the last attempt failed); then RUNNING when mariadbd answers,
  // BLOCKED when it is alive but not answering, SHUTDOWN when stopped on
  // request (or while a start/stop is under way), CRASHED when it should run
  // but is gone. Thread-safe; never waits for a running prepare.
  std::string status() override;
  // The MySQL contract (mysql_guest.proto), served by guest_mysql_service.cc.
  std::unique_ptr<grpc::Service> make_service(const guestagent::RpcEnvironment& env) override;
  // Runs `work` on the replication work of guest_replication_actions.h, one
  // call at a time with prepare/start/stop/restart. Throws kConflict before
  // the first prepare, kNotImplemented when this node has no replication.
  void replication_call(const char* what, const std::function<void(ReplicationActions&)>& work);
  // SHOW SLAVE STATUS while mariadbd answers; nullopt otherwise (and on a
  // source). Never waits for a running action.
  std::optional<proto::ReplicationHealth> replication_health() override;
  // Databases, accounts and root (guest_mysql_admin.h) while the instance is
  // prepared and answering; each call waits up to a few seconds for a
  // running prepare/start/stop/action, then answers kConflict.
  guestagent::DatabaseAdmin* database_admin() override { return admin_.get(); }

 private:
  enum class Activity { kIdle, kPreparing, kChanging };
  // Sets activity_ for a scope.
  class ActivityScope;

  MysqlState state() const;
  void update_state(void (*change)(MysqlState&));
  void require_prepared() const;
  // MysqlDatabaseAdmin's gate: op_mu_ within kAdminWait, prepared, answering.
  std::unique_lock<std::timed_mutex> admin_gate();

  const std::unique_ptr<MysqlServer> server_;
  const std::string state_path_;
  const std::string instance_id_;
  const int ram_mb_;
  const std::unique_ptr<MysqlReplication> replication_;
  const std::string backup_area_;

  // One prepare/start/stop/restart/action at a time; database administration
  // waits for it a few seconds (admin_gate).
  std::timed_mutex op_mu_;
  std::atomic<Activity> activity_{Activity::kIdle};
  std::atomic<bool> last_prepare_failed_{false};

  mutable std::mutex state_mu_;
  MysqlState state_;

  std::unique_ptr<MysqlDatabaseAdmin> admin_;  // last: its gate uses the members above
};

// The MySQL guest manager for `node`, over MariaDbServer in
// <instance_dir>/mysql/. Throws common::Error(kInternal) if the record
// there cannot be read.
std::unique_ptr<guestagent::DatastoreManager> make_guest_manager(
    const guestagent::NodeContext& node);

}  // namespace automat::datastores::mysql
