#pragma once
// automat-manage's quota commands, written against the repository
// interfaces so they run on fakes. A tenant is named as `token create`
// names it (and, like there, a new name is created). Limits are -1
// (unlimited) or 0..2147483647; `defaults` are the [quota] section's.
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "db/repositories.h"

namespace automat::manage {

// `quota show --tenant NAME`: each resource's use and limit.
void show_quota(db::TokenRepository& tokens, db::QuotaRepository& quotas,
                const db::QuotaValues& defaults, const std::string& tenant, std::ostream& out);

// `quota set --tenant NAME [--instances N] [--ram MB] [--volumes GB]
// [--backups N]`: sets the given limits, keeps the others, then shows the
// quotas. Throws common::Error(kBadRequest) when none is given or one is
// out of range (nothing is changed then).
void set_quota(db::TokenRepository& tokens, db::QuotaRepository& quotas,
               const db::QuotaValues& defaults, const std::string& tenant,
               const std::vector<std::pair<std::string, int64_t>>& limits, std::ostream& out);

}  // namespace automat::manage
