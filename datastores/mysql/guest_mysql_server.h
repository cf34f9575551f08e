#pragma once
// The OS-facing half of the MySQL guest: the files, the mariadbd process and
// the root SQL connection of one instance. MysqlManager (the RPC-facing half)
// decides what to do; a MysqlServer does it. MariaDbServer drives Debian's
// MariaDB; unit tests replace it with a fake.
#include <string>
#include <vector>

#include "datastores/mysql/guest_mysql_backup.h"
#include "datastores/mysql/guest_mysql_sql.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "guestagent/node_lifecycle.h"
#include "storage/backup_storage.h"

namespace automat::datastores::mysql {

class MysqlServer {
 public:
  // kDown: no mariadbd for this data dir; kUnresponsive: mariadbd alive but
  // not answering SELECT 1 on the socket; kAnswering: alive and answering.
  using Health = guestagent::ServerHealth;

  virtual ~MysqlServer() = default;
  // Writes my.cnf for a node of `ram_mb` (creating the directories).
  virtual void configure(int ram_mb) = 0;
  // Initialises a fresh data dir (mariadb-install-db), discarding a partial
  // one. Requires configure(). Never called on a prepared instance.
  virtual void install() = 0;
  // Makes mariadbd run as a child of this agent and waits until it answers.
  // A mariadbd already answering in this agent's session is left alone; one
  // left by an earlier agent (another session) is restarted into this one.
  virtual void start() = 0;
  // Shuts mariadbd down gracefully and waits until it exited. No-op if down.
  virtual void stop() = 0;
  // Observes the process and the socket now. Safe to call from any thread,
  // also while start() or stop() run.
  virtual Health health() = 0;
  // Runs `script` as root over the socket, stopping at the first error;
  // throws common::Error(kInternal) with the client's message, secrets redacted.
  virtual void run_sql(const SqlScript& script) = 0;

  // Streams a hot backup of the answering server (it keeps running) into
  // `storage` as `key`, compressed: everything, or with `from_lsn` only the
  // pages changed since. Calls `progress` as it goes; an exception thrown
  // by `progress` abandons the backup. Throws common::Error with the tool's
  // reason; a failed call may leave a partial object under `key`, which
  // the caller removes.
  virtual StreamedBackup stream_backup(storage::BackupStorage& storage, const std::string& key,
                                       const std::string& from_lsn,
                                       const BackupProgress& progress) = 0;
  // Instead of install(): builds the data dir from `chain` (a full backup's
  // link first, then its incrementals oldest first), each read from its
  // manifest in `storage`. Requires configure(); never called on an
  // installed instance. On failure the data dir is left empty (a retry
  // starts over) and common::Error says why.
  virtual void restore(storage::BackupStorage& storage,
                       const std::vector<proto::mysql::RestoreLink>& chain) = 0;

  // A replica's seed: a prepared physical copy of the answering server (it
  // keeps running) in `dir`, a new directory, and the binlog position it
  // is consistent with. Throws common::Error with the tool's reason and
  // then leaves no `dir`.
  virtual BinlogPosition take_copy(const std::string& dir) = 0;
  // With mariadbd stopped: the data dir becomes a copy of the prepared copy
  // `dir` (of another instance on this host; only read). Throws
  // common::Error(kBadRequest) when `dir` holds no prepared copy, else with
  // the tool's reason, and then leaves the data dir empty.
  virtual void replace_data(const std::string& dir) = 0;
};

}  // namespace automat::datastores::mysql
