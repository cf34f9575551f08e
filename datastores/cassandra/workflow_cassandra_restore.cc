// Restoring Cassandra cluster backups (workflow_cassandra_backup.h): into a
// new cluster (a restoring cluster.create's tokens and its restore-schema
// and restore-data steps) and in place (cluster.restore).
#include <algorithm>
#include <chrono>
#include <map>

#include "automat/backup.pb.h"
#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/workflow_cassandra_backup.h"
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
using taskmanager::NodePhase;
using taskmanager::Services;
using taskmanager::StepContext;
using taskmanager::StepResult;
namespace pc = proto::cassandra;

// --- restore into a new cluster ---------------------------------------------

proto::ClusterNodesInput create_input(const db::Operation& op) {
  return taskmanager::input_of<proto::ClusterNodesInput>(op);
}

// The restoring create's backup, COMPLETED, and its facts.
struct RestoreSource {
  db::Backup backup;
  pc::ClusterBackupFacts facts;
};

// The guests are handed the taskmanager's [backup_storage]: kInternal
// when it has none.
void require_storage(const Services& services) {
  if (!services.backup_storage) {
    throw common::internal_error("this taskmanager has no [backup_storage]");
  }
}

// The facts come from the backup's row (record-backup stored its
// manifest's there), so a step polling its nodes reads no manifest.
RestoreSource restore_source(const Services& services, const std::string& backup_id) {
  auto backup = services.backups ? services.backups->find_any(backup_id) : std::nullopt;
  if (!backup || backup->status != db::backup_status::kCompleted) {
    throw common::conflict("backup " + backup_id + " is no longer a COMPLETED backup");
  }
  pc::ClusterBackupFacts facts;
  try {
    facts = common::proto_json::decode<pc::ClusterBackupFacts>(backup->facts,
                                                               "the facts of backup " + backup_id);
  } catch (const common::Error&) {
    throw common::conflict("backup " + backup_id + " is not a Cassandra cluster backup");
  }
  return {*backup, facts};
}

// The manifest key of the source node of new node `node_id`.
std::string source_manifest_key(const RestoreSource& source, const proto::ClusterNodesInput& input,
                                const std::string& node_id) {
  const auto it = input.restore_sources().find(node_id);
  if (it == input.restore_sources().end()) {
    throw common::internal_error("node " + node_id + " has no source node in the restore");
  }
  for (const auto& n : source.facts.nodes()) {
    if (n.instance_id() == it->second) return n.manifest_key();
  }
  throw common::conflict("backup " + source.backup.id + " holds no node " + it->second);
}

bool restored_keyspace(const proto::ClusterNodesInput& input, const std::string& keyspace) {
  if (input.restore_keyspaces().empty()) return true;
  for (const auto& entry : input.restore_keyspaces()) {
    if (entry.substr(0, entry.find('.')) == keyspace) return true;
  }
  return false;
}

// The backup's schema, applied once through the first node of the new ring,
// as that node's guest job "schema" (node_job). A job the guest lost is
// started again: every statement is a CREATE ... IF NOT EXISTS
// (ApplySchemaJob, cassandra_guest.proto), so creating again what the lost
// job created is harmless, and no data is loaded before this step ends.
class RestoreSchemaStep : public NamedStep {
 public:
  RestoreSchemaStep()
      : NamedStep("restore-schema", "creating the backup's keyspaces and tables", 2h) {}

  StepResult run(StepContext& ctx) override {
    const auto input = create_input(ctx.operation);
    if (input.restore_backup_id().empty()) return StepResult::next();
    if (ring_checkpoint(ctx.operation).schema_applied()) return StepResult::next();
    const RestoreSource source = restore_source(ctx.services, input.restore_backup_id());
    const db::Cluster cluster = cluster_of(ctx);
    const db::Node* first = node_in(cluster, input.instance_ids(0));
    if (!first) throw common::not_found("node " + input.instance_ids(0) + " is gone");
    // The manifest is read only when the job starts, not on every look.
    const auto pending =
        node_job(ctx, cluster, *first, "schema", "creating the backup's schema",
                 [&](CassandraGuestClient& guest, const std::string& key) {
                   auto storage = open_storage(ctx.services);
                   const auto manifest = read_json<pc::NodeBackupManifest>(
                       *storage, source_manifest_key(source, input, first->instance_id));
                   pc::ApplySchemaJob job;
                   job.set_key(key);
                   for (const auto& ks : manifest.schema()) {
                     if (!restored_keyspace(input, ks.keyspace())) continue;
                     for (const auto& statement : ks.statements()) job.add_statements(statement);
                   }
                   return guest.start_apply_schema(job, kQuickCall);
                 });
    if (pending) return *pending;
    auto checkpoint = ring_checkpoint(ctx.operation);
    checkpoint.set_schema_applied(true);
    taskmanager::save_checkpoint(ctx, checkpoint);
    common::log::info(
        "cassandra.schema_restored",
        {{"op", ctx.operation.id}, {"cluster", cluster.id}, {"backup", source.backup.id}});
    return StepResult::next();
  }
};

// Every node loads its source node's files, all at once.
class RestoreDataStep : public NamedStep {
 public:
  RestoreDataStep()
      : NamedStep("restore-data", "loading every node's files from the backup", 12h) {}

  StepResult run(StepContext& ctx) override {
    const auto input = create_input(ctx.operation);
    if (input.restore_backup_id().empty()) return StepResult::next();
    require_storage(ctx.services);
    const RestoreSource source = restore_source(ctx.services, input.restore_backup_id());
    const db::Cluster cluster = cluster_of(ctx);
    std::vector<db::Node> nodes;
    for (const auto& id : input.instance_ids()) {
      const db::Node* n = node_in(cluster, id);
      if (!n) throw common::not_found("node " + id + " is gone");
      nodes.push_back(*n);
    }
    std::map<std::string, double> progress;
    NodePhase phase = marked_phase(kRestorePhase, NodeMark::kRestored, "restored",
                                   NodePhase::concurrently(static_cast<int>(nodes.size())));
    phase.act = [&](StepContext& c, const db::Node& node) {
      pc::RestoreSnapshotJob job;
      *job.mutable_storage() = storage::to_target(*c.services.backup_storage);
      job.set_manifest_key(source_manifest_key(source, input, node.instance_id));
      job.set_backup_id(source.backup.id);
      for (const auto& k : input.restore_keyspaces()) job.add_keyspaces(k);
      return node_job(
          c, cluster, node, "restore", "loading the backup",
          [&](CassandraGuestClient& guest, const std::string& key) {
            job.set_key(key);
            return guest.start_restore_snapshot(job, kQuickCall);
          },
          &progress);
    };
    return run_with_progress(ctx, cluster, nodes, phase, NodeMark::kRestored, progress);
  }
};

// --- restore in place --------------------------------------------------------

proto::ClusterRestoreInput in_place_input(const db::Operation& op) {
  return taskmanager::input_of<proto::ClusterRestoreInput>(op);
}

std::string own_manifest_key(const RestoreSource& source, const std::string& node_id) {
  for (const auto& n : source.facts.nodes()) {
    if (n.instance_id() == node_id) return n.manifest_key();
  }
  throw common::conflict("backup " + source.backup.id + " holds no node " + node_id +
                         "; restore it into a new cluster instead");
}

// A node phase over the restore's nodes, all at once: each node's guest
// runs the restore job in `mode`; the node is recorded under `done_mark`.
class InPlacePhaseStep : public NamedStep {
 public:
  InPlacePhaseStep(std::string name, std::string description, NodeMark done_mark,
                   pc::RestoreSnapshotJob::Mode mode, std::string kind, std::string done_message)
      : NamedStep(std::move(name), std::move(description), 12h),
        mark_(done_mark),
        mode_(mode),
        kind_(std::move(kind)),
        done_message_(std::move(done_message)) {}

  StepResult run(StepContext& ctx) override {
    const auto input = in_place_input(ctx.operation);
    require_storage(ctx.services);
    const RestoreSource source = restore_source(ctx.services, input.backup_id());
    const db::Cluster cluster = cluster_of(ctx);
    std::vector<db::Node> nodes;
    for (const auto& id : input.instance_ids()) {
      const db::Node* n = node_in(cluster, id);
      if (!n) throw common::conflict("node " + id + " left the cluster during the restore");
      nodes.push_back(*n);
    }
    std::map<std::string, double> progress;
    NodePhase phase = marked_phase(kRestorePhase, mark_, done_message_,
                                   NodePhase::concurrently(static_cast<int>(nodes.size())));
    // The last phase leaves its nodes idle; the fetch keeps them restoring.
    phase.idle_when_done = mode_ == pc::RestoreSnapshotJob::IMPORT;
    phase.act = [&](StepContext& c, const db::Node& node) {
      pc::RestoreSnapshotJob job;
      *job.mutable_storage() = storage::to_target(*c.services.backup_storage);
      job.set_manifest_key(own_manifest_key(source, node.instance_id));
      job.set_backup_id(source.backup.id);
      job.set_mode(mode_);
      for (const auto& t : input.tables()) job.add_keyspaces(t);
      return node_job(
          c, cluster, node, kind_,
          kind_ == "fetch" ? "fetching the backup" : "importing the backup",
          [&](CassandraGuestClient& guest, const std::string& key) {
            job.set_key(key);
            return guest.start_restore_snapshot(job, kQuickCall);
          },
          &progress);
    };
    return run_with_progress(ctx, cluster, nodes, phase, mark_, progress);
  }

 private:
  NodeMark mark_;
  pc::RestoreSnapshotJob::Mode mode_;
  std::string kind_;
  std::string done_message_;
};

// Once every node holds its files: the tables emptied (through one node,
// as its guest job "truncate"; Cassandra's auto_snapshot keeps what they
// held), so the import leaves exactly the backup's rows. A job the guest
// lost is started again: no node imports before this step ends, so
// truncating again leaves the same empty tables (only rows written in
// between go too, which the restore replaces anyway).
class TruncateTablesStep : public NamedStep {
 public:
  TruncateTablesStep() : NamedStep("truncate-tables", "emptying the tables to restore", 2h) {}

  StepResult run(StepContext& ctx) override {
    if (ring_checkpoint(ctx.operation).truncated()) return StepResult::next();
    const auto input = in_place_input(ctx.operation);
    const db::Cluster cluster = cluster_of(ctx);
    const db::Node* first = node_in(cluster, input.instance_ids(0));
    if (!first) throw common::conflict("node " + input.instance_ids(0) + " left the cluster");
    const auto pending = node_job(ctx, cluster, *first, "truncate", "truncating the tables",
                                  [&](CassandraGuestClient& guest, const std::string& key) {
                                    pc::TruncateTablesJob job;
                                    job.set_key(key);
                                    for (const auto& t : input.tables()) job.add_tables(t);
                                    return guest.start_truncate_tables(job, kQuickCall);
                                  });
    if (pending) return *pending;
    auto checkpoint = ring_checkpoint(ctx.operation);
    checkpoint.set_truncated(true);
    taskmanager::save_checkpoint(ctx, checkpoint);
    return StepResult::next();
  }
};

}  // namespace

std::optional<std::vector<int64_t>> restored_tokens(StepContext& ctx, const std::string& node_id) {
  const auto input = create_input(ctx.operation);
  if (input.restore_backup_id().empty()) return std::nullopt;
  auto storage = open_storage(ctx.services);
  const RestoreSource source = restore_source(ctx.services, input.restore_backup_id());
  const auto manifest =
      read_json<pc::NodeBackupManifest>(*storage, source_manifest_key(source, input, node_id));
  std::vector<int64_t> tokens;
  for (const auto& t : manifest.tokens()) {
    try {
      tokens.push_back(std::stoll(t));
    } catch (const std::exception&) {
      throw common::conflict("backup " + source.backup.id + " records a token '" + t +
                             "' that is not a Murmur3 token");
    }
  }
  if (tokens.empty()) {
    throw common::conflict("backup " + source.backup.id + " records no tokens for the source of " +
                           node_id);
  }
  return tokens;
}

void add_cluster_restore_steps(taskmanager::StepList& steps) {
  steps.push_back(std::make_unique<RestoreSchemaStep>());
  steps.push_back(std::make_unique<RestoreDataStep>());
}

void add_restore_in_place_steps(taskmanager::StepList& steps) {
  steps.push_back(std::make_unique<InPlacePhaseStep>(
      "fetch-backup", "fetching every node's files from the backup", NodeMark::kFetched,
      pc::RestoreSnapshotJob::FETCH, "fetch", "fetched"));
  steps.push_back(std::make_unique<TruncateTablesStep>());
  steps.push_back(std::make_unique<InPlacePhaseStep>(
      "import-backup", "importing every node's files", NodeMark::kRestored,
      pc::RestoreSnapshotJob::IMPORT, "import", "restored"));
}

void restore_in_place_failed(Services& services, const db::Operation& op) {
  proto::ClusterRestoreInput input;
  try {
    input = in_place_input(op);
  } catch (const common::Error&) {
    return;
  }
  db::Operation one = op;
  StepContext ctx{services, one};
  for (const auto& id : input.instance_ids()) {
    try {
      pc::RestoreSnapshotJob job;
      job.set_key(taskmanager::guest_job_key(op.id, "discard", id));
      job.set_backup_id(input.backup_id());
      job.set_mode(pc::RestoreSnapshotJob::DISCARD);
      cassandra_guest(ctx, id).start_restore_snapshot(job, kQuickCall);
    } catch (const std::exception& e) {
      common::log::warn("restore.files_left",
                        {{"op", op.id}, {"instance", id}, {"error", e.what()}});
    }
  }
}

}  // namespace automat::datastores::cassandra
