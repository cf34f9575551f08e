#pragma once
// The replication work of the MySQL guest contract (mysql_guest.proto), each
// a thin typed face over MysqlReplication. guest_mysql_service.cc serves it
// through MysqlManager::replication_call, one call at a time with
// prepare/start/stop/restart. Requests may hold passwords; nothing here
// logs them.
#include <functional>
#include <string>

#include "datastores/mysql/guest_replication.h"
#include "datastores/mysql/mysql_guest.pb.h"

namespace automat::datastores::mysql {

class ReplicationActions {
 public:
  // `restart` restarts mariadbd (binary logging takes effect on restart);
  // backups go under `backup_area`.
  ReplicationActions(MysqlReplication& replication, std::string backup_area,
                     std::function<void()> restart);

  // Each throws common::Error(kBadRequest) for a missing or invalid
  // argument, and whatever MysqlReplication throws.
  // Binary logging on (restarting once if needed) and req.user's login.
  proto::mysql::ReplicationLogin enable_source(const proto::mysql::ReplicationUserRequest& req);
  // One dump per key: a second call with the key answers the first's dump.
  proto::mysql::Backup take_backup(const proto::mysql::BackupRequest& req);
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
  const std::string backup_area_;
  const std::function<void()> restart_;
};

}  // namespace automat::datastores::mysql
