#pragma once
// The PostgreSQL implementation of db::QuotaRepository (repositories.h):
// limits in the quotas table (NULL = the default), usage counted from the
// live rows. Borrows connections from a ConnectionPool that must outlive it.
// Thread-safe.
#include "db/pool.h"
#include "db/repositories.h"

namespace automat::db {

class PgQuotaRepository : public QuotaRepository {
 public:
  explicit PgQuotaRepository(ConnectionPool& pool) : pool_(pool) {}
  QuotaValues limits(const std::string& tenant_id, const QuotaValues& defaults) override;
  QuotaValues in_use(const std::string& tenant_id) override;
  void set_limits(const std::string& tenant_id,
                  const std::vector<std::pair<std::string, int64_t>>& limits) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace automat::db
