#pragma once
// The replication work of the MySQL guest contract (mysql_guest.proto), each
// a thin typed face over MysqlReplication. guest_mysql_service.cc serves it
// through MysqlManager::replication_call, one call at a time with
// prepare/start/stop/restart. Requests may hold passwords; nothing here
// logs them.
#include <chrono>
#include <functional>
#include <string>

#include "datastores/mysql/guest_mysql_server.h"
#include "datastores/mysql/guest_replication.h"
#include "datastores/mysql/mysql_guest.pb.h"

namespace automat::datastores::mysql {

class ReplicationActions {
 public:
  // Runs the work it is given with mariadbd stopped, then starts it again.
  using WhileStopped = std::function<void(const std::function<void()>& work)>;

  // `replication` and `server` drive the same instance; `while_stopped`
  // restarts it around a piece of work (binary logging takes effect on
  // restart; a replica's data is replaced while it is down). Copies of this
  // instance for replicas go under `backup_area`.
  ReplicationActions(MysqlReplication& replication, MysqlServer& server, std::string backup_area,
                     WhileStopped while_stopped);

  // Each throws common::Error(kBadRequest) for a missing or invalid
  // argument, and whatever MysqlReplication or MysqlServer throws.
  // Binary logging on (restarting once if needed) and req.user's login.
  proto::mysql::ReplicationLogin enable_source(const proto::mysql::ReplicationUserRequest& req);
  // One prepared physical copy per key, in <backup_area>/<key>/copy: a
  // second call with the key answers the first's copy while it is still
  // there, and req.holder (if any) holds it until release_backup(). Other
  // keys' copies go first unless held and younger than kHeldCopyLifetime.
  // Throws kConflict when binary logging is off.
  proto::mysql::Backup take_backup(const proto::mysql::BackupRequest& req);
  // req.holder is done with req.key's copy; once nobody holds it, the copy
  // is removed. Idempotent.
  void release_backup(const proto::mysql::BackupRequest& req);
  // Replaces this instance's data by the source's prepared copy
  // (format "physical"): the replica settings are written, mariadbd stops,
  // the data dir is copied back from req.backup.path, mariadbd starts
  // read-only and follows req.source from the copy's GTID. Safe to run
  // again after a failure or a success (it seeds afresh).
  void follow(const proto::mysql::FollowRequest& req);
  void follow_current(const proto::mysql::FollowCurrentRequest& req);
  proto::mysql::ReplicationStatusReply replication_status();
  proto::mysql::Gtid current_gtid();
  proto::mysql::WaitCaughtUpReply wait_caught_up(const proto::mysql::WaitCaughtUpRequest& req);
  void detach();
  void drop_replication_user(const proto::mysql::ReplicationUserRequest& req);
  void set_read_only(bool on);

  // A held copy older than this is taken for abandoned (its seed failed
  // without releasing it): longer than the taskmanager's seed step.
  static constexpr std::chrono::hours kHeldCopyLifetime{2};

 private:
  void restart_if(bool needed);
  // Removes the copies of keys other than `key` that nobody holds or that
  // are older than kHeldCopyLifetime.
  void remove_stale_copies(const std::string& key);

  MysqlReplication& replication_;
  MysqlServer& server_;
  const std::string backup_area_;
  const WhileStopped while_stopped_;
};

}  // namespace automat::datastores::mysql
