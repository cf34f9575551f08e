#include "api/datastore_strategy.h"

#include "common/error.h"

namespace automat::api {

void DatastoreStrategy::validate_flavor(const db::Flavor& flavor,
                                        const db::DatastoreVersion& version,
                                        const std::string& field) const {
  if (flavor.ram_mb >= version.min_ram_mb) return;
  throw common::bad_request(field + ": flavor '" + flavor.name + "' has " +
                            std::to_string(flavor.ram_mb) + " MB of RAM; " +
                            version.datastore_name + " " + version.name + " needs at least " +
                            std::to_string(version.min_ram_mb) + " MB");
}

}  // namespace automat::api
