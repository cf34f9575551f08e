#pragma once
// The promises of db::BackupScheduleRepository
// (db/backup_schedule_repository.h), checked on any implementation: the
// PostgreSQL one (db_backup_schedules_integration_test) and the fake
// (db_backup_schedules_fake_test) run the same checks.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "db/backup_schedule_repository.h"
#include "db/repositories.h"

namespace automat::testing {

struct BackupScheduleContractWorld {
  db::BackupScheduleRepository* schedules = nullptr;
  db::InstanceRepository* instances = nullptr;
  db::ClusterRepository* clusters = nullptr;
  std::string tenant_id;
  std::string other_tenant_id;
  // Two live instances of tenant_id.
  std::string instance_a;
  std::string instance_b;
  // A live cluster of tenant_id.
  std::string cluster;
};

inline db::BackupSchedule schedule_contract_row(const BackupScheduleContractWorld& w,
                                                const db::BackupTarget& target) {
  db::BackupSchedule s;
  s.target = target;
  s.tenant_id = w.tenant_id;
  s.interval_seconds = 6 * 3600;
  s.retention = 7;
  s.last_slot = 100;
  return s;
}

// Two claims of one slot racing: exactly one wins, whatever the order.
inline void check_one_claim_per_slot(db::BackupScheduleRepository& repo,
                                     const db::BackupSchedule& as_read, int64_t slot) {
  std::atomic<int> won{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 2; ++i) {
    racers.emplace_back([&] { won += repo.claim_slot(as_read, slot) ? 1 : 0; });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(won.load(), 1);
}

// A cluster's schedule keeps the same promises as an instance's, beside
// it: its own slots and runs, one per cluster, gone with the cluster.
inline void check_cluster_backup_schedules(BackupScheduleContractWorld& w) {
  db::BackupScheduleRepository& repo = *w.schedules;
  const auto instance = db::BackupTarget::instance(w.instance_a);
  const auto cluster = db::BackupTarget::cluster(w.cluster);
  ASSERT_TRUE(repo.put(schedule_contract_row(w, instance)));

  // Set only on the tenant's own live cluster; read back whole.
  db::BackupSchedule c = schedule_contract_row(w, cluster);
  c.interval_seconds = 12 * 3600;
  c.retention = 4;
  ASSERT_TRUE(repo.put(c));
  db::BackupSchedule foreign = c;
  foreign.tenant_id = w.other_tenant_id;
  EXPECT_FALSE(repo.put(foreign));
  EXPECT_FALSE(repo.find(w.other_tenant_id, cluster));
  EXPECT_FALSE(repo.remove(w.other_tenant_id, cluster));
  auto got = repo.find(w.tenant_id, cluster);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->target, cluster);
  EXPECT_EQ(got->tenant_id, w.tenant_id);
  EXPECT_EQ(got->interval_seconds, std::optional<int64_t>(43200));
  EXPECT_EQ(got->retention, 4);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(100));
  EXPECT_FALSE(got->created.empty());
  // An id names a schedule only with its kind.
  EXPECT_FALSE(repo.find(w.tenant_id, db::BackupTarget::instance(w.cluster)));
  EXPECT_FALSE(repo.find(w.tenant_id, db::BackupTarget::cluster(w.instance_a)));
  EXPECT_FALSE(repo.put(schedule_contract_row(w, db::BackupTarget::cluster(w.instance_a))));
  EXPECT_EQ(repo.find(w.tenant_id, instance)->interval_seconds, std::optional<int64_t>(21600));

  // Its slots are its own: claimed once, by one of two racers, leaving the
  // instance's schedule as it was.
  EXPECT_FALSE(repo.claim_slot(*got, 100));
  EXPECT_TRUE(repo.claim_slot(*got, 101));
  EXPECT_FALSE(repo.claim_slot(*got, 101));
  got = repo.find(w.tenant_id, cluster);
  check_one_claim_per_slot(repo, *got, 102);
  EXPECT_EQ(repo.find(w.tenant_id, cluster)->last_slot, std::optional<int64_t>(102));
  EXPECT_TRUE(repo.find(w.tenant_id, cluster)->last_run);
  EXPECT_EQ(repo.find(w.tenant_id, instance)->last_slot, std::optional<int64_t>(100));
  EXPECT_FALSE(repo.find(w.tenant_id, instance)->last_run);

  // So are its runs.
  repo.record_run(cluster, std::string("cluster-backup-1"), std::nullopt);
  repo.record_run(cluster, std::nullopt, std::string("cluster is BACKUP"));
  got = repo.find(w.tenant_id, cluster);
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("cluster-backup-1"));
  EXPECT_EQ(got->last_error, std::optional<std::string>("cluster is BACKUP"));
  EXPECT_FALSE(repo.find(w.tenant_id, instance)->last_backup_id);
  EXPECT_FALSE(repo.find(w.tenant_id, instance)->last_error);

  // One per cluster: a second put replaces the rule and keeps the history.
  db::BackupSchedule daily = c;
  daily.interval_seconds.reset();
  daily.daily_minute = 90;
  daily.last_slot = 20000;
  ASSERT_TRUE(repo.put(daily));
  got = repo.find(w.tenant_id, cluster);
  EXPECT_EQ(got->daily_minute, std::optional<int>(90));
  EXPECT_FALSE(got->interval_seconds);
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("cluster-backup-1"));
  EXPECT_FALSE(got->last_error);

  // Listed live with the instances' (those first); a deleted cluster's
  // schedule never runs again and is gone from every read.
  auto live = repo.list_live();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].target, instance);
  EXPECT_EQ(live[1].target, cluster);
  w.clusters->mark_deleted(w.cluster);
  live = repo.list_live();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].target, instance);
  EXPECT_FALSE(repo.find(w.tenant_id, cluster));
  EXPECT_FALSE(repo.remove(w.tenant_id, cluster));
  EXPECT_FALSE(repo.put(c));

  EXPECT_TRUE(repo.remove(w.tenant_id, instance));
  EXPECT_TRUE(repo.list_live().empty());
}

inline void check_backup_schedule_contract(BackupScheduleContractWorld& w) {
  db::BackupScheduleRepository& repo = *w.schedules;
  const auto instance_a = db::BackupTarget::instance(w.instance_a);
  const auto instance_b = db::BackupTarget::instance(w.instance_b);

  // Set only on the tenant's own live instance; read back whole.
  db::BackupSchedule a = schedule_contract_row(w, instance_a);
  ASSERT_TRUE(repo.put(a));
  db::BackupSchedule foreign = a;
  foreign.tenant_id = w.other_tenant_id;
  EXPECT_FALSE(repo.put(foreign));
  EXPECT_FALSE(repo.find(w.other_tenant_id, instance_a));
  EXPECT_FALSE(repo.remove(w.other_tenant_id, instance_a));
  auto got = repo.find(w.tenant_id, instance_a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->interval_seconds, std::optional<int64_t>(21600));
  EXPECT_FALSE(got->daily_minute);
  EXPECT_EQ(got->retention, 7);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(100));
  EXPECT_FALSE(got->last_run);
  EXPECT_FALSE(got->last_backup_id);
  EXPECT_FALSE(got->last_error);
  EXPECT_FALSE(got->created.empty());
  EXPECT_FALSE(repo.find(w.tenant_id, instance_b));

  // A slot is claimed once: not again, not an older one; the next one is.
  EXPECT_FALSE(repo.claim_slot(*got, 100));
  EXPECT_FALSE(repo.claim_slot(*got, 99));
  EXPECT_TRUE(repo.claim_slot(*got, 101));
  EXPECT_FALSE(repo.claim_slot(*got, 101));
  got = repo.find(w.tenant_id, instance_a);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(101));
  EXPECT_TRUE(got->last_run);
  // Two schedulers racing for the same slot: one backup.
  check_one_claim_per_slot(repo, *got, 102);
  check_one_claim_per_slot(repo, *got, 103);
  EXPECT_EQ(repo.find(w.tenant_id, instance_a)->last_slot, std::optional<int64_t>(103));

  // What a slot did: a backup, then a skip that keeps the backup's id.
  repo.record_run(instance_a, std::string("backup-1"), std::nullopt);
  got = repo.find(w.tenant_id, instance_a);
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("backup-1"));
  EXPECT_FALSE(got->last_error);
  repo.record_run(instance_a, std::nullopt, std::string("instance is BACKUP"));
  got = repo.find(w.tenant_id, instance_a);
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("backup-1"));
  EXPECT_EQ(got->last_error, std::optional<std::string>("instance is BACKUP"));

  // Replaced: the new rule and slot; the history stays, the error goes. A
  // claim made against the old rule loses (its slot counts other units).
  const db::BackupSchedule old_rule = *got;
  db::BackupSchedule daily = a;
  daily.interval_seconds.reset();
  daily.daily_minute = 150;
  daily.retention = 3;
  daily.last_slot = 20000;
  ASSERT_TRUE(repo.put(daily));
  got = repo.find(w.tenant_id, instance_a);
  EXPECT_FALSE(got->interval_seconds);
  EXPECT_EQ(got->daily_minute, std::optional<int>(150));
  EXPECT_EQ(got->retention, 3);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(20000));
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("backup-1"));
  EXPECT_TRUE(got->last_run);
  EXPECT_FALSE(got->last_error);
  EXPECT_FALSE(repo.claim_slot(old_rule, 90000));
  EXPECT_EQ(repo.find(w.tenant_id, instance_a)->last_slot, std::optional<int64_t>(20000));
  EXPECT_TRUE(repo.claim_slot(*got, 20001));

  // Every live instance's schedule is listed; a deleted instance's never
  // runs again and is gone from every read.
  ASSERT_TRUE(repo.put(schedule_contract_row(w, instance_b)));
  auto live = repo.list_live();
  ASSERT_EQ(live.size(), 2u);
  w.instances->mark_deleted(w.instance_b);
  live = repo.list_live();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].target, instance_a);
  EXPECT_FALSE(repo.find(w.tenant_id, instance_b));
  EXPECT_FALSE(repo.put(schedule_contract_row(w, instance_b)));

  // Cleared once.
  EXPECT_TRUE(repo.remove(w.tenant_id, instance_a));
  EXPECT_FALSE(repo.remove(w.tenant_id, instance_a));
  EXPECT_FALSE(repo.find(w.tenant_id, instance_a));
  EXPECT_TRUE(repo.list_live().empty());

  check_cluster_backup_schedules(w);
}

}  // namespace automat::testing
