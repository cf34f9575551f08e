// The fake backup schedule repository keeps the contract the PostgreSQL one
// keeps, so unit tests over it mean something.
#include <gtest/gtest.h>

#include "db/new_operation.h"
#include "tests/fakes/fake_backup_schedule_repository.h"
#include "tests/support/backup_schedule_contract.h"

namespace automat::testing {
namespace {

TEST(FakeBackupScheduleRepository, KeepsTheBackupScheduleRepositoryContract) {
  FakeOperationRepository operations;
  FakeInstanceRepository instances(&operations);
  FakeClusterRepository clusters(&instances, &operations);
  FakeBackupScheduleRepository schedules(instances);
  schedules.clusters = &clusters;
  BackupScheduleContractWorld w;
  w.schedules = &schedules;
  w.instances = &instances;
  w.clusters = &clusters;
  w.tenant_id = "tenant-a";
  w.other_tenant_id = "tenant-b";
  for (std::string* id : {&w.instance_a, &w.instance_b}) {
    db::Instance i;
    i.id = common::crypto::uuid4();
    i.tenant_id = w.tenant_id;
    i.name = "db";
    i.flavor_id = "1";
    i.volume_size_gb = 1;
    i.datastore_version_id = "v1";
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = w.tenant_id;
    op.type = "instance.create";
    op.resource_type = "instance";
    op.resource_id = i.id;
    instances.create_with_operation(i, op);
    *id = i.id;
  }
  db::Cluster c;
  c.id = common::crypto::uuid4();
  c.tenant_id = w.tenant_id;
  c.name = "ring";
  c.datastore_version_id = "v1";
  clusters.create_with_operation(c,
                                 db::new_operation(c.tenant_id, "cluster.create", "cluster", c.id));
  w.cluster = c.id;
  check_backup_schedule_contract(w);
}

TEST(BackupScheduleSlots, IntervalSlotsAlignToTheEpochAndDailySlotsToTheDailyTime) {
  db::BackupSchedule every_6h;
  every_6h.interval_seconds = 6 * 3600;
  EXPECT_EQ(every_6h.slot_at(0), 0);
  EXPECT_EQ(every_6h.slot_at(6 * 3600 - 1), 0);
  EXPECT_EQ(every_6h.slot_at(6 * 3600), 1);
  EXPECT_EQ(every_6h.slot_start(3), 18 * 3600);

  db::BackupSchedule daily_0230;
  daily_0230.daily_minute = 2 * 60 + 30;
  const int64_t day = 20000 * int64_t{86400};
  EXPECT_EQ(daily_0230.slot_at(day + 2 * 3600 + 29 * 60), 19999);  // 02:29: yesterday's
  EXPECT_EQ(daily_0230.slot_at(day + 2 * 3600 + 30 * 60), 20000);  // 02:30: today's
  EXPECT_EQ(daily_0230.slot_at(day + 23 * 3600), 20000);
  EXPECT_EQ(daily_0230.slot_start(20001), day + 86400 + 9000);
}

}  // namespace
}  // namespace automat::testing
