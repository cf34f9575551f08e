// PgQuotaRepository, and the quota charges of the Pg instance and cluster
// repositories, keep db/repositories.h's and db/quota.h's promises
// (tests/support/quota_repository_contract.h, which the fakes pass too):
// creates are charged under the tenant's quota row lock, so concurrent
// creates (instances, replicas, clusters) never end above a limit.
#include <gtest/gtest.h>

#include "db/pg_cluster_repository.h"
#include "db/pg_quota_repository.h"
#include "tests/integration/db_seed.h"
#include "tests/support/quota_repository_contract.h"

namespace automat::testing {
namespace {

class PgQuotaContract : public ::testing::Test {
 protected:
  PgQuotaContract() {
    const Seed s = seed_catalog(pool_);  // flavor 1: 512 MB
    w_.quotas = &quotas_;
    w_.instances = &instances_;
    w_.operations = &operations_;
    w_.clusters = &clusters_;
    w_.model = new_instance(s);
    w_.flavor_ram_mb = 512;
    w_.fresh_tenant = [this] {
      return tokens_.ensure_tenant("quota-" + common::crypto::random_hex(6));
    };
  }

  db::ConnectionPool& pool_ = PgTestDb::get().pool();
  db::PgTokenRepository tokens_{pool_};
  db::PgQuotaRepository quotas_{pool_};
  db::PgInstanceRepository instances_{pool_};
  db::PgOperationRepository operations_{pool_};
  db::PgClusterRepository clusters_{pool_};
  QuotaContractWorld w_;
};

TEST_F(PgQuotaContract, KeepsTheQuotaLimitsContract) { check_quota_limits_contract(w_); }

TEST_F(PgQuotaContract, KeepsTheQuotaUsageContract) { check_quota_usage_contract(w_); }

TEST_F(PgQuotaContract, KeepsTheQuotaChargeContract) { check_quota_charge_contract(w_); }

TEST_F(PgQuotaContract, KeepsTheSharedQuotaChargeContract) {
  check_quota_shared_charge_contract(w_);
}

}  // namespace
}  // namespace automat::testing
