#include "datastores/mysql/guest_replication_sql.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::mysql {
namespace {

std::string account(const std::string& user) { return quote_string(user) + "@'%'"; }

// CHANGE MASTER TO the source with GTID auto-positioning, then START SLAVE.
SqlScript change_master_sql(const ReplicationSource& source) {
  validate_source(source);
  const std::string pw = quote_string(source.password);
  SqlScript s;
  s.text = "CHANGE MASTER TO MASTER_HOST = " + quote_string(source.address) +
           ", MASTER_PORT = " + std::to_string(source.port) +
           ", MASTER_USER = " + quote_string(source.user) + ", MASTER_PASSWORD = " + pw +
           ", MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 5;\n" + "START SLAVE;\n";
  s.secrets = {pw.substr(1, pw.size() - 2), source.password};
  return s;
}

}  // namespace

void validate_source(const ReplicationSource& source) {
  const bool address_ok =
      !source.address.empty() && source.address.size() <= 255 &&
      std::all_of(source.address.begin(), source.address.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-';
      });
  if (!address_ok) {
    throw common::bad_request("replication source address '" +
                              common::printable_excerpt(source.address) +
                              "' is invalid: use an IP address or a host name");
  }
  if (source.port < 1 || source.port > 65535) {
    throw common::bad_request("replication source port " + std::to_string(source.port) +
                              " is out of range 1..65535");
  }
  validate_user_name(source.user);
  validate_password(source.password);
}

SqlScript replication_user_sql(const std::string& user, const std::string& password) {
  validate_user_name(user);
  validate_password(password);
  const std::string who = account(user);
  const std::string pw = quote_string(password);
  SqlScript s;
  s.text = "CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY " + pw + ";\n" + "ALTER USER " +
           who + " IDENTIFIED BY " + pw + ";\n" + "GRANT REPLICATION SLAVE ON *.* TO " + who +
           ";\n";
  s.secrets = {pw.substr(1, pw.size() - 2), password};
  return s;
}

std::string drop_user_sql(const std::string& user) {
  validate_user_name(user);
  return "DROP USER IF EXISTS " + account(user) + ";\n";
}

std::string binlog_settings_query() {
  return "SELECT @@GLOBAL.log_bin AS log_bin, @@GLOBAL.log_slave_updates AS log_slave_updates, "
         "@@GLOBAL.binlog_format AS binlog_format, @@GLOBAL.gtid_strict_mode AS "
         "gtid_strict_mode, @@GLOBAL.server_id AS server_id;\n";
}

std::string dynamic_binlog_settings_sql(const std::string& binlog_format, bool gtid_strict_mode,
                                        uint32_t current_server_id, uint32_t wanted_server_id) {
  std::string sql;
  if (binlog_format != "ROW") sql += "SET GLOBAL binlog_format = 'ROW';\n";
  if (!gtid_strict_mode) sql += "SET GLOBAL gtid_strict_mode = ON;\n";
  if (current_server_id != wanted_server_id) {
    sql += "SET GLOBAL server_id = " + std::to_string(wanted_server_id) + ";\n";
  }
  return sql;
}

std::string reset_for_restore_sql() { return "STOP SLAVE;\nRESET SLAVE ALL;\nRESET MASTER;\n"; }

SqlScript follow_sql(const ReplicationSource& source, const std::string& gtid) {
  validate_gtid_list(gtid);
  SqlScript s = change_master_sql(source);
  std::string position;
  // The binlog starts where the backup ends, so that once promoted this
  // server can serve followers asking for exactly that position.
  if (!gtid.empty()) position = "SET GLOBAL gtid_binlog_state = " + quote_string(gtid) + ";\n";
  position += "SET GLOBAL gtid_slave_pos = " + quote_string(gtid) + ";\n";
  s.text = position + s.text;
  return s;
}

SqlScript repoint_sql(const ReplicationSource& source) {
  SqlScript s = change_master_sql(source);
  s.text =
      "STOP SLAVE;\nRESET SLAVE ALL;\n"
      "SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_current_pos;\n" +
      s.text;
  return s;
}

std::string stop_following_sql() { return "STOP SLAVE;\nRESET SLAVE ALL;\n"; }

std::string read_only_sql(bool on) {
  return std::string("SET GLOBAL read_only = ") + (on ? "ON" : "OFF") + ";\n";
}

std::string current_gtid_query() { return "SELECT @@GLOBAL.gtid_current_pos AS gtid;\n"; }

std::string gtid_wait_query(const std::string& gtid, double seconds) {
  validate_gtid_list(gtid);
  char timeout[32];
  std::snprintf(timeout, sizeof timeout, "%.3f", std::max(0.0, seconds));
  return "SELECT MASTER_GTID_WAIT(" + quote_string(gtid) + ", " + timeout + ") AS reached;\n";
}

}  // namespace automat::datastores::mysql
