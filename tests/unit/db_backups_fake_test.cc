// The fake backup repository keeps the contract the PostgreSQL one keeps, so
// unit tests over it mean something.
#include <gtest/gtest.h>

#include "tests/fakes/fake_backup_repository.h"
#include "tests/fakes/fake_quota_repository.h"
#include "tests/support/backup_repository_contract.h"

namespace automat::testing {
namespace {

TEST(FakeBackupRepository, KeepsTheBackupRepositoryContract) {
  FakeOperationRepository operations;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances(&operations, &catalog);
  FakeBackupRepository backups(instances, operations, catalog);
  db::DatastoreVersion v;
  v.name = "10.11";
  v.manager = "mysql";
  BackupContractWorld w;
  w.backups = &backups;
  w.instances = &instances;
  w.operations = &operations;
  w.tenant_id = "tenant-a";
  w.other_tenant_id = "tenant-b";
  w.version_id = catalog.register_version("mysql", v, true);
  w.datastore_name = "mysql";
  for (std::string* id : {&w.instance_a, &w.instance_b}) {
    db::Instance i;
    i.id = common::crypto::uuid4();
    i.tenant_id = w.tenant_id;
    i.name = "db";
    i.flavor_id = "1";
    i.volume_size_gb = 1;
    i.datastore_version_id = w.version_id;
    i.task = "NONE";
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = w.tenant_id;
    op.type = "instance.create";
    op.resource_type = "instance";
    op.resource_id = i.id;
    instances.create_with_operation(i, op);
    *id = i.id;
  }
  w.advance = [&] { operations.time->advance(std::chrono::seconds(2)); };
  check_backup_repository_contract(w);

  FakeClusterRepository clusters(&instances, &operations, &catalog);
  backups.clusters = &clusters;
  w.clusters = &clusters;
  auto idle_cluster = [&] {
    db::Cluster c;
    c.id = common::crypto::uuid4();
    c.tenant_id = w.tenant_id;
    c.name = "ring";
    c.datastore_version_id = w.version_id;
    c.task = "NONE";
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = w.tenant_id;
    op.type = "cluster.create";
    op.resource_type = "cluster";
    op.resource_id = c.id;
    clusters.create_with_operation(c, op);
    return c.id;
  };
  w.cluster_id = idle_cluster();
  check_cluster_backup_contract(w);

  FakeQuotaRepository quotas(&instances);
  quotas.backup_repo = &backups;
  w.quotas = &quotas;
  w.cluster_id = idle_cluster();  // the first one was deleted
  check_backup_quota_contract(w);
}

}  // namespace
}  // namespace automat::testing
