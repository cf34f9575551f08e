#pragma once
// See fake_repository_base.h for how the fakes behave. Limits live in the
// instance fake's FakeQuotaBook (so its creates and this fake agree); usage
// is counted from the instance fake's live rows, and from the backup fake's
// when one is linked.
#include "tests/fakes/fake_backup_repository.h"
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeQuotaRepository : public db::QuotaRepository, public FakeBase {
 public:
  FakeInstanceRepository* instance_repo;
  // Whose live backups count toward `backups`; none counted when null.
  FakeBackupRepository* backup_repo = nullptr;
  // Tenants set_limits accepts; empty: any tenant exists.
  std::set<std::string> known_tenants;

  explicit FakeQuotaRepository(FakeInstanceRepository* instances) : instance_repo(instances) {}

  db::QuotaValues limits(const std::string& tenant_id, const db::QuotaValues& defaults) override {
    check_available();
    return instance_repo->quota_book->limits_of(tenant_id, defaults);
  }

  db::QuotaValues in_use(const std::string& tenant_id) override {
    check_available();
    db::QuotaValues used;
    {
      std::lock_guard<std::mutex> l(instance_repo->mu);
      used = instance_repo->usage_locked(tenant_id);
    }
    if (backup_repo) used.backups = backup_repo->backups_in_use(tenant_id);
    return used;
  }

  void set_limits(const std::string& tenant_id,
                  const std::vector<std::pair<std::string, int64_t>>& limits) override {
    check_available();
    for (const auto& [resource, limit] : limits) {
      if (!db::is_quota_resource(resource)) {
        throw common::bad_request("unknown quota resource '" + resource + "'");
      }
      if (limit < -1 || limit > db::kMaxQuotaLimit) {
        throw common::bad_request("the limit of " + resource +
                                  " must be -1 (unlimited) or between 0 and " +
                                  std::to_string(db::kMaxQuotaLimit));
      }
    }
    if (!known_tenants.empty() && !known_tenants.count(tenant_id)) {
      throw common::not_found("tenant " + tenant_id + " was not found");
    }
    FakeQuotaBook& book = *instance_repo->quota_book;
    std::lock_guard<std::mutex> l(book.mu);
    for (const auto& [resource, limit] : limits) book.limits[tenant_id][resource] = limit;
  }
};

}  // namespace automat::testing
