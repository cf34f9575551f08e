#pragma once
// GTID replication of one MariaDB instance, on the guest: the source's
// binlog settings and replication account, a consistent backup with its
// GTID position, seeding a replica from it and following the source, the
// replica's health, detach, read-only, and the GTID checks that promote and
// eject need. It works on a running, prepared instance (MysqlManager starts,
// stops and restarts it) through a MysqlRootClient.
//
// Calls are not serialized here: the caller runs one at a time per instance
// (health() and current_gtid() are read-only and may run beside the others).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_replication_client.h"
#include "datastores/mysql/guest_replication_sql.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "guestagent/datastore_manager.h"

namespace automat::datastores::mysql {

// A replication account. The password exists only in this value: it is
// never stored by the guest or logged.
struct ReplicationUser {
  std::string name;
  std::string password;
};

struct SourceSetup {
  bool restart_needed = false;  // log_bin/log_slave_updates take effect on restart
  ReplicationUser user;
};

// A dump of a source and the GTID position it is consistent with.
struct ReplicationBackup {
  std::string path;  // the dump file (mode 0600)
  std::string gtid;  // "" when the source had written no GTID yet
};

class MysqlReplication {
 public:
  // `address` is the instance's bind address (it makes the server_id).
  MysqlReplication(MysqlLayout layout, std::string address, std::string instance_id,
                   std::unique_ptr<MysqlRootClient> client);

  // Writes the binlog/GTID settings (conf.d/replication.cnf, included from
  // my.cnf), applies the dynamic ones (binlog_format, gtid_strict_mode,
  // server_id) now, and answers whether mariadbd must restart before binary
  // logging with log_slave_updates is on. Idempotent.
  bool apply_binlog_settings();

  // Makes this instance a replication source: apply_binlog_settings(), then
  // the account `user_name`@'%' with REPLICATION SLAVE and a fresh random
  // password (replacing any earlier one). Because a second call for the same
  // name rotates the password under a replica still using the old one (it
  // fails at its next reconnect), give each replica its own account, e.g.
  // "automat_repl_<replica id prefix>", and drop it on detach/delete.
  // Throws kBadRequest for an invalid name, kInternal when the server fails.
  SourceSetup enable_source(const std::string& user_name = kReplicationUser);

  // Dumps every database consistently (mariadb-dump --single-transaction
  // --master-data=2 --gtid) into a new file under `dir` (created 0700) and
  // returns it with its GTID position. Throws kConflict when binary logging
  // is off (apply settings and restart first), kInternal when the dump
  // fails or is incomplete (the partial file is removed).
  ReplicationBackup take_backup(const std::string& dir);

  // Turns this (fresh) instance into a replica of `source`: read_only ON
  // (persisted), forgets its own replication and binlog, restores `backup`
  // without binlogging it, sets gtid_slave_pos to the backup's position and
  // starts replicating with MASTER_USE_GTID=slave_pos. Everything on this
  // instance is replaced by the source's data and accounts. Throws
  // kBadRequest for an invalid source or GTID, kConflict when binary logging
  // is off here (a replica must be promotable), kInternal when a step fails.
  void restore_and_follow(const ReplicationBackup& backup, const ReplicationSource& source);

  // Makes this server, which already holds the data, follow `source` from
  // the position it has (gtid_current_pos): for promote, the demoted source
  // and the other replicas are re-pointed at the promoted one. read_only ON
  // (persisted) first. Throws kBadRequest for an invalid source, kConflict
  // when binary logging is off here, kInternal when a step fails.
  void follow_from_current_position(const ReplicationSource& source);

  // SHOW SLAVE STATUS as health; nullopt when this instance replicates from
  // nothing. Throws kInternal when the server cannot be asked.
  std::optional<proto::mysql::ReplicationHealth> health();

  // Stops replicating and forgets the source (STOP SLAVE, RESET SLAVE ALL),
  // then read_only OFF (persisted). Idempotent.
  void detach();
  // DROP USER IF EXISTS `name`@'%'. Throws kBadRequest for an invalid name.
  void drop_replication_user(const std::string& name);
  // SET GLOBAL read_only, persisted in conf.d/read_only.cnf so a restart
  // keeps it. Accounts without READ_ONLY ADMIN (applications) cannot write
  // while it is on; replication and root can.
  void make_read_only(bool on);

  // @@gtid_current_pos: the last transaction of each domain this server
  // wrote or applied. Compare positions with gtid_covers().
  std::string current_gtid();
  // Waits until this server applied `gtid` (MASTER_GTID_WAIT) or `deadline`
  // passes; true when applied. Throws kBadRequest for an invalid GTID and
  // kConflict, with the server's last error, when it cannot get there:
  // not a replica, or its SQL thread stopped.
  bool wait_caught_up(const std::string& gtid, std::chrono::steady_clock::time_point deadline);

 private:
  void require_binlog(const std::string& why);

  const MysqlLayout layout_;
  const std::string address_;
  const std::string instance_id_;
  const std::unique_ptr<MysqlRootClient> client_;
};

// Where an instance keeps its backups: <instance_dir>/backups.
std::string backup_area(const std::string& instance_dir);

// MysqlReplication for `node`'s MariaDB in <instance_dir>/mysql/.
std::unique_ptr<MysqlReplication> make_mysql_replication(const guestagent::NodeContext& node);

}  // namespace automat::datastores::mysql
