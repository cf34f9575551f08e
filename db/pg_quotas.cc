#include "common/error.h"
#include "db/pg_quota_repository.h"
#include "db/pg_quota_rows.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

// The limits of the quotas row `r` (columns in quota_resources() order);
// a NULL column is the default.
QuotaValues limits_from(const pqxx::row& r, const QuotaValues& defaults) {
  QuotaValues out = defaults;
  const auto& names = quota_resources();
  for (size_t k = 0; k < names.size(); ++k) {
    if (!r[static_cast<int>(k)].is_null())
      quota_value(out, names[k]) = r[static_cast<int>(k)].as<int64_t>();
  }
  return out;
}

const char* kSelectLimits =
    "SELECT instances, ram, volumes, backups FROM quotas WHERE tenant_id = $1";

// Every live instance row of the tenant counts: standalone instances,
// replicas and cluster nodes; and every live backup row, whatever its status
// (db/quota.h).
QuotaValues usage_of(pqxx::transaction_base& t, const std::string& tenant_id) {
  const pqxx::row r = t.exec_params1(
      "SELECT count(*), COALESCE(sum(f.ram_mb), 0), COALESCE(sum(i.volume_size_gb), 0),"
      " (SELECT count(*) FROM backups b WHERE b.tenant_id = $1 AND NOT b.deleted)"
      " FROM instances i LEFT JOIN flavors f ON f.id = i.flavor_id"
      " WHERE i.tenant_id = $1 AND NOT i.deleted",
      tenant_id);
  QuotaValues used;
  used.instances = r[0].as<int64_t>();
  used.ram = r[1].as<int64_t>();
  used.volumes = r[2].as<int64_t>();
  used.backups = r[3].as<int64_t>();
  return used;
}

}  // namespace

void pg::charge_quota(pqxx::transaction_base& t, const std::string& tenant_id,
                      const QuotaCharge& charge) {
  if (charge.empty()) return;
  t.exec_params("INSERT INTO quotas (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING",
                tenant_id);
  const pqxx::row row = t.exec_params1(std::string(kSelectLimits) + " FOR UPDATE", tenant_id);
  // A new statement after the lock: it sees what earlier holders committed.
  check_quota(limits_from(row, charge.defaults), usage_of(t, tenant_id), charge.delta);
}

QuotaValues PgQuotaRepository::limits(const std::string& tenant_id, const QuotaValues& defaults) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    const pqxx::result r = t.exec_params(kSelectLimits, tenant_id);
    return r.empty() ? defaults : limits_from(r[0], defaults);
  });
}

QuotaValues PgQuotaRepository::in_use(const std::string& tenant_id) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return usage_of(t, tenant_id);
  });
}

void PgQuotaRepository::set_limits(const std::string& tenant_id,
                                   const std::vector<std::pair<std::string, int64_t>>& limits) {
  for (const auto& [resource, limit] : limits) {
    if (!is_quota_resource(resource)) {
      throw common::bad_request("unknown quota resource '" + resource + "'");
    }
    if (limit < -1 || limit > kMaxQuotaLimit) {
      throw common::bad_request("the limit of " + resource +
                                " must be -1 (unlimited) or between 0 and " +
                                std::to_string(kMaxQuotaLimit));
    }
  }
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    if (t.exec_params("SELECT 1 FROM tenants WHERE id = $1", tenant_id).empty()) {
      throw common::not_found("tenant " + tenant_id + " was not found");
    }
    for (const auto& [resource, limit] : limits) {
      // `resource` is one of quota_resources(): a known column name.
      t.exec_params("INSERT INTO quotas (tenant_id, " + resource +
                        ") VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET " + resource +
                        " = EXCLUDED." + resource + ", updated = now()",
                    tenant_id, limit);
    }
    t.commit();
  });
}

}  // namespace automat::db
