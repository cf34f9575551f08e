#pragma once
// GTID replication of one MariaDB instance, on the guest: the source's
// binlog settings and replication account, following the source from the
// position of a copy of its data (guest_replication_actions.h takes and
// installs the copy) or from its own position, the
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

  // Throws kConflict, naming `why`, unless binary logging with
  // log_slave_updates is on (a source's copy needs its GTID position, and a
  // replica must be promotable).
  void require_binlog(const std::string& why);

  // Writes the settings a replica starts with (binlog/GTID as
  // apply_binlog_settings(), read_only ON) without asking the server, which
  // may be down: the next start applies them. Idempotent.
  void write_replica_settings();

  // For this instance whose data dir was just replaced by a source's copy
  // at `gtid` and restarted (MysqlServer::replace_data): read_only ON
  // (persisted), forgets the replication and binlog it had, sets
  // gtid_slave_pos (and the binlog state) to `gtid` and starts replicating
  // with MASTER_USE_GTID=slave_pos. The copy brought the source's accounts
  // along, root@localhost by unix socket (as every Automat instance keeps
  // it) included. Throws kBadRequest for an invalid source or GTID,
  // kConflict when binary logging is off here, kInternal when a step fails.
  void follow_from_copy(const std::string& gtid, const ReplicationSource& source);

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
