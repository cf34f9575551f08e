// PgInstanceRepository keeps db/repositories.h's promises
// (tests/support/instance_repository_contract.h, which the fake passes
// too); and a deletion drops the instance's observed state.
#include <gtest/gtest.h>

#include "db/pg_cluster_repository.h"
#include "tests/integration/db_seed.h"
#include "tests/support/instance_repository_contract.h"

namespace automat::testing {
namespace {

class PgInstanceContract : public ::testing::Test {
 protected:
  PgInstanceContract() {
    const Seed s = seed_catalog(db_.pool());
    w_.instances = &instances_;
    w_.operations = &operations_;
    w_.clusters = &clusters_;
    w_.model = new_instance(s);
    w_.datastore_name = "mysql";
    w_.version_name = "10.11";
    w_.fresh_tenant = [this] {
      return tokens_.ensure_tenant("tenant-" + common::crypto::random_hex(6));
    };
    w_.insert_operation = [this](const db::Operation& op) {
      db_.query(
          "INSERT INTO operations (id, tenant_id, type, resource_type, resource_id)"
          " VALUES ('" +
          op.id + "', '" + op.tenant_id + "', '" + op.type + "', '" + op.resource_type + "', '" +
          op.resource_id + "')");
    };
  }

  PgTestDb& db_ = PgTestDb::get();
  db::PgTokenRepository tokens_{db_.pool()};
  db::PgInstanceRepository instances_{db_.pool()};
  db::PgOperationRepository operations_{db_.pool()};
  db::PgClusterRepository clusters_{db_.pool()};
  InstanceContractWorld w_;
};

TEST_F(PgInstanceContract, KeepsTheInstanceCreateContract) { check_instance_create_contract(w_); }

TEST_F(PgInstanceContract, KeepsTheInstanceStartContract) { check_instance_start_contract(w_); }

TEST_F(PgInstanceContract, KeepsTheInstanceReplicasContract) {
  check_instance_replicas_contract(w_);
}

TEST_F(PgInstanceContract, KeepsTheInstanceSettersContract) { check_instance_setters_contract(w_); }

TEST_F(PgInstanceContract, KeepsTheInstanceRecordStatesContract) {
  check_instance_record_states_contract(w_);
}

TEST_F(PgInstanceContract, AFailedCreateAndADeletionLeaveNoObservedState) {
  const db::Instance first = contract::created(w_, w_.model.tenant_id, "first");
  db::Instance second = contract::instance_of(w_, w_.model.tenant_id, "second");
  db::Operation reused = new_operation(second, "instance.create");
  reused.id = db_.query("SELECT id FROM operations WHERE resource_id = '" + first.id + "'")[0][0]
                  .as<std::string>();  // taken: the insert fails
  EXPECT_THROW(instances_.create_with_operation(second, reused), common::Error);
  const auto count = [&](const std::string& table, const std::string& column,
                         const std::string& id) {
    return db_.query("SELECT count(*) FROM " + table + " WHERE " + column + " = '" + id + "'")[0][0]
        .as<int>();
  };
  EXPECT_EQ(count("instances", "id", second.id), 0);
  EXPECT_EQ(count("service_statuses", "instance_id", second.id), 0);

  EXPECT_EQ(count("service_statuses", "instance_id", first.id), 1);
  instances_.mark_deleted(first.id);
  EXPECT_EQ(count("service_statuses", "instance_id", first.id), 0) << "observed state dropped";
  EXPECT_EQ(count("instances", "id", first.id), 1) << "the row stays, marked deleted";
}

}  // namespace
}  // namespace automat::testing
