#pragma once
// The replication actions a MySQL guest answers through
// DatastoreManager::act, each a thin JSON face over MysqlReplication:
//   enable_source {user}                 -> {user, password}   (restarts once if needed)
//   take_backup {key}                    -> {path, gtid}       (one backup per key)
//   follow {backup{path,gtid}, source{address,port,user,password}} -> {}
//   follow_current {source{...}}         -> {}
//   replication_status                   -> {replicating, io_running, sql_running,
//                                            seconds_behind, last_error}
//   current_gtid                         -> {gtid}
//   wait_caught_up {gtid, timeout_seconds} -> {caught_up}
//   detach                               -> {}
//   drop_replication_user {user}         -> {}
//   read_only {on}                       -> {}
// Arguments may hold passwords; nothing here logs them.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "datastores/mysql/guest_replication.h"

namespace automat::datastores::mysql {

class ReplicationActions {
 public:
  // `restart` restarts mariadbd (binary logging takes effect on restart);
  // backups go under `backup_area`. The caller runs one action at a time.
  ReplicationActions(MysqlReplication& replication, std::string backup_area,
                     std::function<void()> restart);

  static bool knows(const std::string& action);

  // Runs `action`. Throws common::Error(kBadRequest) for an unknown action
  // or a missing/invalid argument, and whatever MysqlReplication throws.
  nlohmann::json run(const std::string& action, const nlohmann::json& args);

 private:
  nlohmann::json take_backup(const std::string& key);
  void restart_if(bool needed);

  MysqlReplication& replication_;
  const std::string backup_area_;
  const std::function<void()> restart_;
};

// A replica's health as the actions and heartbeats describe it.
nlohmann::json health_json(const std::optional<proto::ReplicationHealth>& health);

}  // namespace automat::datastores::mysql
