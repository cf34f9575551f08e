#pragma once
// The RPC-facing half of the MySQL guest: what the control plane may ask of
// a MySQL node (prepare, start, stop, restart, status, and the replication
// work of its own contract, mysql_guest.proto). It keeps the node's
// record (guest_mysql_state.h) and leaves the OS work to a MysqlServer.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "datastores/mysql/guest_mysql_admin.h"
#include "datastores/mysql/guest_mysql_server.h"
#include "datastores/mysql/guest_mysql_state.h"
#include "datastores/mysql/guest_replication.h"
#include "datastores/mysql/guest_replication_actions.h"
#include "guestagent/datastore_manager.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/node_lifecycle.h"
#include "guestagent/node_record.h"
#include "guestagent/server_changes.h"

namespace automat::datastores::mysql {

class MysqlManager : public guestagent::DatastoreManager {
 public:
  // `state_path` is where the node's record lives; `ram_mb` sizes my.cnf
  // unless a PrepareRequest names memory_mb (or a resize changed it).
  // `replication` (may be null: no replication actions) works on the same
  // server; its copies for replicas go under `backup_area`. `admin_client` (may be
  // null: no database administration) is root's connection for
  // database_admin().
  MysqlManager(std::unique_ptr<MysqlServer> server, std::string state_path, std::string instance_id,
               int ram_mb, std::unique_ptr<MysqlReplication> replication = nullptr,
               std::string backup_area = "",
               std::unique_ptr<MysqlRootClient> admin_client = nullptr);

  std::string name() const override { return "mysql"; }
  // Throws kBadRequest for an invalid database/user before touching
  // anything, kInternal (with the server's message) when a step fails.
  // When req.settings packs a PrepareSettings with a restore_chain, a new
  // instance's data dir is restored from that chain instead of installed
  // empty (it keeps the source's accounts); the databases and users of the
  // request are applied on top.
  void prepare(const proto::PrepareRequest& req) override;
  // Throws kConflict when the instance was never prepared.
  void start() override;
  void stop() override;
  void restart() override;
  // A flavor resize: my.cnf rendered again for `ram_mb` (the InnoDB buffer
  // pool follows it), mariadbd stopped cleanly and started with it; later
  // prepares use `ram_mb` too. When mariadbd does not start with it, my.cnf
  // for the memory it had is written back and mariadbd started again
  // before the call throws kInternal with the reason. Throws kConflict
  // before the first prepare.
  void resize(int ram_mb) override;
  // NodeLifecycle::status() over mariadbd's health: RUNNING when it answers,
  // BLOCKED alive but not answering, CRASHED when it should run but is gone.
  // Thread-safe; never waits for a running prepare.
  std::string status() override;
  // The MySQL contract (mysql_guest.proto), served by guest_mysql_service.cc.
  std::unique_ptr<grpc::Service> make_service(const guestagent::RpcEnvironment& env) override;
  // Runs `work` on the replication work of guest_replication_actions.h, one
  // call at a time with prepare/start/stop/restart. Throws kConflict before
  // the first prepare, kNotImplemented when this node has no replication.
  void replication_call(const char* what, const std::function<void(ReplicationActions&)>& work);
  // A replica's replication health (NodeReport, mysql_guest.proto) packed
  // as the report's datastore while mariadbd answers and nothing else runs;
  // a replication stopped on an error is the report's fault with
  // degraded_status REPLICATION_ERROR. Empty on a source. Never waits for
  // a running action.
  proto::DatastoreReport report() override;
  // What StartStoreBackup checks before starting the job: kBadRequest for
  // an invalid job, kConflict when the instance was never prepared.
  void check_store_backup(const proto::mysql::StoreBackupJob& job) const;
  // The backup job (kind "backup"): streams a hot backup of the running
  // server into job.storage under job.prefix and writes its manifest last,
  // reporting progress on `ctx`. Holds the node's change turn meanwhile
  // (no stop, restart or action; database administration waits and then
  // answers kConflict) while the status stays RUNNING. Throws as
  // check_store_backup, kUnavailable when the server does not answer, and
  // common::Error with the tool's reason when the backup fails; a failed
  // backup leaves no object under its prefix. Returns the manifest.
  proto::BackupManifest store_backup(const proto::mysql::StoreBackupJob& job,
                                     guestagent::JobContext& ctx);
  // SHOW SLAVE STATUS while mariadbd answers; nullopt otherwise (and on a
  // source). Never waits for a running action.
  std::optional<proto::mysql::ReplicationHealth> replication_health();
  // Databases, accounts and root (guest_mysql_admin.h) while the instance is
  // prepared and answering; each call waits up to a few seconds for a
  // running prepare/start/stop/action, then answers kConflict.
  guestagent::DatabaseAdmin* database_admin() override { return admin_.get(); }

 private:
  const std::unique_ptr<MysqlServer> server_;
  const std::string state_path_;
  const std::string instance_id_;
  std::atomic<int> ram_mb_;  // changed by resize()
  const std::unique_ptr<MysqlReplication> replication_;
  SeedCopies seed_copies_;  // under backup_area

  // Removes what a failed backup stored; logs (never throws) if it cannot.
  void remove_backup_objects(storage::BackupStorage& storage, const std::string& prefix) const;
  // install(), or restore() from `settings`' chain when it has one.
  void build_data_dir(const std::optional<proto::mysql::PrepareSettings>& settings);

  guestagent::NodeRecord<MysqlState> record_;
  // One prepare/start/stop/restart/action at a time; database administration
  // waits for it a few seconds (NodeLifecycle::admin_gate).
  guestagent::NodeLifecycle lifecycle_;
  // start/stop/restart/resize over server_ (guestagent/server_changes.h).
  guestagent::ServerChanges changes_;
  guestagent::ServerChanges::Steps server_steps();

  std::unique_ptr<MysqlDatabaseAdmin> admin_;  // last: its gate uses the members above
};

// The MySQL guest manager for `node`, over MariaDbServer in
// <instance_dir>/mysql/. Throws common::Error(kInternal) if the record
// there cannot be read.
std::unique_ptr<guestagent::DatastoreManager> make_guest_manager(
    const guestagent::NodeContext& node);

}  // namespace automat::datastores::mysql
