#pragma once
// The promises of db::BackupRepository (db/backup_repository.h), checked on
// any implementation: the PostgreSQL one (db_backups_integration_test) and
// the fake (db_backups_fake_test) run the same checks, the backups quota
// included.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/crypto.h"
#include "common/error.h"
#include "db/backup_repository.h"
#include "db/repositories.h"

namespace automat::testing {

struct BackupContractWorld {
  db::BackupRepository* backups = nullptr;
  db::InstanceRepository* instances = nullptr;
  db::OperationRepository* operations = nullptr;
  std::string tenant_id;
  std::string other_tenant_id;
  std::string version_id;
  std::string datastore_name;  // the version's datastore ("mysql")
  // Two live instances of tenant_id, task NONE.
  std::string instance_a;
  std::string instance_b;
  // Moves the repository's clock on, so the next rows are strictly newer.
  std::function<void()> advance;
  // For cluster backups: the cluster repository the backups share, and a
  // live cluster of tenant_id with task NONE.
  db::ClusterRepository* clusters = nullptr;
  std::string cluster_id;
  // For the backups quota: the quota repository the backups share (its
  // in_use counts them, its set_limits binds their creates).
  db::QuotaRepository* quotas = nullptr;
};

inline db::Operation backup_contract_op(const BackupContractWorld& w, const std::string& type,
                                        const std::string& resource_type,
                                        const std::string& resource_id) {
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = w.tenant_id;
  op.type = type;
  op.resource_type = resource_type;
  op.resource_id = resource_id;
  return op;
}

inline db::Backup backup_contract_row(const BackupContractWorld& w, const std::string& instance,
                                      std::optional<std::string> parent = {}) {
  db::Backup b;
  b.id = common::crypto::uuid4();
  b.tenant_id = w.tenant_id;
  b.name = "nightly";
  b.description = "d";
  b.instance_id = instance;
  b.parent_id = std::move(parent);
  b.datastore_version_id = w.version_id;
  b.location = "backups/" + b.id + "/";
  return b;
}

inline void check_backup_repository_contract(BackupContractWorld& w) {
  db::BackupRepository& repo = *w.backups;
  auto start = [&](const std::string& instance, std::optional<std::string> parent = {},
                   bool scheduled = false) {
    db::Backup b = backup_contract_row(w, instance, std::move(parent));
    b.scheduled = scheduled;
    db::Operation op = backup_contract_op(w, "backup.create", "backup", b.id);
    b.operation_id = op.id;
    EXPECT_TRUE(repo.create_for_instance(b, "BACKUP", {"NONE"}, op, db::default_quota_limits()));
    w.instances->set_task(instance, "NONE");
    w.operations->finish(op.id, "", "COMPLETED", {}, "done");
    w.advance();
    return b.id;
  };

  // Created with its operation, the instance busy; a busy instance takes none.
  db::Backup first = backup_contract_row(w, w.instance_a);
  db::Operation op = backup_contract_op(w, "backup.create", "backup", first.id);
  first.operation_id = op.id;
  ASSERT_TRUE(repo.create_for_instance(first, "BACKUP", {"NONE"}, op, db::default_quota_limits()));
  EXPECT_EQ(w.instances->find_any(w.instance_a)->task, "BACKUP");
  ASSERT_TRUE(w.operations->find_any(op.id));
  db::Backup second = backup_contract_row(w, w.instance_a);
  db::Operation op2 = backup_contract_op(w, "backup.create", "backup", second.id);
  second.operation_id = op2.id;
  EXPECT_FALSE(
      repo.create_for_instance(second, "BACKUP", {"NONE"}, op2, db::default_quota_limits()));
  EXPECT_FALSE(repo.find_any(second.id));
  EXPECT_FALSE(w.operations->find_any(op2.id));

  // Read back whole, scoped to its tenant.
  auto got = repo.find(w.tenant_id, first.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "NEW");
  EXPECT_EQ(got->name, "nightly");
  EXPECT_EQ(got->description, "d");
  EXPECT_EQ(got->instance_id, w.instance_a);
  EXPECT_FALSE(got->parent_id);
  EXPECT_FALSE(got->cluster_id);
  EXPECT_EQ(got->location, first.location);
  EXPECT_EQ(got->operation_id, op.id);
  EXPECT_EQ(got->datastore_name, w.datastore_name);
  EXPECT_FALSE(got->created.empty());
  EXPECT_FALSE(repo.find(w.other_tenant_id, first.id));
  EXPECT_TRUE(repo.find_any(first.id));

  // Status, then COMPLETED with the manifest's facts.
  repo.set_status(first.id, "BUILDING", std::nullopt);
  EXPECT_EQ(repo.find_any(first.id)->status, "BUILDING");
  EXPECT_FALSE(repo.latest_completed(w.instance_a));
  repo.complete(first.id, 4096, 1 << 20, nlohmann::json{{"to_lsn", "77"}});
  got = repo.find_any(first.id);
  EXPECT_EQ(got->status, "COMPLETED");
  EXPECT_EQ(got->size, 4096);
  EXPECT_EQ(got->data_size, 1 << 20);
  EXPECT_EQ(got->facts, (nlohmann::json{{"to_lsn", "77"}}));
  repo.set_status(first.id, "COMPLETED", std::string("kept"));
  EXPECT_EQ(repo.find_any(first.id)->fault, std::optional<std::string>("kept"));
  repo.set_status(first.id, "COMPLETED", std::nullopt);
  w.instances->set_task(w.instance_a, "NONE");
  w.operations->finish(op.id, "", "COMPLETED", {}, "done");
  w.advance();

  // The newest COMPLETED one is the next incremental's parent.
  const std::string child = start(w.instance_a, first.id);
  repo.complete(child, 10, 1 << 20, nlohmann::json::object());
  const std::string of_b = start(w.instance_b, {}, true);  // by its schedule
  EXPECT_EQ(repo.latest_completed(w.instance_a)->id, child);
  EXPECT_FALSE(repo.latest_completed(w.instance_b));  // NEW only

  // Lists: oldest first, filtered, scoped.
  auto all = repo.list(w.tenant_id, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, first.id);
  EXPECT_EQ(all[1].id, child);
  EXPECT_EQ(all[2].id, of_b);
  EXPECT_FALSE(all[0].scheduled);
  EXPECT_TRUE(all[2].scheduled);
  db::BackupFilter only_b;
  only_b.instance_id = w.instance_b;
  ASSERT_EQ(repo.list(w.tenant_id, only_b).size(), 1u);
  db::BackupFilter by_store;
  by_store.datastore = w.datastore_name;
  EXPECT_EQ(repo.list(w.tenant_id, by_store).size(), 3u);
  by_store.datastore = "no-such-datastore";
  EXPECT_TRUE(repo.list(w.tenant_id, by_store).empty());
  EXPECT_TRUE(repo.list(w.other_tenant_id, {}).empty());

  // A parent cannot be deleted under its child, nor a backup being restored.
  auto blocked =
      repo.start_delete(first.id, backup_contract_op(w, "backup.delete", "backup", first.id));
  EXPECT_FALSE(blocked.started);
  EXPECT_EQ(blocked.dependents.children, std::vector<std::string>{child});
  db::Operation restoring = backup_contract_op(w, "instance.create", "instance", w.instance_b);
  restoring.input = nlohmann::json{{"restore_backup_id", child}};
  db::Backup unused = backup_contract_row(w, w.instance_b);
  w.instances->start_operation(w.instance_b, "NONE", {}, restoring);
  auto in_use = repo.start_delete(child, backup_contract_op(w, "backup.delete", "backup", child));
  EXPECT_FALSE(in_use.started);
  EXPECT_EQ(in_use.dependents.restores, std::vector<std::string>{w.instance_b});
  w.operations->finish(restoring.id, "", "COMPLETED", {}, "done");
  // A cluster's in-place restore reads it too (ClusterRestoreInput.backup_id).
  db::Operation in_place = backup_contract_op(w, "cluster.restore", "instance", w.instance_b);
  in_place.input = nlohmann::json{{"backup_id", child}, {"tables", {"ks.t"}}};
  w.instances->start_operation(w.instance_b, "NONE", {}, in_place);
  auto read = repo.start_delete(child, backup_contract_op(w, "backup.delete", "backup", child));
  EXPECT_FALSE(read.started);
  EXPECT_EQ(read.dependents.restores, std::vector<std::string>{w.instance_b});
  w.operations->finish(in_place.id, "", "COMPLETED", {}, "done");

  // Deleting: one delete operation at a time, then gone from every read.
  db::Operation del = backup_contract_op(w, "backup.delete", "backup", child);
  auto outcome = repo.start_delete(child, del);
  EXPECT_TRUE(outcome.started);
  EXPECT_TRUE(outcome.dependents.empty());
  ASSERT_TRUE(w.operations->find_any(del.id));
  db::Operation twice = backup_contract_op(w, "backup.delete", "backup", child);
  EXPECT_FALSE(repo.start_delete(child, twice).started);
  EXPECT_FALSE(w.operations->find_any(twice.id));
  repo.mark_deleted(child);
  EXPECT_FALSE(repo.find_any(child));
  EXPECT_FALSE(repo.find(w.tenant_id, child));
  EXPECT_EQ(repo.latest_completed(w.instance_a)->id, first.id);
  EXPECT_EQ(repo.list(w.tenant_id, {}).size(), 2u);
  // With its child gone the parent may go.
  EXPECT_TRUE(
      repo.start_delete(first.id, backup_contract_op(w, "backup.delete", "backup", first.id))
          .started);
  EXPECT_FALSE(
      repo.start_delete("no-such-backup", backup_contract_op(w, "backup.delete", "backup", "x"))
          .started);
  (void)unused;
}

// create_for_cluster: one backup per cluster at a time, with its
// operation, the cluster busy meanwhile; read back and listed by cluster.
inline void check_cluster_backup_contract(BackupContractWorld& w) {
  ASSERT_TRUE(w.clusters);
  db::BackupRepository& repo = *w.backups;
  auto row = [&] {
    db::Backup b = backup_contract_row(w, "");
    b.instance_id.reset();
    b.cluster_id = w.cluster_id;
    return b;
  };
  db::Backup first = row();
  db::Operation op = backup_contract_op(w, "backup.create", "backup", first.id);
  first.operation_id = op.id;
  ASSERT_TRUE(repo.create_for_cluster(first, "BACKUP", {"NONE"}, op, db::default_quota_limits()));
  EXPECT_EQ(w.clusters->find_any(w.cluster_id)->task, "BACKUP");
  EXPECT_TRUE(w.operations->find_any(op.id));

  db::Backup second = row();
  db::Operation op2 = backup_contract_op(w, "backup.create", "backup", second.id);
  second.operation_id = op2.id;
  EXPECT_FALSE(
      repo.create_for_cluster(second, "BACKUP", {"NONE"}, op2, db::default_quota_limits()));
  EXPECT_FALSE(repo.find_any(second.id));
  EXPECT_FALSE(w.operations->find_any(op2.id));

  const auto got = repo.find(w.tenant_id, first.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->cluster_id, w.cluster_id);
  EXPECT_FALSE(got->instance_id);
  EXPECT_EQ(got->status, "NEW");
  db::BackupFilter filter;
  filter.cluster_id = w.cluster_id;
  const auto listed = repo.list(w.tenant_id, filter);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, first.id);
  EXPECT_TRUE(repo.list(w.other_tenant_id, filter).empty());

  // Idle again, the cluster takes the next one; a deleted cluster none.
  w.clusters->set_task(w.cluster_id, "NONE");
  EXPECT_TRUE(repo.create_for_cluster(second, "BACKUP", {"NONE"}, op2, db::default_quota_limits()));
  w.clusters->set_task(w.cluster_id, "NONE");
  w.clusters->mark_deleted(w.cluster_id);
  db::Backup third = row();
  db::Operation op3 = backup_contract_op(w, "backup.create", "backup", third.id);
  third.operation_id = op3.id;
  EXPECT_FALSE(repo.create_for_cluster(third, "BACKUP", {"NONE"}, op3, db::default_quota_limits()));
  EXPECT_FALSE(repo.find_any(third.id));
}

// The backups quota (db/quota.h): every live backup row of the tenant
// counts, whatever its status; a create with no room left is refused with
// kOverLimit naming the quota, nothing written and the instance or cluster
// left idle; a deleted backup frees its room; a cluster backup counts as one;
// the tenant's own limit wins over the defaults, and -1 is unlimited. Needs
// w.quotas and an idle live cluster in w.cluster_id.
inline void check_backup_quota_contract(BackupContractWorld& w) {
  ASSERT_TRUE(w.quotas);
  ASSERT_TRUE(w.clusters);
  db::BackupRepository& repo = *w.backups;
  const auto npos = std::string::npos;
  const int64_t used = w.quotas->in_use(w.tenant_id).backups;
  EXPECT_EQ(used, static_cast<int64_t>(repo.list(w.tenant_id, {}).size()));
  EXPECT_EQ(w.quotas->in_use(w.other_tenant_id).backups, 0);
  w.instances->set_task(w.instance_b, "NONE");

  struct Attempt {
    db::Backup backup;
    db::Operation op;
  };
  auto attempt = [&](bool of_cluster) {
    Attempt a{backup_contract_row(w, w.instance_b), {}};
    if (of_cluster) {
      a.backup.instance_id.reset();
      a.backup.cluster_id = w.cluster_id;
    }
    a.op = backup_contract_op(w, "backup.create", "backup", a.backup.id);
    a.backup.operation_id = a.op.id;
    return a;
  };
  auto create = [&](const Attempt& a, const db::QuotaValues& defaults) {
    return a.backup.cluster_id
               ? repo.create_for_cluster(a.backup, "BACKUP", {"NONE"}, a.op, defaults)
               : repo.create_for_instance(a.backup, "BACKUP", {"NONE"}, a.op, defaults);
  };
  // The message of the refusal, once checked that nothing was written.
  auto refused = [&](const Attempt& a, const db::QuotaValues& defaults) -> std::string {
    try {
      create(a, defaults);
      ADD_FAILURE() << "a backup was created over the quota";
      return "";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kOverLimit) << e.what();
      EXPECT_FALSE(repo.find_any(a.backup.id));
      EXPECT_FALSE(w.operations->find_any(a.op.id));
      return e.what();
    }
  };
  auto idle_again = [&] {
    w.instances->set_task(w.instance_b, "NONE");
    w.clusters->set_task(w.cluster_id, "NONE");
  };

  // Room for one more under the defaults: taken, and counted.
  db::QuotaValues defaults = db::default_quota_limits();
  defaults.backups = used + 1;
  const Attempt one = attempt(false);
  ASSERT_TRUE(create(one, defaults));
  EXPECT_EQ(w.quotas->in_use(w.tenant_id).backups, used + 1);
  idle_again();

  // Full: refused, naming the quota; the instance and the cluster stay idle.
  const std::string message = refused(attempt(false), defaults);
  EXPECT_NE(message.find("backups would be " + std::to_string(used + 2)), npos) << message;
  EXPECT_NE(message.find("over the limit of " + std::to_string(used + 1)), npos) << message;
  EXPECT_EQ(w.instances->find_any(w.instance_b)->task, "NONE");
  refused(attempt(true), defaults);
  EXPECT_EQ(w.clusters->find_any(w.cluster_id)->task, "NONE");

  // A FAILED backup still counts; a deleted one frees its room, which a
  // cluster backup takes as one.
  repo.set_status(one.backup.id, "FAILED", std::string("the guest stopped"));
  refused(attempt(false), defaults);
  repo.mark_deleted(one.backup.id);
  EXPECT_EQ(w.quotas->in_use(w.tenant_id).backups, used);
  ASSERT_TRUE(create(attempt(true), defaults));
  EXPECT_EQ(w.quotas->in_use(w.tenant_id).backups, used + 1);
  EXPECT_EQ(w.clusters->find_any(w.cluster_id)->task, "BACKUP");
  idle_again();

  // The tenant's own limit wins over the defaults, both ways.
  w.quotas->set_limits(w.tenant_id, {{"backups", used + 2}});
  ASSERT_TRUE(create(attempt(false), defaults));
  idle_again();
  refused(attempt(false), db::default_quota_limits());
  w.quotas->set_limits(w.tenant_id, {{"backups", -1}});
  db::QuotaValues none = defaults;
  none.backups = 0;
  ASSERT_TRUE(create(attempt(false), none));
  idle_again();
  EXPECT_EQ(w.quotas->in_use(w.tenant_id).backups, used + 3);
  EXPECT_EQ(w.quotas->in_use(w.other_tenant_id).backups, 0);
}

}  // namespace automat::testing
