#pragma once
// What a MySQL guest remembers across its own restarts, in <mysql>/state:
// whether the data dir was initialised, whether prepare ever completed, and
// whether the datastore should be running (false after a requested stop).
#include <string>

namespace automat::datastores::mysql {

struct MysqlState {
  bool installed = false;   // mariadb-install-db completed
  bool prepared = false;    // a prepare completed
  bool should_run = false;  // started and not stopped since
};

// The state stored at `path`; all false when the file does not exist.
// Throws common::Error(kInternal) when it exists but cannot be read.
MysqlState load_state(const std::string& path);
// Replaces the file at `path` atomically (write, fsync, rename).
// Throws common::Error(kInternal) on failure.
void save_state(const std::string& path, const MysqlState& state);

}  // namespace automat::datastores::mysql
