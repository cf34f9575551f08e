#pragma once
// See fake_repository_base.h for how the fakes behave. Whether an instance is
// live (and whose) is the linked FakeInstanceRepository's answer.
#include "db/backup_schedule_repository.h"
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeBackupScheduleRepository : public db::BackupScheduleRepository, public FakeBase {
 public:
  std::map<std::string, db::BackupSchedule> schedules;  // by instance id
  // Claims answered true, in order (instance id, slot).
  std::vector<std::pair<std::string, int64_t>> claims;

  explicit FakeBackupScheduleRepository(FakeInstanceRepository& instances) : instances_(instances) {
    time = instances.time;
  }

  bool put(const db::BackupSchedule& s) override {
    if (!live_of(s.tenant_id, s.instance_id)) return false;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const std::string now = iso8601(time->now());
    db::BackupSchedule row = s;
    auto it = schedules.find(s.instance_id);
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
    schedules[s.instance_id] = row;
    return true;
  }

  std::optional<db::BackupSchedule> find(const std::string& tenant_id,
                                         const std::string& instance_id) override {
    if (!live_of(tenant_id, instance_id)) return std::nullopt;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = schedules.find(instance_id);
    if (it == schedules.end()) return std::nullopt;
    return it->second;
  }

  bool remove(const std::string& tenant_id, const std::string& instance_id) override {
    if (!live_of(tenant_id, instance_id)) return false;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    return schedules.erase(instance_id) > 0;
  }

  std::vector<db::BackupSchedule> list_live() override {
    std::vector<db::BackupSchedule> all;
    {
      std::lock_guard<std::mutex> l(mu);
      check_available();
      for (const auto& [id, s] : schedules) all.push_back(s);
    }
    std::erase_if(all,
                  [&](const db::BackupSchedule& s) { return !instances_.find_any(s.instance_id); });
    return all;
  }

  bool claim_slot(const db::BackupSchedule& as_read, int64_t slot) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = schedules.find(as_read.instance_id);
    if (it == schedules.end() || !it->second.same_rule(as_read)) return false;
    if (it->second.last_slot && *it->second.last_slot >= slot) return false;
    it->second.last_slot = slot;
    it->second.last_run = it->second.updated = iso8601(time->now());
    claims.emplace_back(as_read.instance_id, slot);
    return true;
  }

  void record_run(const std::string& instance_id, const std::optional<std::string>& backup_id,
                  const std::optional<std::string>& error) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = schedules.find(instance_id);
    if (it == schedules.end()) return;
    if (backup_id) it->second.last_backup_id = backup_id;
    it->second.last_error = error;
    it->second.updated = iso8601(time->now());
  }

 private:
  bool live_of(const std::string& tenant_id, const std::string& instance_id) {
    auto inst = instances_.find_any(instance_id);
    return inst && inst->tenant_id == tenant_id;
  }

  FakeInstanceRepository& instances_;
};

}  // namespace automat::testing
