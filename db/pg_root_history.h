#pragma once
// The PostgreSQL implementation of db::RootHistoryRepository
// (db/root_history.h), over the root_enabled_history table. Borrows
// connections from a ConnectionPool that must outlive it. Thread-safe.
#include "db/pool.h"
#include "db/root_history.h"

namespace automat::db {

class PgRootHistory : public RootHistoryRepository {
 public:
  explicit PgRootHistory(ConnectionPool& pool) : pool_(pool) {}
  void record_enabled(const std::vector<std::string>& instance_ids) override;
  void record_disabled(const std::string& instance_id) override;
  bool is_enabled(const std::vector<std::string>& instance_ids) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace automat::db
