#include "datastores/mysql/guest_replication_config.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;

constexpr int kBinlogRetentionSeconds = 7 * 24 * 3600;

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace

std::string conf_dir(const MysqlLayout& layout) { return layout.root + "/conf.d"; }

std::string conf_dir_include_line(const MysqlLayout& layout) {
  return "!includedir " + conf_dir(layout);
}

std::string render_replication_cnf(const MysqlLayout& l, uint32_t server_id) {
  std::ostringstream o;
  o << "# Written by automat-guestagent: GTID replication settings.\n"
    << "[mariadbd]\n"
    << "server-id = " << server_id << "\n"
    << "log-bin = " << l.data_dir << "/mysql-bin\n"
    << "log-bin-index = " << l.data_dir << "/mysql-bin.index\n"
    << "relay-log = " << l.data_dir << "/relay-bin\n"
    << "relay-log-index = " << l.data_dir << "/relay-bin.index\n"
    << "binlog-format = ROW\n"
    << "log-slave-updates = ON\n"
    << "gtid-strict-mode = ON\n"
    << "binlog-expire-logs-seconds = " << kBinlogRetentionSeconds << "\n";
  return o.str();
}

std::string render_read_only_cnf(bool read_only) {
  return std::string("# Written by automat-guestagent: replicas are read-only.\n[mariadbd]\n") +
         "read-only = " + (read_only ? "ON" : "OFF") + "\n";
}

void ensure_conf_dir_included(const MysqlLayout& layout) {
  std::error_code ec;
  fs::create_directories(conf_dir(layout), ec);
  if (ec) throw common::internal_error("cannot create " + conf_dir(layout) + ": " + ec.message());
  ::chmod(conf_dir(layout).c_str(), 0755);
  const auto existing = common::read_file(layout.config);
  if (!existing) throw common::internal_error("cannot read " + layout.config + ": it is missing");
  const std::string& text = *existing;
  const std::string line = conf_dir_include_line(layout);
  if (has_line(text, line)) return;
  common::write_file_atomically(layout.config,
                                text + (text.empty() || text.ends_with('\n') ? "" : "\n") +
                                    "# Replication settings (automat-guestagent).\n" + line + "\n",
                                0644);
}

void write_conf_file(const MysqlLayout& layout, const std::string& name, const std::string& text) {
  common::write_file_atomically(conf_dir(layout) + "/" + name, text, 0644);
}

}  // namespace automat::datastores::mysql
