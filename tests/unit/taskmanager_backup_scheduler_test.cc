// BackupScheduler over fakes and a frozen clock: when a schedule is due, one
// backup per slot however many schedulers scan, a busy instance's or
// cluster's slot (or one over the backups quota) skipped with its reason,
// retention pruning only scheduled backups.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "automat/messages.pb.h"
#include "db/new_operation.h"
#include "taskmanager/backup_scheduler.h"
#include "tests/fakes/fake_backup_repository.h"
#include "tests/fakes/fake_backup_schedule_repository.h"
#include "tests/fakes/fake_broker.h"
#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using taskmanager::BackupScheduler;

// 2024-05-01T01:00:00Z: five hours before a "6h" slot begins at 06:00.
constexpr int64_t kStart = 1714525200;

// The fakes' FakeTime seen as the scheduler's common::Clock, so the rows'
// timestamps and the slots agree.
class FakeTimeClock : public common::Clock {
 public:
  explicit FakeTimeClock(std::shared_ptr<FakeTime> time) : time_(std::move(time)) {}
  std::chrono::system_clock::time_point now() const override { return time_->now(); }

 private:
  std::shared_ptr<FakeTime> time_;
};

class BackupSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    operations.time->set(std::chrono::system_clock::from_time_t(kStart));
    db::DatastoreVersion v;
    v.name = "10.11";
    v.manager = "mysql";
    version_id = catalog.register_version("mysql", v, true);
    instance = add_instance();
    backups.clusters = &clusters;
    schedules.clusters = &clusters;
  }

  std::string add_instance() {
    db::Instance in;
    in.id = common::crypto::uuid4();
    in.tenant_id = "tenant-a";
    in.name = "orders";
    in.flavor_id = "1";
    in.volume_size_gb = 2;
    in.datastore_version_id = version_id;
    in.task = common::task::kNone;
    instances.create_with_operation(
        in, db::new_operation(in.tenant_id, "instance.create", "instance", in.id));
    instances.set_service_status(in.id, common::service_status::kRunning);
    return in.id;
  }

  // A schedule set now, as PUT does it.
  void set_schedule(std::optional<int64_t> interval, std::optional<int> daily_minute,
                    int retention = 7, const std::string& of = "") {
    db::BackupSchedule s;
    s.target = db::BackupTarget::instance(of.empty() ? instance : of);
    s.tenant_id = "tenant-a";
    s.interval_seconds = interval;
    s.daily_minute = daily_minute;
    s.retention = retention;
    s.last_slot = s.slot_at(now());
    ASSERT_TRUE(schedules.put(s));
  }

  // An ACTIVE, idle three-node Cassandra cluster "ring" of tenant-a.
  std::string add_cluster() {
    db::DatastoreVersion v;
    v.name = "5.0";
    v.manager = "cassandra";
    v.enabled_cluster = true;
    cassandra_version_id = catalog.register_version("cassandra", v, true);
    db::Cluster c;
    c.id = common::crypto::uuid4();
    c.tenant_id = "tenant-a";
    c.name = "ring";
    c.datastore_version_id = cassandra_version_id;
    for (int ordinal = 1; ordinal <= 3; ++ordinal) {
      db::Node n;
      n.instance_id = common::crypto::uuid4();
      n.ordinal = ordinal;
      n.instance.name = "ring-" + std::to_string(ordinal);
      n.instance.flavor_id = "1";
      n.instance.volume_size_gb = 2;
      n.instance.datastore_version_id = cassandra_version_id;
      c.nodes.push_back(n);
    }
    clusters.create_with_operation(
        c, db::new_operation(c.tenant_id, "cluster.create", "cluster", c.id));
    clusters.set_task(c.id, common::cluster_task::kNone);
    clusters.set_status(c.id, common::cluster_status::kActive);
    return c.id;
  }

  void set_cluster_schedule(const std::string& cluster, int64_t interval, int retention = 7) {
    db::BackupSchedule s;
    s.target = db::BackupTarget::cluster(cluster);
    s.tenant_id = "tenant-a";
    s.interval_seconds = interval;
    s.retention = retention;
    s.last_slot = s.slot_at(now());
    ASSERT_TRUE(schedules.put(s));
  }
  db::BackupSchedule cluster_schedule(const std::string& cluster) {
    return *schedules.find("tenant-a", db::BackupTarget::cluster(cluster));
  }

  int64_t now() const { return common::to_unix_seconds(operations.time->now()); }
  void at(int64_t unix_seconds) {
    operations.time->set(std::chrono::system_clock::from_time_t(unix_seconds));
  }
  db::BackupSchedule schedule() {
    return *schedules.find("tenant-a", db::BackupTarget::instance(instance));
  }
  std::vector<std::string> published_ops() {
    std::vector<std::string> out;
    for (const auto& body : publisher.bodies(common::kTaskQueue)) {
      proto::TaskMessage m;
      m.ParseFromString(body);
      out.push_back(m.operation_id());
    }
    return out;
  }
  // The backup ends, the instance is idle again.
  void finish_backup(const std::string& id) {
    backups.complete(id, 10, 100, nlohmann::json::object());
    instances.set_task(instance, common::task::kNone);
    operations.finish(backups.backups.at(id).operation_id, "", "COMPLETED", {}, "done");
  }
  // A backup row of `instance` (or of `cluster`), made at `created`.
  std::string seed_backup(bool scheduled, const std::string& status, int64_t created,
                          std::optional<std::string> parent = {},
                          std::optional<std::string> cluster = {}) {
    db::Backup b;
    b.id = common::crypto::uuid4();
    b.tenant_id = "tenant-a";
    b.name = "b";
    if (cluster) {
      b.cluster_id = cluster;
    } else {
      b.instance_id = instance;
    }
    b.parent_id = std::move(parent);
    b.scheduled = scheduled;
    b.status = status;
    b.datastore_version_id = cluster ? cassandra_version_id : version_id;
    b.location = "backups/" + b.id + "/";
    b.operation_id = "op-" + b.id;
    b.created = b.updated = iso8601(std::chrono::system_clock::from_time_t(created));
    backups.backups[b.id] = b;
    return b.id;
  }

  FakeOperationRepository operations;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&operations, &catalog};
  FakeClusterRepository clusters{&instances, &operations, &catalog};
  FakeBackupRepository backups{instances, operations, catalog};
  FakeBackupScheduleRepository schedules{instances};
  FakePublisher publisher;
  FakeTimeClock clock{operations.time};
  common::StopSignal stop;
  BackupScheduler scheduler{schedules, backups,   instances,
                            clusters,  publisher, clock,
                            stop,      60s,       db::default_quota_limits()};
  std::string version_id;
  std::string cassandra_version_id;
  std::string instance;
};

TEST_F(BackupSchedulerTest, AScheduleFirstRunsWhenTheNextSlotBeginsThenOncePerSlot) {
  set_schedule(6 * 3600, std::nullopt);
  EXPECT_TRUE(scheduler.scan_once().started.empty()) << "its own slot had begun when it was set";
  at(kStart + 5 * 3600 - 1);  // 05:59:59
  EXPECT_TRUE(scheduler.scan_once().started.empty());

  at(kStart + 5 * 3600);  // 06:00, the next slot
  auto report = scheduler.scan_once();
  ASSERT_EQ(report.started.size(), 1u);
  const db::Backup b = *backups.find_any(report.started[0]);
  EXPECT_TRUE(b.scheduled);
  EXPECT_FALSE(b.parent_id) << "scheduled backups are full ones";
  EXPECT_EQ(b.name, "scheduled 2024-05-01T06:00:00Z");
  EXPECT_EQ(instances.find_any(instance)->task, common::task::kBackup);
  const auto op = operations.find_any(b.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "backup.create");
  EXPECT_EQ(op->resource_id, b.id);
  EXPECT_EQ(published_ops(), std::vector<std::string>{b.operation_id});
  EXPECT_EQ(schedule().last_backup_id, std::optional<std::string>(b.id));
  EXPECT_FALSE(schedule().last_error);

  // The same slot never runs twice, even once the instance is idle again.
  finish_backup(b.id);
  at(kStart + 11 * 3600 - 1);
  report = scheduler.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_TRUE(report.skipped.empty());
  at(kStart + 11 * 3600);  // 12:00
  EXPECT_EQ(scheduler.scan_once().started.size(), 1u);
  EXPECT_EQ(backups.list("tenant-a", {}).size(), 2u);
}

TEST_F(BackupSchedulerTest, TwoSchedulersScanningTheSameSlotStartOneBackup) {
  set_schedule(3600, std::nullopt);
  BackupScheduler other{schedules, backups,   instances,
                        clusters,  publisher, clock,
                        stop,      60s,       db::default_quota_limits()};
  at(kStart + 3600);
  const auto a = scheduler.scan_once();
  const auto b = other.scan_once();
  EXPECT_EQ(a.started.size() + b.started.size(), 1u);
  EXPECT_TRUE(b.skipped.empty()) << "the loser of a slot records nothing";
  EXPECT_EQ(backups.list("tenant-a", {}).size(), 1u);
  EXPECT_EQ(published_ops().size(), 1u);
}

TEST_F(BackupSchedulerTest, ABusyOrStoppedInstanceMissesTheSlotAndTheScheduleSaysWhy) {
  set_schedule(3600, std::nullopt);
  instances.set_task(instance, "RESIZE");
  at(kStart + 3600);
  auto report = scheduler.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_EQ(report.skipped, std::vector<std::string>{instance});
  ASSERT_TRUE(schedule().last_error);
  EXPECT_NE(schedule().last_error->find("the backup of 2024-05-01T02:00:00Z was skipped"),
            std::string::npos)
      << *schedule().last_error;
  EXPECT_NE(schedule().last_error->find("a backup needs it ACTIVE"), std::string::npos);
  EXPECT_TRUE(operations.operations.size() == 1u) << "only the instance's create";

  // Idle again within the slot: the slot stays missed.
  instances.set_task(instance, common::task::kNone);
  at(kStart + 3600 + 1800);
  report = scheduler.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_TRUE(report.skipped.empty());

  // Not running (e.g. SHUTDOWN) is skipped too.
  instances.set_service_status(instance, "SHUTDOWN");
  at(kStart + 2 * 3600);
  EXPECT_EQ(scheduler.scan_once().skipped.size(), 1u);

  // The next slot of an ACTIVE instance backs it up and clears the error.
  instances.set_service_status(instance, common::service_status::kRunning);
  at(kStart + 3 * 3600);
  EXPECT_EQ(scheduler.scan_once().started.size(), 1u);
  EXPECT_FALSE(schedule().last_error);
}

TEST_F(BackupSchedulerTest, ATenantOverItsBackupsQuotaMissesTheSlotAndTheScheduleSaysWhy) {
  db::QuotaValues room_for_two = db::default_quota_limits();
  room_for_two.backups = 2;  // [quota] backups = 2
  BackupScheduler strict{schedules, backups, instances, clusters,    publisher,
                         clock,     stop,    60s,       room_for_two};
  set_schedule(3600, std::nullopt);
  seed_backup(false, db::backup_status::kCompleted, kStart - 7200);
  const std::string failed = seed_backup(false, db::backup_status::kFailed, kStart - 3600);
  at(kStart + 3600);
  auto report = strict.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_EQ(report.skipped, std::vector<std::string>{instance});
  ASSERT_TRUE(schedule().last_error);
  const std::string why = *schedule().last_error;
  EXPECT_NE(why.find("the backup of 2024-05-01T02:00:00Z was skipped: Quota exceeded"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("backups would be 3 with this request (2 in use + 1 asked), over the limit "
                     "of 2"),
            std::string::npos)
      << why;
  EXPECT_EQ(backups.list("tenant-a", {}).size(), 2u) << "nothing created";
  EXPECT_TRUE(operations.operations.size() == 1u) << "only the instance's create";
  EXPECT_EQ(instances.find_any(instance)->task, common::task::kNone);
  EXPECT_TRUE(published_ops().empty());
  EXPECT_EQ(strict.scan_once().skipped.size(), 0u) << "the slot is missed once, not retried";

  // The tenant deletes the FAILED one: the next slot has room again.
  backups.mark_deleted(failed);
  at(kStart + 2 * 3600);
  report = strict.scan_once();
  EXPECT_EQ(report.started.size(), 1u);
  EXPECT_FALSE(schedule().last_error);

  // A tenant's own limit wins over [quota]: none left.
  finish_backup(report.started[0]);
  instances.quota_book->limits["tenant-a"]["backups"] = 1;
  at(kStart + 3 * 3600);
  EXPECT_EQ(strict.scan_once().skipped.size(), 1u);
  ASSERT_TRUE(schedule().last_error);
  EXPECT_NE(schedule().last_error->find("over the limit of 1"), std::string::npos)
      << *schedule().last_error;
}

TEST_F(BackupSchedulerTest, ADailyScheduleRunsOnceADayAtItsUtcTime) {
  set_schedule(std::nullopt, 2 * 60 + 30);  // 02:30; set at 01:00
  at(kStart + 3600 + 29 * 60);              // 02:29
  EXPECT_TRUE(scheduler.scan_once().started.empty());
  at(kStart + 3600 + 30 * 60);  // 02:30
  auto report = scheduler.scan_once();
  ASSERT_EQ(report.started.size(), 1u);
  finish_backup(report.started[0]);
  at(kStart + 23 * 3600);  // 2024-05-02 00:00
  EXPECT_TRUE(scheduler.scan_once().started.empty());
  at(kStart + 25 * 3600 + 30 * 60);  // 2024-05-02 02:30
  EXPECT_EQ(scheduler.scan_once().started.size(), 1u);
}

// Beyond the retention the oldest scheduled COMPLETED backups go, and so do
// the scheduled FAILED ones older than the newest COMPLETED; never a backup
// the tenant made by hand, nor a failure newer than every success.
TEST_F(BackupSchedulerTest, RetentionDeletesOnlyTheOldestScheduledCompletedBackupsBeyondIt) {
  set_schedule(6 * 3600, std::nullopt, 2);
  const std::string by_hand = seed_backup(false, "COMPLETED", kStart - 5000);
  const std::string oldest = seed_backup(true, "COMPLETED", kStart - 4000);
  const std::string failed = seed_backup(true, "FAILED", kStart - 3500);
  const std::string middle = seed_backup(true, "COMPLETED", kStart - 3000);
  const std::string newest = seed_backup(true, "COMPLETED", kStart - 2000);
  const std::string by_hand_new = seed_backup(false, "COMPLETED", kStart - 1000);
  const std::string failed_latest = seed_backup(true, "FAILED", kStart - 500);

  auto report = scheduler.scan_once();
  EXPECT_EQ(report.pruned, (std::vector<std::string>{oldest, failed}));
  std::map<std::string, db::Operation> deletes;  // by backup
  for (const auto& [id, op] : operations.operations) {
    if (op.type == "backup.delete") deletes[op.resource_id] = op;
  }
  ASSERT_EQ(deletes.size(), 2u);
  ASSERT_TRUE(deletes.count(oldest) && deletes.count(failed));
  EXPECT_EQ(deletes[oldest].tenant_id, "tenant-a");
  EXPECT_EQ(published_ops().size(), 2u);

  // While those deletes run, the next scan starts no other.
  report = scheduler.scan_once();
  EXPECT_TRUE(report.pruned.empty());
  EXPECT_EQ(published_ops().size(), 2u);
  (void)by_hand, (void)middle, (void)newest, (void)by_hand_new, (void)failed_latest;
}

TEST_F(BackupSchedulerTest, RetentionKeepsABackupThatAnIncrementalBackupDependsOn) {
  set_schedule(6 * 3600, std::nullopt, 1);
  const std::string base = seed_backup(true, "COMPLETED", kStart - 4000);
  seed_backup(false, "COMPLETED", kStart - 3500, base);  // the tenant's incremental on it
  const std::string newest = seed_backup(true, "COMPLETED", kStart - 3000);
  const auto report = scheduler.scan_once();
  EXPECT_TRUE(report.pruned.empty());
  EXPECT_EQ(report.kept, std::vector<std::string>{base});
  EXPECT_TRUE(backups.find_any(base));
  EXPECT_TRUE(backups.find_any(newest));
  EXPECT_TRUE(published_ops().empty());
}

TEST_F(BackupSchedulerTest, ADeletedInstancesScheduleNeverRuns) {
  set_schedule(3600, std::nullopt);
  instances.mark_deleted(instance);
  at(kStart + 3600);
  const auto report = scheduler.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_TRUE(report.skipped.empty());
  EXPECT_TRUE(schedules.claims.empty());
}

TEST_F(BackupSchedulerTest, AnUnreadableScheduleIsLeftForTheNextScan) {
  set_schedule(3600, std::nullopt);
  at(kStart + 3600);
  backups.unavailable = true;
  EXPECT_NO_THROW(scheduler.scan_once());
  backups.unavailable = false;
  EXPECT_EQ(scheduler.scan_once().started.size(), 1u) << "the slot was not taken";
}

TEST_F(BackupSchedulerTest, ADueClusterScheduleBacksUpEveryNodeOncePerSlotHoweverManyScan) {
  const std::string ring = add_cluster();
  set_cluster_schedule(ring, 6 * 3600);
  BackupScheduler other{schedules, backups,   instances,
                        clusters,  publisher, clock,
                        stop,      60s,       db::default_quota_limits()};
  EXPECT_TRUE(scheduler.scan_once().started.empty()) << "its own slot had begun when it was set";

  at(kStart + 5 * 3600);  // 06:00, the next slot
  const auto first = scheduler.scan_once();
  const auto second = other.scan_once();
  ASSERT_EQ(first.started.size(), 1u);
  EXPECT_TRUE(second.started.empty());
  EXPECT_TRUE(second.skipped.empty()) << "the loser of a slot records nothing";
  const db::Backup b = *backups.find_any(first.started[0]);
  EXPECT_EQ(b.cluster_id, std::optional<std::string>(ring));
  EXPECT_FALSE(b.instance_id);
  EXPECT_TRUE(b.scheduled);
  EXPECT_EQ(b.name, "scheduled 2024-05-01T06:00:00Z");
  EXPECT_EQ(b.datastore_version_id, cassandra_version_id);
  EXPECT_EQ(clusters.find_any(ring)->task, common::cluster_task::kBackingUp);
  const auto op = operations.find_any(b.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "backup.create");
  EXPECT_EQ(op->resource_id, b.id);
  // Every keyspace, on every node the cluster had.
  EXPECT_TRUE(op->input.value("keyspaces", nlohmann::json::array()).empty()) << op->input;
  const db::Cluster cluster = *clusters.find_any(ring);
  std::vector<std::string> nodes;
  for (const auto& n : cluster.nodes) nodes.push_back(n.instance_id);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(op->input.at("instance_ids"), nlohmann::json(nodes));
  EXPECT_EQ(published_ops(), std::vector<std::string>{b.operation_id});
  EXPECT_EQ(cluster_schedule(ring).last_backup_id, std::optional<std::string>(b.id));
  EXPECT_FALSE(cluster_schedule(ring).last_error);
  EXPECT_EQ(instances.find_any(instance)->task, common::task::kNone)
      << "the instance has no schedule";

  // The same slot never runs twice, even once the cluster is idle again.
  backups.complete(b.id, 10, 100, nlohmann::json::object());
  clusters.set_task(ring, common::cluster_task::kNone);
  at(kStart + 11 * 3600 - 1);
  const auto again = scheduler.scan_once();
  EXPECT_TRUE(again.started.empty());
  EXPECT_TRUE(again.skipped.empty());
  at(kStart + 11 * 3600);  // 12:00
  EXPECT_EQ(scheduler.scan_once().started.size(), 1u);
  db::BackupFilter of_ring;
  of_ring.cluster_id = ring;
  EXPECT_EQ(backups.list("tenant-a", of_ring).size(), 2u);
}

TEST_F(BackupSchedulerTest, ABusyOrInactiveClusterMissesTheSlotAndTheScheduleSaysWhy) {
  const std::string ring = add_cluster();
  set_cluster_schedule(ring, 3600);
  clusters.set_task(ring, common::cluster_task::kGrowing);
  at(kStart + 3600);
  auto report = scheduler.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_EQ(report.skipped, std::vector<std::string>{ring});
  ASSERT_TRUE(cluster_schedule(ring).last_error);
  EXPECT_EQ(*cluster_schedule(ring).last_error,
            "the backup of 2024-05-01T02:00:00Z was skipped: cluster ring was ACTIVE (task "
            "GROWING); a backup needs it ACTIVE and idle");
  EXPECT_TRUE(backups.list("tenant-a", {}).empty());
  EXPECT_EQ(clusters.find_any(ring)->task, common::cluster_task::kGrowing);

  // Idle but not ACTIVE (e.g. ERROR) is skipped too.
  clusters.set_task(ring, common::cluster_task::kNone);
  clusters.set_status(ring, common::cluster_status::kError);
  at(kStart + 2 * 3600);
  EXPECT_EQ(scheduler.scan_once().skipped, std::vector<std::string>{ring});
  EXPECT_NE(cluster_schedule(ring).last_error->find("cluster ring was ERROR (task NONE)"),
            std::string::npos);

  // The next slot of an ACTIVE, idle cluster backs it up and clears the error.
  clusters.set_status(ring, common::cluster_status::kActive);
  at(kStart + 3 * 3600);
  EXPECT_EQ(scheduler.scan_once().started.size(), 1u);
  EXPECT_FALSE(cluster_schedule(ring).last_error);
}

// As for an instance: beyond the retention the oldest scheduled COMPLETED
// backups of the cluster go, and the scheduled FAILED ones older than the
// newest COMPLETED; never one made by hand, nor another resource's.
TEST_F(BackupSchedulerTest, RetentionDeletesOnlyTheClustersOldestScheduledBackupsBeyondIt) {
  const std::string ring = add_cluster();
  set_cluster_schedule(ring, 6 * 3600, 2);
  const std::string by_hand = seed_backup(false, "COMPLETED", kStart - 5000, {}, ring);
  const std::string oldest = seed_backup(true, "COMPLETED", kStart - 4000, {}, ring);
  const std::string failed = seed_backup(true, "FAILED", kStart - 3500, {}, ring);
  const std::string middle = seed_backup(true, "COMPLETED", kStart - 3000, {}, ring);
  const std::string newest = seed_backup(true, "COMPLETED", kStart - 2000, {}, ring);
  const std::string failed_latest = seed_backup(true, "FAILED", kStart - 500, {}, ring);
  // The instance's scheduled backups are not the cluster's to count.
  const std::string instance_old = seed_backup(true, "COMPLETED", kStart - 9000);
  const std::string instance_older = seed_backup(true, "COMPLETED", kStart - 9500);
  const std::string instance_oldest = seed_backup(true, "COMPLETED", kStart - 9900);

  auto report = scheduler.scan_once();
  EXPECT_EQ(report.pruned, (std::vector<std::string>{oldest, failed}));
  std::set<std::string> deleting;
  for (const auto& [id, op] : operations.operations) {
    if (op.type == "backup.delete") deleting.insert(op.resource_id);
  }
  EXPECT_EQ(deleting, (std::set<std::string>{oldest, failed}));
  EXPECT_EQ(published_ops().size(), 2u);

  // While those deletes run, the next scan starts no other.
  report = scheduler.scan_once();
  EXPECT_TRUE(report.pruned.empty());
  EXPECT_EQ(published_ops().size(), 2u);
  (void)by_hand, (void)middle, (void)newest, (void)failed_latest;
  (void)instance_old, (void)instance_older, (void)instance_oldest;
}

TEST_F(BackupSchedulerTest, RetentionWaitsWhileTheClusterIsBusy) {
  const std::string ring = add_cluster();
  set_cluster_schedule(ring, 6 * 3600, 1);
  const std::string oldest = seed_backup(true, "COMPLETED", kStart - 4000, {}, ring);
  seed_backup(true, "COMPLETED", kStart - 3000, {}, ring);
  // An in-place restore may be reading the oldest.
  clusters.set_task(ring, common::cluster_task::kRestoring);
  EXPECT_TRUE(scheduler.scan_once().pruned.empty());
  EXPECT_TRUE(published_ops().empty());
  clusters.set_task(ring, common::cluster_task::kNone);
  EXPECT_EQ(scheduler.scan_once().pruned, std::vector<std::string>{oldest});
}

TEST_F(BackupSchedulerTest, ADeletedClustersScheduleNeverRuns) {
  const std::string ring = add_cluster();
  set_cluster_schedule(ring, 3600);
  clusters.mark_deleted(ring);
  at(kStart + 3600);
  const auto report = scheduler.scan_once();
  EXPECT_TRUE(report.started.empty());
  EXPECT_TRUE(report.skipped.empty());
  EXPECT_TRUE(schedules.claims.empty());
}

}  // namespace
}  // namespace automat::testing
