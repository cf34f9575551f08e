#include "api/quota_charge.h"

namespace automat::api {

db::QuotaCharge instances_charge(const ApiServices& services, int64_t count, int64_t volume_gb,
                                 int64_t ram_mb) {
  db::QuotaCharge charge;
  charge.defaults = services.quota_defaults;
  charge.delta.instances = count;
  charge.delta.volumes = count * volume_gb;
  charge.delta.ram = count * ram_mb;
  return charge;
}

db::QuotaCharge volumes_charge(const ApiServices& services, int64_t growth_gb) {
  db::QuotaCharge charge;
  charge.defaults = services.quota_defaults;
  charge.delta.volumes = growth_gb;
  return charge;
}

db::QuotaCharge ram_charge(const ApiServices& services, int64_t growth_mb) {
  db::QuotaCharge charge;
  charge.defaults = services.quota_defaults;
  charge.delta.ram = growth_mb > 0 ? growth_mb : 0;
  return charge;
}

int64_t flavor_ram_mb(const ApiServices& services, const std::string& flavor_id) {
  const auto flavor = services.catalog->find_flavor(flavor_id);
  return flavor ? flavor->ram_mb : 0;
}

}  // namespace automat::api
