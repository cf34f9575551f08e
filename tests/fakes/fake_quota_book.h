#pragma once
// The tenants' own quota limits, shared by the fakes that charge quotas
// (FakeInstanceRepository, FakeClusterRepository) and FakeQuotaRepository,
// which sets them. A tenant absent here has the charge's defaults.
#include <map>
#include <mutex>
#include <string>

#include "db/quota.h"

namespace automat::testing {

struct FakeQuotaBook {
  mutable std::mutex mu;
  // tenant id -> resource -> limit (-1 unlimited)
  std::map<std::string, std::map<std::string, int64_t>> limits;

  db::QuotaValues limits_of(const std::string& tenant_id, const db::QuotaValues& defaults) const {
    std::lock_guard<std::mutex> l(mu);
    db::QuotaValues out = defaults;
    auto it = limits.find(tenant_id);
    if (it == limits.end()) return out;
    for (const auto& [resource, limit] : it->second) db::quota_value(out, resource) = limit;
    return out;
  }
};

}  // namespace automat::testing
