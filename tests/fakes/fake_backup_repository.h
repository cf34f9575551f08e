#pragma once
// See fake_repository_base.h for how the fakes behave. The backups' instance
// tasks, operations, datastore names and quota limits live in the fakes it
// is linked to. Lock order: this fake, then the instance or cluster fake.
#include "db/backup_repository.h"
#include "tests/fakes/fake_catalog_repository.h"
#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_operation_repository.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeBackupRepository : public db::BackupRepository, public FakeBase {
 public:
  std::map<std::string, db::Backup> backups;  // by id, deleted ones included
  std::set<std::string> deleted;

  FakeBackupRepository(FakeInstanceRepository& instances, FakeOperationRepository& operations,
                       FakeCatalogRepository& catalog)
      : instances_(instances), operations_(operations), catalog_(catalog) {
    time = operations.time;
  }

  bool create_for_instance(const db::Backup& backup, const std::string& task,
                           const std::vector<std::string>& allowed_tasks, const db::Operation& op,
                           const db::QuotaValues& quota_defaults) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (backups.count(backup.id)) throw common::conflict("backup " + backup.id + " exists");
    const std::string instance_id = backup.instance_id.value_or("");
    {
      // A busy instance answers false before the quota is looked at, as the
      // Pg repository claims the instance first.
      std::lock_guard<std::mutex> li(instances_.mu);
      const db::Instance* inst = instances_.live(instance_id);
      if (!inst || !allowed(allowed_tasks, inst->task)) return false;
    }
    charge_locked(backup.tenant_id, quota_defaults);
    if (!instances_.start_operation(instance_id, task, allowed_tasks, op)) return false;
    db::Backup row = backup;
    row.created = row.updated = iso8601(time->now());
    backups[row.id] = row;
    return true;
  }

  // Cluster backups claim the cluster's task here; set when a test needs them.
  FakeClusterRepository* clusters = nullptr;

  bool create_for_cluster(const db::Backup& backup, const std::string& task,
                          const std::vector<std::string>& allowed_tasks, const db::Operation& op,
                          const db::QuotaValues& quota_defaults) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (!clusters) throw common::internal_error("this fake keeps no clusters");
    if (backups.count(backup.id)) throw common::conflict("backup " + backup.id + " exists");
    const auto cluster = clusters->find_any(backup.cluster_id.value_or(""));
    if (!cluster || !allowed(allowed_tasks, cluster->task)) return false;
    charge_locked(backup.tenant_id, quota_defaults);
    if (!clusters->start_operation(cluster->id, task, allowed_tasks, {}, op)) return false;
    db::Backup row = backup;
    row.created = row.updated = iso8601(time->now());
    backups[row.id] = row;
    return true;
  }

  std::optional<db::Backup> find(const std::string& tenant_id, const std::string& id) override {
    auto b = find_any(id);
    if (!b || b->tenant_id != tenant_id) return std::nullopt;
    return b;
  }

  std::optional<db::Backup> find_any(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = backups.find(id);
    if (it == backups.end() || deleted.count(id)) return std::nullopt;
    return filled(it->second);
  }

  std::vector<db::Backup> list(const std::string& tenant_id,
                               const db::BackupFilter& filter) override {
    std::vector<db::Backup> out;
    {
      std::lock_guard<std::mutex> l(mu);
      check_available();
      for (const auto& [id, b] : backups) {
        if (deleted.count(id) || b.tenant_id != tenant_id) continue;
        if (filter.instance_id && b.instance_id != filter.instance_id) continue;
        if (filter.cluster_id && b.cluster_id != filter.cluster_id) continue;
        out.push_back(filled(b));
      }
    }
    if (filter.datastore) {
      std::erase_if(out,
                    [&](const db::Backup& b) { return b.datastore_name != *filter.datastore; });
    }
    std::sort(out.begin(), out.end(), [](const db::Backup& a, const db::Backup& b) {
      return std::tie(a.created, a.id) < std::tie(b.created, b.id);
    });
    return out;
  }

  std::optional<db::Backup> latest_completed(const std::string& instance_id) override {
    std::optional<db::Backup> best;
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (const auto& [id, b] : backups) {
      if (deleted.count(id) || b.instance_id != instance_id) continue;
      if (b.status != db::backup_status::kCompleted) continue;
      if (!best || std::tie(best->created, best->id) < std::tie(b.created, b.id)) best = b;
    }
    if (best) best = filled(*best);
    return best;
  }

  DeleteOutcome start_delete(const std::string& id, const db::Operation& op) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    DeleteOutcome out;
    if (!backups.count(id) || deleted.count(id)) return out;
    for (const auto& [other, b] : backups) {
      if (!deleted.count(other) && b.parent_id == id) out.dependents.children.push_back(other);
    }
    std::lock_guard<std::mutex> ol(operations_.mu);
    bool busy = false;
    for (const auto& [op_id, o] : operations_.operations) {
      const bool unfinished = o.state == "SUBMITTED" || o.state == "RUNNING";
      if (!unfinished) continue;
      const bool create = o.type == "instance.create" || o.type == "cluster.create";
      const bool in_place = o.type == "cluster.restore";
      if ((create && o.input.value("restore_backup_id", "") == id) ||
          (in_place && o.input.value("backup_id", "") == id)) {
        out.dependents.restores.push_back(o.resource_id);
      }
      if (o.type == "backup.delete" && o.resource_id == id) busy = true;
    }
    if (!out.dependents.empty() || busy) return out;
    operations_.insert_locked(op);
    out.started = true;
    return out;
  }

  void set_status(const std::string& id, const std::string& status,
                  const std::optional<std::string>& fault) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = backups.find(id);
    if (it == backups.end()) return;
    it->second.status = status;
    it->second.fault = fault;
    it->second.updated = iso8601(time->now());
  }

  void complete(const std::string& id, int64_t size, int64_t data_size,
                const nlohmann::json& facts) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = backups.find(id);
    if (it == backups.end()) return;
    it->second.status = db::backup_status::kCompleted;
    it->second.fault.reset();
    it->second.size = size;
    it->second.data_size = data_size;
    it->second.facts = facts;
    it->second.updated = iso8601(time->now());
  }

  void mark_deleted(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (backups.count(id)) deleted.insert(id);
  }

  // What the tenant's live backups use of its backups quota (db/quota.h:
  // every live row, whatever its status); FakeQuotaRepository adds it.
  int64_t backups_in_use(const std::string& tenant_id) const {
    std::lock_guard<std::mutex> l(mu);
    return in_use_locked(tenant_id);
  }

 private:
  static bool allowed(const std::vector<std::string>& allowed_tasks, const std::string& task) {
    return allowed_tasks.empty() ||
           std::find(allowed_tasks.begin(), allowed_tasks.end(), task) != allowed_tasks.end();
  }

  int64_t in_use_locked(const std::string& tenant_id) const {
    int64_t n = 0;
    for (const auto& [id, b] : backups) {
      if (!deleted.count(id) && b.tenant_id == tenant_id) ++n;
    }
    return n;
  }

  // Throws Error(kOverLimit) when the tenant has no room for one more
  // backup, as the Pg repository does; the limits are the instance fake's
  // FakeQuotaBook (which FakeQuotaRepository sets).
  void charge_locked(const std::string& tenant_id, const db::QuotaValues& quota_defaults) const {
    const db::QuotaCharge charge = db::backup_charge(quota_defaults);
    db::QuotaValues used;
    used.backups = in_use_locked(tenant_id);
    db::check_quota(instances_.quota_book->limits_of(tenant_id, charge.defaults), used,
                    charge.delta);
  }

  db::Backup filled(db::Backup b) const {
    if (auto v = catalog_.find_version_by_id(b.datastore_version_id)) {
      b.datastore_name = v->datastore_name;
      b.datastore_version_name = v->name;
    }
    return b;
  }

  FakeInstanceRepository& instances_;
  FakeOperationRepository& operations_;
  FakeCatalogRepository& catalog_;
};

}  // namespace automat::testing
