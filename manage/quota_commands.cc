#include "manage/quota_commands.h"

#include <iomanip>

#include "common/error.h"

namespace automat::manage {
namespace {

std::string limit_text(int64_t limit) { return limit < 0 ? "unlimited" : std::to_string(limit); }

std::string tenant_id_of(db::TokenRepository& tokens, const std::string& tenant) {
  if (tenant.empty()) throw common::bad_request("--tenant must not be empty");
  return tokens.ensure_tenant(tenant);
}

}  // namespace

void show_quota(db::TokenRepository& tokens, db::QuotaRepository& quotas,
                const db::QuotaValues& defaults, const std::string& tenant, std::ostream& out) {
  const std::string id = tenant_id_of(tokens, tenant);
  const auto usages = db::quota_usages(quotas.limits(id, defaults), quotas.in_use(id));
  out << "Quotas of tenant " << tenant << " (tenant_id " << id << ")\n";
  out << std::left << std::setw(12) << "RESOURCE" << std::setw(10) << "IN USE"
      << "LIMIT\n";
  for (const auto& u : usages) {
    const std::string unit = u.resource == "ram" ? " MB" : u.resource == "volumes" ? " GB" : "";
    out << std::setw(12) << u.resource << std::setw(10) << (std::to_string(u.in_use) + unit)
        << limit_text(u.limit) << (u.limit < 0 ? "" : unit) << "\n";
  }
}

void set_quota(db::TokenRepository& tokens, db::QuotaRepository& quotas,
               const db::QuotaValues& defaults, const std::string& tenant,
               const std::vector<std::pair<std::string, int64_t>>& limits, std::ostream& out) {
  if (limits.empty()) {
    throw common::bad_request("give at least one of --instances, --ram, --volumes, --backups");
  }
  for (const auto& [resource, limit] : limits) {
    if (limit < -1 || limit > db::kMaxQuotaLimit) {
      throw common::bad_request("--" + resource + " must be -1 (unlimited) or between 0 and " +
                                std::to_string(db::kMaxQuotaLimit));
    }
  }
  quotas.set_limits(tenant_id_of(tokens, tenant), limits);
  show_quota(tokens, quotas, defaults, tenant, out);
}

}  // namespace automat::manage
