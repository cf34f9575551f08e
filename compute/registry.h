#pragma once
// Picks the compute driver named by [compute] driver. Each driver lives in
// compute/<name>/ and is one line in registry.cc.
#include <memory>

#include "common/config.h"
#include "compute/compute_driver.h"
#include "db/repositories.h"

namespace automat::compute {

// The driver [compute] driver names ("local" by default), configured from
// `config`. `leases` hands out addresses and must outlive the driver.
// Throws common::Error(kBadRequest) for an unknown driver name.
std::unique_ptr<ComputeDriver> make_compute_driver(const common::Config& config,
                                                   db::AddressLeaseRepository& leases);

}  // namespace automat::compute
