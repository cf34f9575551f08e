// PgBackupScheduleRepository against the real PostgreSQL keeps
// db/backup_schedule_repository.h's promises (two claims of one slot racing
// on two connections: one wins).
#include <gtest/gtest.h>

#include "db/new_operation.h"
#include "db/pg_backup_schedule_repository.h"
#include "db/pg_cluster_repository.h"
#include "tests/integration/db_seed.h"
#include "tests/support/backup_schedule_contract.h"

namespace automat::testing {
namespace {

TEST(PgBackupScheduleRepository, KeepsTheBackupScheduleRepositoryContract) {
  auto& db = PgTestDb::get();
  const Seed seed = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgClusterRepository clusters(db.pool());
  db::PgBackupScheduleRepository schedules(db.pool());
  BackupScheduleContractWorld w;
  w.schedules = &schedules;
  w.instances = &instances;
  w.clusters = &clusters;
  w.tenant_id = seed.tenant_id;
  w.other_tenant_id = seed.other_tenant_id;
  for (std::string* id : {&w.instance_a, &w.instance_b}) {
    db::Instance i = new_instance(seed);
    instances.create_with_operation(i, new_operation(i, "instance.create"));
    *id = i.id;
  }
  db::Cluster c;
  c.id = common::crypto::uuid4();
  c.tenant_id = seed.tenant_id;
  c.name = "ring-" + common::crypto::random_hex(3);
  c.datastore_version_id = seed.version_id;
  clusters.create_with_operation(c,
                                 db::new_operation(c.tenant_id, "cluster.create", "cluster", c.id));
  w.cluster = c.id;
  check_backup_schedule_contract(w);
}

}  // namespace
}  // namespace automat::testing
