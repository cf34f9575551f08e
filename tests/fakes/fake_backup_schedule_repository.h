#pragma once
// See fake_repository_base.h for how the fakes behave. Whether an instance
// or a cluster is live (and whose) is the linked FakeInstanceRepository's or
// FakeClusterRepository's answer.
#include "db/backup_schedule_repository.h"
#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeBackupScheduleRepository : public db::BackupScheduleRepository, public FakeBase {
 public:
  std::map<db::BackupTarget, db::BackupSchedule> schedules;
  // Claims answered true, in order (target, slot).
  std::vector<std::pair<db::BackupTarget, int64_t>> claims;

  // Clusters' schedules are kept when this is set; until then no cluster is
  // live.
  FakeClusterRepository* clusters = nullptr;

  explicit FakeBackupScheduleRepository(FakeInstanceRepository& instances) : instances_(instances) {
    time = instances.time;
  }

  bool put(const db::BackupSchedule& s) override {
    if (!live_of(s.tenant_id, s.target)) return false;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const std::string now = iso8601(time->now());
    db::BackupSchedule row = s;
    auto it = schedules.find(s.target);
    if (it != schedules.end()) {
      row.last_run = it->second.last_run;
      row.last_backup_id = it->second.last_backup_id;
      row.created = it->second.created;
    } else {
      row.last_run.reset();
      row.last_backup_id.reset();
      row.created = now;
    }
    row.last_error.reset();
    row.updated = now;
    schedules[s.target] = row;
    return true;
  }

  std::optional<db::BackupSchedule> find(const std::string& tenant_id,
                                         const db::BackupTarget& target) override {
    if (!live_of(tenant_id, target)) return std::nullopt;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = schedules.find(target);
    if (it == schedules.end()) return std::nullopt;
    return it->second;
  }

  bool remove(const std::string& tenant_id, const db::BackupTarget& target) override {
    if (!live_of(tenant_id, target)) return false;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    return schedules.erase(target) > 0;
  }

  std::vector<db::BackupSchedule> list_live() override {
    std::vector<db::BackupSchedule> all;
    {
      std::lock_guard<std::mutex> l(mu);
      check_available();
      for (const auto& [target, s] : schedules) all.push_back(s);
    }
    std::erase_if(all, [&](const db::BackupSchedule& s) { return !owner_tenant(s.target); });
    return all;
  }

  bool claim_slot(const db::BackupSchedule& as_read, int64_t slot) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = schedules.find(as_read.target);
    if (it == schedules.end() || !it->second.same_rule(as_read)) return false;
    if (it->second.last_slot && *it->second.last_slot >= slot) return false;
    it->second.last_slot = slot;
    it->second.last_run = it->second.updated = iso8601(time->now());
    claims.emplace_back(as_read.target, slot);
    return true;
  }

  void record_run(const db::BackupTarget& target, const std::optional<std::string>& backup_id,
                  const std::optional<std::string>& error) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = schedules.find(target);
    if (it == schedules.end()) return;
    if (backup_id) it->second.last_backup_id = backup_id;
    it->second.last_error = error;
    it->second.updated = iso8601(time->now());
  }

 private:
  // The tenant of the live instance or cluster `target`; nullopt when it is
  // gone (or a cluster and no cluster fake is linked).
  std::optional<std::string> owner_tenant(const db::BackupTarget& target) {
    if (target.is_cluster()) {
      if (!clusters) return std::nullopt;
      auto cluster = clusters->find_any(target.id);
      return cluster ? std::optional<std::string>(cluster->tenant_id) : std::nullopt;
    }
    auto inst = instances_.find_any(target.id);
    return inst ? std::optional<std::string>(inst->tenant_id) : std::nullopt;
  }
  bool live_of(const std::string& tenant_id, const db::BackupTarget& target) {
    return owner_tenant(target) == tenant_id;
  }

  FakeInstanceRepository& instances_;
};

}  // namespace automat::testing
