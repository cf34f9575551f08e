#pragma once
// MysqlServer over Debian's MariaDB: mariadb-install-db, mariadbd as a
// supervised child of the agent (user mysql, bound to the node's address),
// and the mariadb / mariadb-admin clients as OS root over the unix socket.
#include <string>

#include "datastores/mysql/guest_mariadb_backup.h"
#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_mysql_server.h"
#include "guestagent/supervised_process.h"

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
  StreamedBackup stream_backup(storage::BackupStorage& storage, const std::string& key,
                               const std::string& from_lsn,
                               const BackupProgress& progress) override;
  void restore(storage::BackupStorage& storage,
               const std::vector<proto::mysql::RestoreLink>& chain) override;
  BinlogPosition take_copy(const std::string& dir) override;
  void replace_data(const std::string& dir) override;

 private:
  // mariadb-admin shutdown (SIGTERM if it cannot be asked), then SIGTERM
  // again if it is still there after the grace.
  guestagent::SupervisedProcess::StopPlan stop_plan();
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
  // mariadbd: the pid file it writes itself, recognised by our my.cnf.
  guestagent::SupervisedProcess process_;
  const MariaDbBackupTool backups_;
};

}  // namespace automat::datastores::mysql
