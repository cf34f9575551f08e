#pragma once
// Charging a quota inside a caller's transaction; shared by the instance,
// cluster and backup repositories' create paths (db/quota.h says what
// counts).
#include <pqxx/pqxx>
#include <string>

#include "db/quota.h"

namespace automat::db::pg {

// Locks the tenant's quotas row (creating it when missing), counts what the
// tenant's live resources use in a statement run after the lock (so it sees
// every create committed before), and throws common::Error(kOverLimit)
// when adding charge.delta passes a limit. Does nothing for an empty charge.
void charge_quota(pqxx::transaction_base& t, const std::string& tenant_id,
                  const QuotaCharge& charge);

}  // namespace automat::db::pg
