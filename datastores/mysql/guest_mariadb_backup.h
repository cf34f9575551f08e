#pragma once
// mariadb-backup driven for one MariaDB instance: hot backups streamed
// (mbstream, zstd) straight into the backup storage, and restores streamed
// back out of it, each through a pipeline of child processes
// (guestagent/child_pipeline.h), so a backup never lies whole on local disk
// or in memory; and prepared physical copies on local disk, from which a
// replica on the same host takes its data. MariaDbServer's stream_backup(),
// restore(), take_copy() and replace_data() are these.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "datastores/mysql/guest_mysql_backup.h"
#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "storage/backup_storage.h"

namespace automat::datastores::mysql {

class MariaDbBackupTool {
 public:
  // `binary(name)` finds a MariaDB program (mariadb-backup, mbstream).
  MariaDbBackupTool(MysqlLayout layout, std::string instance_id,
                    std::function<std::string(const std::string&)> binary);

  // MysqlServer::stream_backup. Works in <root>/backup-scratch (removed
  // before and after, whatever happens); connects as root over the socket.
  StreamedBackup stream(storage::BackupStorage& storage, const std::string& key,
                        const std::string& from_lsn, const BackupProgress& progress) const;

  // MysqlServer::restore, into the (empty) data dir, owned by mysql
  // afterwards. Works in <root>/restore (removed whatever happens).
  void restore(storage::BackupStorage& storage,
               const std::vector<proto::mysql::RestoreLink>& chain) const;

  // MysqlServer::take_copy: mariadb-backup --backup into `dir` (created,
  // 0700; it must not exist), then --prepare. `dir` is removed on failure.
  BinlogPosition copy(const std::string& dir) const;

  // MysqlServer::replace_data: mariadb-backup --copy-back of the prepared
  // copy `dir` into the emptied data dir (mariadbd must be stopped), owned
  // by mysql afterwards; `dir` is only read.
  void copy_back(const std::string& dir) const;

 private:
  // Reads link `n`'s manifest and streams its data into <work>/<n>.
  // Returns its facts; `previous_to_lsn` ("" for the first) must be its
  // from_lsn.
  proto::mysql::BackupFacts extract(storage::BackupStorage& storage,
                                    const proto::mysql::RestoreLink& link, size_t n,
                                    const std::string& work,
                                    const std::string& previous_to_lsn) const;
  // Empties the data dir, puts the prepared backup `dir` there by
  // `how` ("--move-back" or "--copy-back") and gives it to mysql; on
  // failure the data dir is left empty.
  void install_prepared(const std::string& dir, const std::string& how) const;
  void run(const std::vector<std::string>& argv, const std::string& what,
           std::chrono::milliseconds timeout) const;

  const MysqlLayout layout_;
  const std::string instance_id_;
  const std::function<std::string(const std::string&)> binary_;
};

// Bytes of the regular files under `dir` (0 when it cannot be read).
uint64_t directory_size(const std::string& dir);

}  // namespace automat::datastores::mysql
