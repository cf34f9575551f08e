#pragma once
// MysqlServer over Debian's MariaDB: mariadb-install-db, mariadbd as a child
// of the agent (user mysql, bound to the node's address), and the mariadb /
// mariadb-admin clients as OS root over the unix socket.
#include <mutex>
#include <optional>
#include <string>

#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_mysql_server.h"
#include "guestagent/child_process.h"

namespace automat::datastores::mysql {

class MariaDbServer : public MysqlServer {
 public:
  // `image_location`: a directory whose bin/ or sbin/ holds the MariaDB
  // binaries; empty to use the OS packages (PATH, then /usr/sbin, /usr/bin).
  MariaDbServer(MysqlLayout layout, std::string address, std::string instance_id,
                std::string image_location);

  void configure(int ram_mb) override;
  void install() override;
  void start() override;
  void stop() override;
  Health health() override;
  void run_sql(const SqlScript& script) override;

 private:
  // The pid of the mariadbd serving this data dir: our child, or the one
  // named by the pid file if its command line uses our my.cnf.
  std::optional<pid_t> live_pid();
  bool exited(pid_t pid);
  bool wait_exited(pid_t pid, std::chrono::milliseconds timeout);
  void stop_pid(pid_t pid);
  void spawn();
  void wait_ready(std::chrono::milliseconds timeout);
  bool answers();
  void prepare_directories();
  std::string binary(const std::string& name) const;
  std::string error_log_tail() const;

  const MysqlLayout layout_;
  const std::string address_;
  const std::string instance_id_;
  const std::string image_location_;

  std::mutex child_mu_;  // guards child_
  guestagent::ChildProcess child_;
};

}  // namespace automat::datastores::mysql
