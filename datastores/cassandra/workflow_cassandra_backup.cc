#include "datastores/cassandra/workflow_cassandra_backup.h"

#include <chrono>
#include <exception>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "automat/backup.pb.h"
#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/workflow_cassandra_backup_store.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "storage/storage_target.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/node_phase.h"
#include "taskmanager/operation_data.h"

namespace automat::datastores::cassandra {
namespace {

using namespace std::chrono_literals;
using taskmanager::GuestJobState;
using taskmanager::NodePhase;
using taskmanager::Services;
using taskmanager::StepContext;
using taskmanager::StepResult;
namespace pc = proto::cassandra;

// The phase every node of the backup shows while it is snapshotted, stores
// its snapshot or clears it.
constexpr const char* kStorePhase = "backup";
// How often the clears of a failed backup are looked at, and for how long.
constexpr auto kClearPoll = std::chrono::milliseconds(500);
constexpr auto kClearWait = std::chrono::minutes(2);

db::Backup require_backup(const Services& services, const std::string& id) {
  auto backup = services.backups ? services.backups->find_any(id) : std::nullopt;
  if (!backup) throw common::not_found("backup " + id + " no longer exists");
  if (!backup->cluster_id) throw common::internal_error("backup " + id + " is not a cluster's");
  return *backup;
}

std::string tag_of(const db::Backup& b) { return "automat-" + b.id; }
std::string pool_prefix(const std::string& cluster_id) {
  return "cassandra-sstables/" + cluster_id + "/";
}
std::string node_prefix(const db::Backup& b, const std::string& node_id) {
  return b.location + "nodes/" + node_id + "/";
}

proto::ClusterBackupInput backup_input(const db::Operation& op) {
  return taskmanager::input_of<proto::ClusterBackupInput>(op);
}

// The nodes the backup covers (as the request found them), in that order;
// kConflict when one has left the cluster meanwhile.
std::vector<db::Node> backup_nodes(const db::Cluster& cluster, const db::Operation& op) {
  std::vector<db::Node> out;
  const auto input = backup_input(op);
  for (const auto& id : input.instance_ids()) {
    const db::Node* n = node_in(cluster, id);
    if (!n) throw common::conflict("node " + id + " left cluster " + cluster.id + " meanwhile");
    out.push_back(*n);
  }
  return out;
}

db::Cluster backup_cluster(const Services& services, const db::Backup& b) {
  auto cluster = services.clusters->find_any(*b.cluster_id);
  if (!cluster) throw common::not_found("cluster " + *b.cluster_id + " is gone");
  return *cluster;
}

// The pool objects some COMPLETED backup of the cluster (but `skip`)
// references. Throws when a manifest cannot be read: nothing may be
// collected then.
std::set<std::string> referenced(const Services& services, storage::BackupStorage& storage,
                                 const std::string& tenant_id, const std::string& cluster_id,
                                 const std::string& skip) {
  std::set<std::string> keep;
  db::BackupFilter filter;
  filter.cluster_id = cluster_id;
  for (const auto& b : services.backups->list(tenant_id, filter)) {
    if (b.id == skip || b.status != db::backup_status::kCompleted) continue;
    const auto manifest = read_json<proto::BackupManifest>(storage, b.location + kManifest);
    pc::ClusterBackupFacts facts;
    if (!manifest.datastore_facts().UnpackTo(&facts)) {
      throw common::internal_error("the manifest of backup " + b.id + " holds no Cassandra facts");
    }
    for (const auto& node : facts.nodes()) {
      const auto files = read_json<pc::NodeBackupManifest>(storage, node.manifest_key());
      for (const auto& f : files.files()) keep.insert(f.key());
    }
  }
  return keep;
}

// Removes the pool objects of the cluster no COMPLETED backup references
// (but `skip`). Best effort: a failure is logged, nothing else happens.
void collect_pool(const Services& services, storage::BackupStorage& storage,
                  const std::string& tenant_id, const std::string& cluster_id,
                  const std::string& skip = "") {
  try {
    const auto keep = referenced(services, storage, tenant_id, cluster_id, skip);
    size_t removed = 0;
    for (const auto& object : storage.list(pool_prefix(cluster_id))) {
      if (keep.count(object.key)) continue;
      storage.remove(object.key);
      ++removed;
    }
    if (removed) {
      common::log::info("backup.pool_collected",
                        {{"cluster", cluster_id}, {"removed", std::to_string(removed)}});
    }
  } catch (const std::exception& e) {
    common::log::warn("backup.pool_collect_failed", {{"cluster", cluster_id}, {"error", e.what()}});
  }
}

void release_cluster(Services& services, const std::string& cluster_id) {
  auto cluster = services.clusters->find_any(cluster_id);
  if (!cluster) return;
  for (const auto& n : cluster->nodes) {
    if (n.phase == kStorePhase)
      services.clusters->set_node_phase(n.instance_id, taskmanager::kNoPhase);
  }
  if (cluster->task == common::cluster_task::kBackingUp) {
    services.clusters->set_task(cluster->id, common::cluster_task::kNone);
  }
}

// Phase 1: nodetool snapshot on every node (each job flushes the node
// first), as guest jobs all started in the same round so the nodes'
// snapshots are as close in time as can be; a resumed step skips the nodes
// already snapshotted. A snapshot job the guest lost (it restarted while
// the job ran) is not started again: Cassandra may still be linking that
// snapshot, and one taken again would be minutes apart from the other
// nodes'. The step fails naming the host; cluster_backup_failed then
// clears every node's snapshot, and the user may take the backup again.
class SnapshotNodesStep : public NamedStep {
 public:
  SnapshotNodesStep()
      : NamedStep("snapshot-nodes", "flushing and snapshotting every node at once", 15min) {}

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx.services, ctx.operation.resource_id);
    if (backup.status == db::backup_status::kCompleted) return StepResult::next();
    if (backup.status == db::backup_status::kNew) {
      ctx.services.backups->set_status(backup.id, db::backup_status::kBuilding, std::nullopt);
    }
    const db::Cluster cluster = backup_cluster(ctx.services, backup);
    const auto nodes = backup_nodes(cluster, ctx.operation);
    pc::SnapshotJob job;
    job.set_tag(tag_of(backup));
    const auto input = backup_input(ctx.operation);
    for (const auto& k : input.keyspaces()) job.add_keyspaces(k);
    NodePhase phase = marked_phase(kStorePhase, NodeMark::kSnapshotted, "snapshotted",
                                   NodePhase::concurrently(static_cast<int>(nodes.size())));
    phase.act = [&](StepContext& c, const db::Node& node) {
      return node_job(
          c, cluster, node, "snapshot", "nodetool snapshot",
          [&](CassandraGuestClient& guest, const std::string& key) {
            job.set_key(key);
            return guest.start_snapshot(job, kQuickCall);
          },
          nullptr, taskmanager::LostJob::kReport);
    };
    return run_node_phase(ctx, cluster, nodes, phase);
  }
};

// Phase 2: every node stores its snapshot as a guest job, all at once.
class StoreSnapshotsStep : public NamedStep {
 public:
  StoreSnapshotsStep() : NamedStep("store-snapshots", "storing every node's snapshot", 12h) {}

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx.services, ctx.operation.resource_id);
    if (backup.status == db::backup_status::kCompleted) return StepResult::next();
    const db::Cluster cluster = backup_cluster(ctx.services, backup);
    const auto nodes = backup_nodes(cluster, ctx.operation);
    const auto input = backup_input(ctx.operation);
    if (!ctx.services.backup_storage) {
      throw common::internal_error("this taskmanager has no [backup_storage]");
    }
    std::map<std::string, double> progress;
    NodePhase phase = marked_phase(kStorePhase, NodeMark::kStored, "stored",
                                   NodePhase::concurrently(static_cast<int>(nodes.size())));
    phase.act = [&](StepContext& c, const db::Node& node) {
      pc::UploadSnapshotJob job;
      *job.mutable_storage() = storage::to_target(*c.services.backup_storage);
      job.set_tag(tag_of(backup));
      job.set_prefix(node_prefix(backup, node.instance_id));
      job.set_pool(pool_prefix(cluster.id) + node.instance_id + "/");
      job.set_backup_id(backup.id);
      job.set_max_bytes_per_second(input.max_bytes_per_second());
      job.set_clear_after(true);
      for (const auto& k : input.keyspaces()) job.add_keyspaces(k);
      return node_job(
          c, cluster, node, "backup", "storing the snapshot",
          [&](CassandraGuestClient& guest, const std::string& key) {
            job.set_key(key);
            return guest.start_upload_snapshot(job, kQuickCall);
          },
          &progress);
    };
    return run_with_progress(ctx, cluster, nodes, phase, NodeMark::kStored, progress);
  }
};

// Phase 3: every node's snapshot cleared (its hard links would otherwise
// keep every compacted SSTable on disk). Each node's upload job clears its
// own as soon as it stored it; this makes sure, as a guest job on every
// node at once (a node without the snapshot ends its job at once). A clear
// the guest lost is started again: clearing twice is harmless.
class ClearSnapshotsStep : public NamedStep {
 public:
  ClearSnapshotsStep() : NamedStep("clear-snapshots", "clearing every node's snapshot", 10min) {}

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx.services, ctx.operation.resource_id);
    if (backup.status == db::backup_status::kCompleted) return StepResult::next();
    const db::Cluster cluster = backup_cluster(ctx.services, backup);
    const auto nodes = backup_nodes(cluster, ctx.operation);
    pc::ClearSnapshotJob job;
    job.set_tag(tag_of(backup));
    NodePhase phase = marked_phase(kStorePhase, NodeMark::kSnapshotCleared, "snapshot cleared",
                                   NodePhase::concurrently(static_cast<int>(nodes.size())));
    phase.act = [&](StepContext& c, const db::Node& node) {
      return node_job(c, cluster, node, "clear-snapshot", "nodetool clearsnapshot",
                      [&](CassandraGuestClient& guest, const std::string& key) {
                        job.set_key(key);
                        return guest.start_clear_snapshot(job, kQuickCall);
                      });
    };
    return run_node_phase(ctx, cluster, nodes, phase);
  }
};

// The backup's manifest, naming every node's, written last: from then on
// the backup is whole. COMPLETED, the pool collected, the cluster idle.
class RecordClusterBackupStep : public NamedStep {
 public:
  RecordClusterBackupStep() : NamedStep("record-backup", "writing the backup's manifest") {}

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx.services, ctx.operation.resource_id);
    auto storage = open_storage(ctx.services);
    if (backup.status != db::backup_status::kCompleted) {
      const auto input = backup_input(ctx.operation);
      const db::Cluster cluster = backup_cluster(ctx.services, backup);
      pc::ClusterBackupFacts facts;
      facts.set_tag(tag_of(backup));
      for (const auto& k : input.keyspaces()) facts.add_keyspaces(k);
      proto::BackupManifest manifest;
      manifest.set_backup_id(backup.id);
      manifest.set_datastore("cassandra");
      manifest.set_datastore_version(backup.datastore_version_name);
      int64_t total = 0, uploaded = 0;
      for (const auto& id : input.instance_ids()) {
        const std::string key = node_prefix(backup, id) + kManifest;
        pc::NodeBackupManifest node;
        try {
          node = read_json<pc::NodeBackupManifest>(*storage, key);
        } catch (const storage::ObjectNotFound&) {
          return StepResult::failed(id, "node " + id + " stored no manifest at " + key);
        }
        if (node.backup_id() != backup.id) {
          return StepResult::failed(id, key + " belongs to backup " + node.backup_id());
        }
        auto* n = facts.add_nodes();
        n->set_instance_id(id);
        n->set_rack(node.rack());
        n->set_dc(node.dc());
        n->set_manifest_key(key);
        n->set_tokens(node.tokens_size());
        n->set_bytes(node.total_bytes());
        if (const db::Node* member = node_in(cluster, id)) {
          n->set_flavor_id(member->instance.flavor_id);
          n->set_volume_size(member->instance.volume_size_gb);
        }
        const auto head = storage->head(key);
        auto* object = manifest.add_objects();
        object->set_key(key);
        object->set_size(head ? static_cast<int64_t>(head->size) : 0);
        object->set_sha256(head ? head->sha256 : "");
        total += node.total_bytes();
        uploaded += node.uploaded_bytes();
      }
      facts.set_uploaded_bytes(uploaded);
      manifest.set_size(total);
      manifest.set_data_size(total);
      manifest.set_created_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
      manifest.mutable_datastore_facts()->PackFrom(facts);
      std::istringstream text(common::proto_json::encode(manifest).dump(2) + "\n");
      storage->put(backup.location + kManifest, text);
      ctx.services.backups->complete(backup.id, total, total, common::proto_json::encode(facts));
      common::log::info("backup.completed", {{"op", ctx.operation.id},
                                             {"backup", backup.id},
                                             {"cluster", *backup.cluster_id},
                                             {"bytes", std::to_string(total)},
                                             {"uploaded", std::to_string(uploaded)}});
    }
    // Only a backup holds the cluster's task: nothing else adds to the pool now.
    collect_pool(ctx.services, *storage, backup.tenant_id, *backup.cluster_id);
    release_cluster(ctx.services, *backup.cluster_id);
    return StepResult::next();
  }
};

class RemoveClusterBackupStep : public NamedStep {
 public:
  RemoveClusterBackupStep() : NamedStep("remove-backup-objects", "removing the backup's objects") {}

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx.services, ctx.operation.resource_id);
    auto storage = open_storage(ctx.services);
    // The manifest first: from then on no reader takes the backup as whole.
    storage->remove(backup.location + kManifest);
    const size_t removed = storage->remove_prefix(backup.location);
    common::log::info("backup.objects_removed",
                      {{"backup", backup.id}, {"objects", std::to_string(removed)}});
    // While the cluster lives its next backup collects the pool (it alone
    // may add to it); once it is gone nothing adds to it any more.
    if (!ctx.services.clusters->find_any(*backup.cluster_id)) {
      collect_pool(ctx.services, *storage, backup.tenant_id, *backup.cluster_id, backup.id);
    }
    ctx.services.backups->mark_deleted(backup.id);
    return StepResult::next();
  }
};

// A failed backup's snapshot cleared on every node of `cluster`: a clear
// job started on each at once (a clear the guest lost is started again),
// then looked at until every one ended, for up to kClearWait (a clear waits
// for a snapshot of the tag still being taken). A node that does not
// answer, or whose clear fails or outlasts the wait, is logged
// (backup.snapshot_left).
void clear_everywhere(Services& services, const db::Operation& op, const db::Cluster& cluster,
                      const std::string& tag) {
  db::Operation one = op;
  StepContext ctx{services, one};
  pc::ClearSnapshotJob job;
  job.set_tag(tag);
  auto left = [&](const std::string& id, const std::string& why) {
    common::log::warn("backup.snapshot_left",
                      {{"op", op.id}, {"tag", tag}, {"instance", id}, {"error", why}});
  };
  std::vector<std::string> clearing;
  for (const auto& n : cluster.nodes) clearing.push_back(n.instance_id);
  const auto until = std::chrono::steady_clock::now() + kClearWait;
  for (bool first = true; !clearing.empty(); first = false) {
    if (!first) {
      if (std::chrono::steady_clock::now() >= until) {
        for (const auto& id : clearing) left(id, "its clearsnapshot job still runs");
        return;
      }
      std::this_thread::sleep_for(kClearPoll);
    }
    std::vector<std::string> running;
    for (const auto& id : clearing) {
      try {
        const GuestJobState state = taskmanager::drive_guest_job(
            ctx, id, taskmanager::guest_job_key(op.id, "clear-on-failure", id),
            [&](const std::string& key) {
              job.set_key(key);
              return cassandra_guest(ctx, id).start_clear_snapshot(job, kQuickCall);
            });
        if (state.kind == GuestJobState::Kind::kRunning) running.push_back(id);
        if (state.kind == GuestJobState::Kind::kFailed) left(id, state.message);
      } catch (const std::exception& e) {
        left(id, e.what());
      }
    }
    clearing = std::move(running);
  }
}

}  // namespace

storage::BackupStoragePtr open_storage(const Services& services) {
  if (!services.backup_storage) {
    throw common::internal_error("this taskmanager has no [backup_storage]");
  }
  return storage::make_backup_storage(*services.backup_storage);
}

std::string read_text(storage::BackupStorage& storage, const std::string& key) {
  std::ostringstream text;
  storage.get(key, text);
  return text.str();
}

// run_node_phase of `phase` with the step's progress: the mean of the
// nodes' (a node past `done_mark` counts whole).
StepResult run_with_progress(StepContext& ctx, const db::Cluster& cluster,
                             const std::vector<db::Node>& nodes, const NodePhase& phase,
                             NodeMark done_mark, std::map<std::string, double>& progress) {
  StepResult r = run_node_phase(ctx, cluster, nodes, phase);
  if (r.kind == StepResult::Kind::kRetry && !nodes.empty()) {
    double sum = 0;
    for (const auto& n : nodes) {
      sum += marked(ctx.operation, done_mark, n.instance_id) ? 1.0 : progress[n.instance_id];
    }
    r.step_progress = sum / static_cast<double>(nodes.size());
  }
  return r;
}

void add_cluster_backup_steps(taskmanager::StepList& steps) {
  steps.push_back(std::make_unique<SnapshotNodesStep>());
  steps.push_back(std::make_unique<StoreSnapshotsStep>());
  steps.push_back(std::make_unique<ClearSnapshotsStep>());
  steps.push_back(std::make_unique<RecordClusterBackupStep>());
}

void add_cluster_backup_delete_steps(taskmanager::StepList& steps) {
  steps.push_back(std::make_unique<RemoveClusterBackupStep>());
}

void cluster_backup_failed(Services& services, const db::Operation& op,
                           const std::string& message) {
  if (!services.backups) return;
  auto backup = services.backups->find_any(op.resource_id);
  if (!backup || !backup->cluster_id) return;
  if (op.type == "backup.delete") {
    services.backups->set_status(backup->id, db::backup_status::kDeleteFailed, message);
    return;
  }
  if (backup->status == db::backup_status::kCompleted) return;
  // FAILED once the cleanup is done (a reader seeing FAILED sees no
  // snapshot and no object of it left). No snapshot stays behind on a node
  // that answers.
  if (auto cluster = services.clusters->find_any(*backup->cluster_id)) {
    clear_everywhere(services, op, *cluster, tag_of(*backup));
  }
  // Nothing of a failed backup stays in the storage.
  try {
    auto storage = open_storage(services);
    storage->remove_prefix(backup->location);
    collect_pool(services, *storage, backup->tenant_id, *backup->cluster_id);
  } catch (const std::exception& e) {
    common::log::warn("backup.cleanup_failed", {{"backup", backup->id}, {"error", e.what()}});
  }
  services.backups->set_status(backup->id, db::backup_status::kFailed, message);
  release_cluster(services, *backup->cluster_id);
}

}  // namespace automat::datastores::cassandra
