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
  std::string tenant_id;
  std::string other_tenant_id;
  // Two live instances of tenant_id.
  std::string instance_a;
  std::string instance_b;
};

inline db::BackupSchedule schedule_contract_row(const BackupScheduleContractWorld& w,
                                                const std::string& instance) {
  db::BackupSchedule s;
  s.instance_id = instance;
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

inline void check_backup_schedule_contract(BackupScheduleContractWorld& w) {
  db::BackupScheduleRepository& repo = *w.schedules;

  // Set only on the tenant's own live instance; read back whole.
  db::BackupSchedule a = schedule_contract_row(w, w.instance_a);
  ASSERT_TRUE(repo.put(a));
  db::BackupSchedule foreign = a;
  foreign.tenant_id = w.other_tenant_id;
  EXPECT_FALSE(repo.put(foreign));
  EXPECT_FALSE(repo.find(w.other_tenant_id, w.instance_a));
  EXPECT_FALSE(repo.remove(w.other_tenant_id, w.instance_a));
  auto got = repo.find(w.tenant_id, w.instance_a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->interval_seconds, std::optional<int64_t>(21600));
  EXPECT_FALSE(got->daily_minute);
  EXPECT_EQ(got->retention, 7);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(100));
  EXPECT_FALSE(got->last_run);
  EXPECT_FALSE(got->last_backup_id);
  EXPECT_FALSE(got->last_error);
  EXPECT_FALSE(got->created.empty());
  EXPECT_FALSE(repo.find(w.tenant_id, w.instance_b));

  // A slot is claimed once: not again, not an older one; the next one is.
  EXPECT_FALSE(repo.claim_slot(*got, 100));
  EXPECT_FALSE(repo.claim_slot(*got, 99));
  EXPECT_TRUE(repo.claim_slot(*got, 101));
  EXPECT_FALSE(repo.claim_slot(*got, 101));
  got = repo.find(w.tenant_id, w.instance_a);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(101));
  EXPECT_TRUE(got->last_run);
  // Two schedulers racing for the same slot: one backup.
  check_one_claim_per_slot(repo, *got, 102);
  check_one_claim_per_slot(repo, *got, 103);
  EXPECT_EQ(repo.find(w.tenant_id, w.instance_a)->last_slot, std::optional<int64_t>(103));

  // What a slot did: a backup, then a skip that keeps the backup's id.
  repo.record_run(w.instance_a, std::string("backup-1"), std::nullopt);
  got = repo.find(w.tenant_id, w.instance_a);
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("backup-1"));
  EXPECT_FALSE(got->last_error);
  repo.record_run(w.instance_a, std::nullopt, std::string("instance is BACKUP"));
  got = repo.find(w.tenant_id, w.instance_a);
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
  got = repo.find(w.tenant_id, w.instance_a);
  EXPECT_FALSE(got->interval_seconds);
  EXPECT_EQ(got->daily_minute, std::optional<int>(150));
  EXPECT_EQ(got->retention, 3);
  EXPECT_EQ(got->last_slot, std::optional<int64_t>(20000));
  EXPECT_EQ(got->last_backup_id, std::optional<std::string>("backup-1"));
  EXPECT_TRUE(got->last_run);
  EXPECT_FALSE(got->last_error);
  EXPECT_FALSE(repo.claim_slot(old_rule, 90000));
  EXPECT_EQ(repo.find(w.tenant_id, w.instance_a)->last_slot, std::optional<int64_t>(20000));
  EXPECT_TRUE(repo.claim_slot(*got, 20001));

  // Every live instance's schedule is listed; a deleted instance's never
  // runs again and is gone from every read.
  ASSERT_TRUE(repo.put(schedule_contract_row(w, w.instance_b)));
  auto live = repo.list_live();
  ASSERT_EQ(live.size(), 2u);
  w.instances->mark_deleted(w.instance_b);
  live = repo.list_live();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].instance_id, w.instance_a);
  EXPECT_FALSE(repo.find(w.tenant_id, w.instance_b));
  EXPECT_FALSE(repo.put(schedule_contract_row(w, w.instance_b)));

  // Cleared once.
  EXPECT_TRUE(repo.remove(w.tenant_id, w.instance_a));
  EXPECT_FALSE(repo.remove(w.tenant_id, w.instance_a));
  EXPECT_FALSE(repo.find(w.tenant_id, w.instance_a));
  EXPECT_TRUE(repo.list_live().empty());
}

}  // namespace automat::testing
