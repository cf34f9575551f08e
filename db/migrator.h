#pragma once
// Applies the schema migrations (db/migrations/NNN_name.sql, embedded into
// the binary at build time) in file-name order, recording each applied
// version in schema_migrations. Idempotent; concurrent runs are serialised
// by an advisory lock, and each run is one transaction (all pending
// migrations apply, or none).
#include <string>
#include <vector>

#include "db/pool.h"

namespace automat::db {

struct Migration {
  std::string version;  // file name without ".sql", e.g. "001_initial"
  std::string sql;
};

// The migrations embedded at build time, ordered by version.
const std::vector<Migration>& embedded_migrations();

class Migrator {
 public:
  explicit Migrator(ConnectionPool& pool, std::vector<Migration> migrations = embedded_migrations())
      : pool_(pool), migrations_(std::move(migrations)) {}

  // Applies every migration not yet recorded; returns the versions applied
  // by this call (empty when the schema was already current). Throws
  // common::Error naming the failing migration.
  std::vector<std::string> sync();
  // Versions recorded as applied, in order.
  std::vector<std::string> applied();

 private:
  ConnectionPool& pool_;
  std::vector<Migration> migrations_;
};

}  // namespace automat::db
