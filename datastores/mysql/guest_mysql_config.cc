#include "datastores/mysql/guest_mysql_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <functional>
#include <sstream>

#include "datastores/mysql/guest_replication_config.h"

namespace automat::datastores::mysql {

uint32_t server_id_for(const std::string& address) {
  in_addr a{};
  uint32_t id = 0;
  if (inet_pton(AF_INET, address.c_str(), &a) == 1) {
    id = ntohl(a.s_addr);
  } else {
    id = static_cast<uint32_t>(std::hash<std::string>{}(address));
  }
  return id == 0 ? 1 : id;
}

int buffer_pool_mb(int ram_mb) {
  if (ram_mb <= 0) return 128;
  return std::max(32, ram_mb / 2);
}

std::string render_my_cnf(const MyCnfParams& p) {
  const MysqlLayout& l = p.layout;
  std::ostringstream o;
  o << "# Written by automat-guestagent; rewritten on every prepare.\n"
    << "[mariadbd]\n"
    << "user = mysql\n"
    << "datadir = " << l.data_dir << "\n"
    << "tmpdir = " << l.tmp_dir << "\n"
    << "socket = " << l.socket << "\n"
    << "pid-file = " << l.pid_file << "\n"
    << "log-error = " << l.error_log << "\n"
    << "bind-address = " << p.address << "\n"
    << "port = " << kMysqlPort << "\n"
    << "server-id = " << server_id_for(p.address) << "\n"
    << "skip-name-resolve\n"
    << "skip-external-locking\n"
    << "character-set-server = utf8mb4\n"
    << "collation-server = utf8mb4_general_ci\n"
    << "# Small footprint: many instances may share one machine.\n"
    << "innodb_buffer_pool_size = " << buffer_pool_mb(p.ram_mb) << "M\n"
    << "innodb_log_file_size = 32M\n"
    << "innodb_log_buffer_size = 8M\n"
    << "innodb_use_native_aio = 0\n"
    << "performance_schema = OFF\n"
    << "max_connections = 100\n"
    << "thread_cache_size = 4\n"
    << "table_open_cache = 256\n"
    << "table_definition_cache = 256\n"
    << "key_buffer_size = 8M\n"
    << "tmp_table_size = 16M\n"
    << "max_heap_table_size = 16M\n"
    << "\n"
    << "[client]\n"
    << "socket = " << l.socket << "\n"
    << "\n"
    << "# Replication settings (automat-guestagent), kept across prepares.\n"
    << conf_dir_include_line(l) << "\n";
  return o.str();
}

}  // namespace automat::datastores::mysql
