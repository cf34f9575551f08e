#pragma once
// The replication part of a MariaDB instance's configuration, kept in files
// of its own under <mysql>/conf.d/ and pulled into my.cnf by one
// "!includedir" line, so that it survives a restart:
//   conf.d/replication.cnf  binlog + GTID settings (source and replica alike)
//   conf.d/read_only.cnf    read_only = ON|OFF
// my.cnf is rewritten by every prepare; render_my_cnf emits the line, and
// ensure_conf_dir_included() adds it to a my.cnf written without it.
#include <cstdint>
#include <string>

#include "datastores/mysql/guest_mysql_layout.h"

namespace automat::datastores::mysql {

// <layout.root>/conf.d
std::string conf_dir(const MysqlLayout& layout);
// The line that includes conf_dir() from my.cnf.
std::string conf_dir_include_line(const MysqlLayout& layout);

// [mariadbd] settings for GTID replication: server_id, log_bin and relay
// log in the data dir, binlog_format=ROW, log_slave_updates,
// gtid_strict_mode, and a week of binlog retention.
std::string render_replication_cnf(const MysqlLayout& layout, uint32_t server_id);
// [mariadbd] read_only = ON|OFF.
std::string render_read_only_cnf(bool read_only);

// Creates conf_dir() and makes my.cnf include it (appending the line when
// missing). Throws common::Error(kInternal) when my.cnf is missing or a
// file cannot be written.
void ensure_conf_dir_included(const MysqlLayout& layout);
// Replaces conf_dir()/<name> with `text` atomically (mode 0644).
// Throws common::Error(kInternal) on failure.
void write_conf_file(const MysqlLayout& layout, const std::string& name, const std::string& text);

}  // namespace automat::datastores::mysql
