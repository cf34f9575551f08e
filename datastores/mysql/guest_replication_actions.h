#pragma once
// The replication work of the MySQL guest contract (mysql_guest.proto), each
// a thin typed face over MysqlReplication, MysqlServer and SeedCopies. guest_mysql_service.cc
// serves it through MysqlManager::replication_call, one call at a time with
// prepare/start/stop/restart. Requests may hold passwords; nothing here
// logs them.
#include <functional>
#include <string>

#include "datastores/mysql/guest_mysql_server.h"
#include "datastores/mysql/guest_replication.h"
#include "datastores/mysql/guest_seed_copies.h"
#include "datastores/mysql/mysql_guest.pb.h"

namespace automat::datastores::mysql {

class ReplicationActions {
 public:
  // Runs the work it is given with mariadbd stopped, then starts it again.
  using WhileStopped = std::function<void(const std::function<void()>& work)>;

  // `replication` and `server` drive the same instance; `while_stopped`
  // restarts it around a piece of work (binary logging takes effect on
  // restart; a replica's data is replaced while it is down). `copies` keeps
  // this instance's copies for its replicas.
  ReplicationActions(MysqlReplication& replication, MysqlServer& server, SeedCopies& copies,
                     WhileStopped while_stopped);

  // Each throws common::Error(kBadRequest) for a missing or invalid
  // argument, and whatever MysqlReplication or MysqlServer throws.
  // Binary logging on (restarting once if needed) and req.user's login.
  proto::mysql::ReplicationLogin enable_source(const proto::mysql::ReplicationUserRequest& req);
  // A prepared physical copy of this instance per key (SeedCopies::take),
  // held by req.holder (if any) until release_backup(). Throws kConflict
  // when binary logging is off.
  proto::mysql::Backup take_backup(const proto::mysql::BackupRequest& req);
  // req.holder is done with req.key's copy (SeedCopies::release).
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

 private:
  void restart_if(bool needed);

  MysqlReplication& replication_;
  MysqlServer& server_;
  SeedCopies& copies_;
  const WhileStopped while_stopped_;
};

}  // namespace automat::datastores::mysql
