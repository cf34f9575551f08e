#pragma once
// The OS-facing half of the MySQL guest: the files, the mariadbd process and
// the root SQL connection of one instance. MysqlManager (the RPC-facing half)
// decides what to do; a MysqlServer does it. MariaDbServer drives Debian's
// MariaDB; unit tests replace it with a fake.
#include "datastores/mysql/guest_mysql_sql.h"
#include "guestagent/node_lifecycle.h"

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
};

}  // namespace automat::datastores::mysql
