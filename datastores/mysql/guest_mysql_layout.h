#pragma once
// Where one MySQL instance keeps its files: <instance_dir>/mysql/.
#include <string>

#include "common/crypto.h"

namespace automat::datastores::mysql {

struct MysqlLayout {
  static constexpr size_t kMaxSocketPath = 100;

  std::string root;        // <instance_dir>/mysql, owned by the mysql user
  std::string data_dir;    // datadir
  std::string tmp_dir;     // tmpdir: the server's own, never the shared /tmp
  std::string socket;      // mysqld.sock (root connects here)
  std::string socket_dir;  // the socket's directory: root, or a short one under /run
  std::string pid_file;    // mariadbd.pid
  std::string error_log;   // mariadbd.err
  std::string config;      // my.cnf
  std::string state_file;  // the guest's own record (see guest_mysql_state.h)

  static MysqlLayout under(const std::string& instance_dir) {
    MysqlLayout l;
    l.root = instance_dir + (instance_dir.ends_with('/') ? "" : "/") + "mysql";
    l.data_dir = l.root + "/data";
    l.tmp_dir = l.root + "/tmp";
    l.socket_dir = l.root;
    l.socket = l.root + "/mysqld.sock";
    // A unix socket path holds at most 107 bytes; a deep state dir moves the
    // socket to a short per-instance directory under /run instead of failing.
    if (l.socket.size() > kMaxSocketPath) {
      l.socket_dir = "/run/automat/" + common::crypto::sha256_hex(l.root).substr(0, 16);
      l.socket = l.socket_dir + "/mysqld.sock";
    }
    l.pid_file = l.root + "/mariadbd.pid";
    l.error_log = l.root + "/mariadbd.err";
    l.config = l.root + "/my.cnf";
    l.state_file = l.root + "/state";
    return l;
  }
};

}  // namespace automat::datastores::mysql
