#pragma once
// The prepared physical copies of one MySQL instance that its replicas seed
// from, on the host all guests share: one per key, in <area>/<key>/copy,
// described by <area>/<key>/backup.json (written once the copy is complete)
// with its GTID position and its holders (the replicas still taking it). A
// batch of replicas shares a key and so one copy; the last holder to let go
// removes it. ReplicationActions serves the seed-copy job
// (MysqlGuest.StartTakeSeedCopy) and ReleaseBackup with it.
// Not thread-safe: the caller runs one call at a time per instance.
#include <chrono>
#include <functional>
#include <string>

#include "datastores/mysql/guest_mysql_backup.h"

namespace automat::datastores::mysql {

class SeedCopies {
 public:
  // A copy as a replica is told of it.
  struct Copy {
    std::string path;  // the prepared copy's directory
    std::string gtid;  // "" when the source had written no GTID yet
  };
  // Makes a prepared copy in `dir` (a new directory) and answers its
  // position; throws when it cannot (MysqlServer::take_copy).
  using Maker = std::function<BinlogPosition(const std::string& dir)>;

  // A held copy older than this is taken for abandoned (its seed failed
  // without releasing it): longer than the taskmanager's seed step (1 h).
  static constexpr std::chrono::hours kHeldLifetime{2};

  // `area`: <instance_dir>/backups; `instance_id` for the logs.
  SeedCopies(std::string area, std::string instance_id);

  // `key`'s copy while it is there, with `holder` ("": none) added to its
  // holders. Otherwise the copies of other keys that nobody holds, or that
  // are held for longer than kHeldLifetime, are removed, and `make` makes
  // the key's copy. Throws common::Error(kBadRequest) unless `key` is 1-64
  // of [a-z0-9-]; whatever `make` throws, and then leaves nothing of the key.
  Copy take(const std::string& key, const std::string& holder, const Maker& make);

  // `holder` is done with `key`'s copy; once nobody holds it, it is removed.
  // Idempotent: an unknown key or holder is no error. Throws kBadRequest for
  // an invalid key or an empty holder, kInternal when the copy cannot be
  // removed.
  void release(const std::string& key, const std::string& holder);

 private:
  void remove_stale(const std::string& key);

  const std::string area_;
  const std::string instance_id_;
};

}  // namespace automat::datastores::mysql
