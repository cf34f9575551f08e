#pragma once
// What a create or a resize charges the tenant's quotas (db/quota.h): a
// volume resize charges its growth in volumes, a flavor resize the RAM it
// gains; each new instance
// -- standalone, replica or cluster node -- is one instance, its volume and
// its flavor's RAM. The repositories check the charge in the create's own
// transaction and answer 413 overLimit when it does not fit.
#include <cstdint>
#include <string>

#include "api/services.h"
#include "db/quota.h"

namespace automat::api {

// `count` instances of `volume_gb` each on a flavor of `ram_mb`, against the
// configured defaults.
db::QuotaCharge instances_charge(const ApiServices& services, int64_t count, int64_t volume_gb,
                                 int64_t ram_mb);

// Growing existing volumes by `growth_gb` in all: volumes only, against the
// configured defaults (no instance is added).
db::QuotaCharge volumes_charge(const ApiServices& services, int64_t growth_gb);

// A flavor resize gaining `growth_mb` of RAM (nothing when it loses RAM):
// RAM only, against the configured defaults.
db::QuotaCharge ram_charge(const ApiServices& services, int64_t growth_mb);

// The RAM of flavor `flavor_id` in MB; 0 when it is no longer known.
int64_t flavor_ram_mb(const ApiServices& services, const std::string& flavor_id);

}  // namespace automat::api
