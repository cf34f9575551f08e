#pragma once
// Trove's limits and quota management API:
//   GET /limits                  {"limits": [{"verb": "ABSOLUTE", "max_instances",
//                                 "max_ram", "max_volumes", "max_backups"}]}
//                                (the caller's tenant; Automat has no rate limits)
//   GET /mgmt/quotas/{tenant}    {"quotas": [{"resource", "in_use", "reserved",
//                                 "limit"}]}: the tenant itself or an admin
//   PUT /mgmt/quotas/{tenant}    {"quotas": {"instances": N, ...}} -> the limits
//                                set, {"quotas": {"instances": N}}: admin only
// A limit is -1 (unlimited) or 0..2147483647; a null limit is skipped, as
// Trove skips it. All answer 501 when the server has no quota repository.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class QuotasHandler {
 public:
  explicit QuotasHandler(const ApiServices& services) : services_(services) {}

  Response limits(const RequestContext& ctx) const;
  // 403 for a member token asking for another tenant.
  Response show(const RequestContext& ctx, const std::string& tenant_id) const;
  // 403 for a member token; 404 for an unknown tenant; 400 for an unknown
  // resource or a limit out of range (nothing is changed then).
  Response update(const RequestContext& ctx, const std::string& tenant_id) const;

 private:
  db::QuotaRepository& repository() const;

  const ApiServices& services_;
};

}  // namespace automat::api
