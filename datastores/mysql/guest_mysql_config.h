#pragma once
// my.cnf of one MariaDB instance: bound to the node's address on 3306, with
// its own socket, pid file and error log, sized for a small node.
#include <cstdint>
#include <string>

#include "datastores/mysql/guest_mysql_layout.h"

namespace automat::datastores::mysql {

inline constexpr int kMysqlPort = 3306;

struct MyCnfParams {
  std::string address;  // bind-address
  MysqlLayout layout;
  int ram_mb = 0;  // the node's memory; 0 when unknown
};

// A replication server id unique per address: the IPv4 address as a 32-bit
// number (never 0), or a hash of the text for other addresses.
uint32_t server_id_for(const std::string& address);
// InnoDB buffer pool: half the node's memory, at least 32 MB; 128 MB when
// the memory is unknown.
int buffer_pool_mb(int ram_mb);
// The whole my.cnf text ([mariadbd] and [client] groups).
std::string render_my_cnf(const MyCnfParams& params);

}  // namespace automat::datastores::mysql
