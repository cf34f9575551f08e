// PgBackupRepository against the real PostgreSQL keeps db/backup_repository.h's
// promises.
#include <gtest/gtest.h>

#include "db/pg_backup_repository.h"
#include "db/pg_cluster_repository.h"
#include "db/pg_quota_repository.h"
#include "tests/integration/db_seed.h"
#include "tests/support/backup_repository_contract.h"

namespace automat::testing {
namespace {

TEST(PgBackupRepository, KeepsTheBackupRepositoryContract) {
  auto& db = PgTestDb::get();
  const Seed seed = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository operations(db.pool());
  db::PgBackupRepository backups(db.pool());
  BackupContractWorld w;
  w.backups = &backups;
  w.instances = &instances;
  w.operations = &operations;
  w.tenant_id = seed.tenant_id;
  w.other_tenant_id = seed.other_tenant_id;
  w.version_id = seed.version_id;
  w.datastore_name = "mysql";
  for (std::string* id : {&w.instance_a, &w.instance_b}) {
    db::Instance i = new_instance(seed);
    i.task = "NONE";
    instances.create_with_operation(i, new_operation(i, "instance.create"));
    *id = i.id;
  }
  w.advance = [] {};  // PostgreSQL's timestamps are microseconds apart
  check_backup_repository_contract(w);

  db::PgClusterRepository clusters(db.pool());
  w.clusters = &clusters;
  auto idle_cluster = [&] {
    db::Cluster c;
    c.id = common::crypto::uuid4();
    c.tenant_id = seed.tenant_id;
    c.name = "ring-" + common::crypto::random_hex(3);
    c.datastore_version_id = seed.version_id;
    c.task = "NONE";
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = seed.tenant_id;
    op.type = "cluster.create";
    op.resource_type = "cluster";
    op.resource_id = c.id;
    clusters.create_with_operation(c, op);
    return c.id;
  };
  w.cluster_id = idle_cluster();
  check_cluster_backup_contract(w);

  db::PgQuotaRepository quotas(db.pool());
  w.quotas = &quotas;
  w.cluster_id = idle_cluster();  // the first one was deleted
  check_backup_quota_contract(w);
}

}  // namespace
}  // namespace automat::testing
