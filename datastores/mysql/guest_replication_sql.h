#pragma once
// The SQL a MySQL guest runs as root to set up and observe GTID replication
// on MariaDB. Every value that reaches SQL text is validated against an
// allow-list or quoted; passwords travel in SqlScript::secrets so that an
// error echoing the text can be redacted.
#include <cstdint>
#include <string>

#include "datastores/mysql/common_gtid.h"
#include "datastores/mysql/guest_mysql_sql.h"

namespace automat::datastores::mysql {

// The account a replica uses to read the source's binlog.
inline constexpr const char* kReplicationUser = "automat_repl";

// Where a replica reads from: the source's address and its replication account.
struct ReplicationSource {
  std::string address;  // the source's bind address (IPv4, IPv6 or host name)
  int port = 3306;
  std::string user;
  std::string password;
};

// Each throws common::Error(kBadRequest) naming the offending value.
// Address: [A-Za-z0-9.:-], 1..255 chars; port 1..65535; user and password
// as for application accounts (guest_mysql_sql.h).
void validate_source(const ReplicationSource& source);

// CREATE USER IF NOT EXISTS / ALTER USER (password) / GRANT REPLICATION
// SLAVE for `user`@'%'. Validates the name; idempotent.
SqlScript replication_user_sql(const std::string& user, const std::string& password);
// DROP USER IF EXISTS `user`@'%'. Validates the name.
std::string drop_user_sql(const std::string& user);

// One row: log_bin, log_slave_updates, binlog_format, gtid_strict_mode, server_id.
std::string binlog_settings_query();
// SET GLOBAL for the dynamic settings (binlog_format=ROW,
// gtid_strict_mode=ON, server_id) whose current values differ.
std::string dynamic_binlog_settings_sql(const std::string& binlog_format, bool gtid_strict_mode,
                                        uint32_t current_server_id, uint32_t wanted_server_id);

// Forgets any replication of this server and its own binlog, ready to take
// a source's dump: STOP SLAVE, RESET SLAVE ALL, RESET MASTER.
std::string reset_for_restore_sql();
// For a server just seeded from a backup at `gtid` (after
// reset_for_restore_sql): SET GLOBAL gtid_binlog_state (unless empty) and
// gtid_slave_pos to it, CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos,
// START SLAVE. Validates the source and the GTID list first.
SqlScript follow_sql(const ReplicationSource& source, const std::string& gtid);
// For a server that already holds the data (a replica re-pointed at a
// promoted one, or a demoted source): STOP SLAVE, RESET SLAVE ALL,
// gtid_slave_pos from its own gtid_current_pos, then CHANGE MASTER TO ...
// MASTER_USE_GTID=slave_pos and START SLAVE. Validates the source first.
SqlScript repoint_sql(const ReplicationSource& source);
// STOP SLAVE and RESET SLAVE ALL: no replication left configured.
std::string stop_following_sql();
// SET GLOBAL read_only = ON|OFF.
std::string read_only_sql(bool on);
// One value: @@GLOBAL.gtid_current_pos.
std::string current_gtid_query();
// One value: MASTER_GTID_WAIT(gtid, seconds), 0 when reached, -1 on timeout.
std::string gtid_wait_query(const std::string& gtid, double seconds);

}  // namespace automat::datastores::mysql
