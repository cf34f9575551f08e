#pragma once
// Where one MySQL instance keeps its files: <instance_dir>/mysql/.
#include <string>

namespace automat::datastores::mysql {

struct MysqlLayout {
  std::string root;        // <instance_dir>/mysql, owned by the mysql user
  std::string data_dir;    // datadir
  std::string socket;      // mysqld.sock (root connects here)
  std::string pid_file;    // mariadbd.pid
  std::string error_log;   // mariadbd.err
  std::string config;      // my.cnf
  std::string state_file;  // the guest's own record (see guest_mysql_state.h)

  static MysqlLayout under(const std::string& instance_dir) {
    MysqlLayout l;
    l.root = instance_dir + (instance_dir.ends_with('/') ? "" : "/") + "mysql";
    l.data_dir = l.root + "/data";
    l.socket = l.root + "/mysqld.sock";
    l.pid_file = l.root + "/mariadbd.pid";
    l.error_log = l.root + "/mariadbd.err";
    l.config = l.root + "/my.cnf";
    l.state_file = l.root + "/state";
    return l;
  }
};

}  // namespace automat::datastores::mysql
