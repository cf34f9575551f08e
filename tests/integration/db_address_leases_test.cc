// PgAddressLeaseRepository keeps db/repositories.h's promises
// (tests/support/address_lease_repository_contract.h, which the fake passes
// too): lowest free host address, stable per instance, unique under
// concurrency, reusable once released.
#include <gtest/gtest.h>

#include "tests/integration/db_seed.h"
#include "tests/support/address_lease_repository_contract.h"

namespace automat::testing {
namespace {

TEST(DbAddressLeases, KeepsTheAddressLeaseRepositoryContract) {
  auto& db = PgTestDb::get();
  db::PgAddressLeaseRepository leases(db.pool());
  AddressLeaseContractWorld w;
  w.leases = &leases;
  w.backdate = [&](const std::string& instance_id, std::chrono::seconds age) {
    db.query("UPDATE address_leases SET created = created - make_interval(secs => " +
             std::to_string(age.count()) + ") WHERE instance_id = '" + instance_id + "'");
  };
  check_address_lease_repository_contract(w);
}

}  // namespace
}  // namespace automat::testing
