#include "compute/registry.h"

#include "common/error.h"
#include "compute/local/local_driver.h"

namespace automat::compute {

std::unique_ptr<ComputeDriver> make_compute_driver(const common::Config& config,
                                                   db::AddressLeaseRepository& leases) {
  const std::string name = config.get("compute", "driver", "local");
  if (name == "local") {
    return std::make_unique<local::LocalDriver>(local::LocalDriverOptions::from_config(config),
                                                leases);
  }
  throw common::bad_request("[compute] driver: unknown compute driver '" + name +
                            "' (known: local)");
}

}  // namespace automat::compute
