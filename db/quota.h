#pragma once
// Per-tenant quotas, as Trove keeps them: a hard limit per resource (-1 is
// unlimited), what a tenant's live resources use, and the rule a create
// obeys before it writes. Pure values and rules; the repositories apply the
// rule inside the create's own transaction, under the tenant's quota row
// lock (db/repositories.h), so concurrent creates cannot overshoot.
//
// What counts: every live instance row of the tenant -- standalone
// instances, replicas and each node of a cluster -- is one instance, its
// volume size counts toward volumes (GB) and its flavor's RAM toward ram
// (MB). A node that replaces a dead one is not charged (it stands in for a
// node already counted).
//
// Every live (not deleted) backup row of the tenant counts as one backup,
// whatever its status, as in Trove: instance and cluster backups, NEW and
// BUILDING ones, COMPLETED ones, DELETE_FAILED ones (their objects may
// remain) and FAILED ones too. A FAILED backup holds no objects, but it is
// listed in GET /backups until the tenant deletes it, so usage is exactly
// what the tenant sees there, and a schedule that keeps failing cannot grow
// its rows without bound. A backup whose delete is running counts until the
// delete has removed it. So a backup schedule needs room for one more backup
// than its retention while it makes the next one.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"

namespace automat::db {

// One amount per quota resource: limits (-1 = unlimited), usage or a delta.
struct QuotaValues {
  int64_t instances = 0;
  int64_t ram = 0;      // MB of flavor RAM
  int64_t volumes = 0;  // GB of volumes
  int64_t backups = 0;

  bool operator==(const QuotaValues&) const = default;
};

// The resource names, as the API and the config spell them, in Trove's
// order: instances, ram, volumes, backups.
const std::vector<std::string>& quota_resources();
// Whether `name` is one of quota_resources().
bool is_quota_resource(const std::string& name);
// The amount of `resource`; throws common::Error(kBadRequest) naming the
// known resources when it is not one.
int64_t quota_value(const QuotaValues& values, const std::string& resource);
int64_t& quota_value(QuotaValues& values, const std::string& resource);

// Trove's defaults: 10 instances, unlimited RAM, 40 GB of volumes, 50 backups.
QuotaValues default_quota_limits();

// The [quota] section: instances, ram, volumes, backups (each >= -1),
// falling back to default_quota_limits(). Throws common::Error(kBadRequest)
// naming the option when a value is out of range.
QuotaValues load_quota_limits(const common::Config& config);

// The highest limit a tenant may be given (fits PostgreSQL's integer).
inline constexpr int64_t kMaxQuotaLimit = 2147483647;

// What a create adds, and the limits of a tenant that has none of its own.
struct QuotaCharge {
  QuotaValues delta;
  QuotaValues defaults = default_quota_limits();
  // Nothing to check: no resource grows.
  bool empty() const;
};

// What a new backup -- of an instance or of a whole cluster -- charges its
// tenant: one backup, against `defaults` when the tenant has no limit of
// its own.
QuotaCharge backup_charge(const QuotaValues& defaults);

// One resource's line in GET /mgmt/quotas/{tenant}: Trove's
// {"resource", "in_use", "reserved", "limit"}. reserved is always 0 here:
// a create is checked and written in one transaction, nothing is held.
struct QuotaUsage {
  std::string resource;
  int64_t in_use = 0;
  int64_t reserved = 0;
  int64_t limit = 0;
};
std::vector<QuotaUsage> quota_usages(const QuotaValues& limits, const QuotaValues& in_use);

// The 413 message when adding `delta` to `in_use` passes a limit, naming
// each resource over and by how much; nullopt when everything fits.
std::optional<std::string> quota_overrun(const QuotaValues& limits, const QuotaValues& in_use,
                                         const QuotaValues& delta);
// Throws common::Error(kOverLimit) with quota_overrun's message.
void check_quota(const QuotaValues& limits, const QuotaValues& in_use, const QuotaValues& delta);

}  // namespace automat::db
