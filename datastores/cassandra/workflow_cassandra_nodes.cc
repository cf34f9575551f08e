#include "datastores/cassandra/workflow_cassandra_nodes.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "datastores/cassandra/common_node_report.h"
#include "datastores/cassandra/common_node_role.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/operation_data.h"

namespace automat::datastores::cassandra {

using taskmanager::GuestJobState;
using taskmanager::NodePhase;
using taskmanager::StepContext;
using taskmanager::StepResult;

std::vector<std::string> input_nodes(const db::Operation& op) {
  const auto input = taskmanager::input_of<proto::ClusterNodesInput>(op);
  return {input.instance_ids().begin(), input.instance_ids().end()};
}

std::vector<std::string> operation_nodes(const taskmanager::StepContext& ctx) {
  return input_nodes(ctx.operation);
}

proto::ReplaceNodeInput replace_input(const db::Operation& op) {
  auto input = taskmanager::input_of<proto::ReplaceNodeInput>(op);
  if (input.old_instance_id().empty() || input.new_instance_id().empty()) {
    throw common::internal_error("operation " + op.id + " does not name the node to replace");
  }
  return input;
}

proto::cassandra::RingCheckpoint ring_checkpoint(const db::Operation& op) {
  return taskmanager::checkpoint_of<proto::cassandra::RingCheckpoint>(op);
}

namespace {

google::protobuf::RepeatedPtrField<std::string>& marks(proto::cassandra::RingCheckpoint& c,
                                                       NodeMark point) {
  switch (point) {
    case NodeMark::kStarted:
      return *c.mutable_started();
    case NodeMark::kPrepared:
      return *c.mutable_prepared();
    case NodeMark::kJoined:
      return *c.mutable_joined();
    case NodeMark::kOldStopped:
      return *c.mutable_old_stopped();
    case NodeMark::kCleaned:
      return *c.mutable_cleaned();
    case NodeMark::kLeaving:
      return *c.mutable_leaving();
    case NodeMark::kDecommissioned:
      return *c.mutable_decommissioned();
    case NodeMark::kSnapshotted:
      return *c.mutable_snapshotted();
    case NodeMark::kStored:
      return *c.mutable_stored();
    case NodeMark::kSnapshotCleared:
      return *c.mutable_snapshot_cleared();
    case NodeMark::kRestored:
      return *c.mutable_restored();
    case NodeMark::kFetched:
      return *c.mutable_fetched();
    case NodeMark::kAllocated:
      return *c.mutable_allocated();
    case NodeMark::kGuestAnswered:
      return *c.mutable_guest_answered();
    case NodeMark::kStopped:
      return *c.mutable_stopped();
    case NodeMark::kDestroyed:
      return *c.mutable_destroyed();
    case NodeMark::kReseeded:
      return *c.mutable_reseeded();
    case NodeMark::kRemoved:
      break;
  }
  return *c.mutable_removed();
}

}  // namespace

bool marked(const db::Operation& op, NodeMark point, const std::string& id) {
  auto checkpoint = ring_checkpoint(op);
  const auto& ids = marks(checkpoint, point);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

void mark(StepContext& ctx, NodeMark point, const std::string& id) {
  auto checkpoint = ring_checkpoint(ctx.operation);
  auto& ids = marks(checkpoint, point);
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return;
  ids.Add(std::string(id));
  taskmanager::save_checkpoint(ctx, checkpoint);
}

db::Cluster cluster_of(const StepContext& ctx) {
  auto cluster = ctx.services.clusters->find_any(ctx.operation.resource_id);
  if (!cluster) throw common::not_found("cluster " + ctx.operation.resource_id + " is gone");
  return *cluster;
}

const db::Node* node_in(const db::Cluster& cluster, const std::string& id) {
  for (const auto& n : cluster.nodes) {
    if (n.instance_id == id) return &n;
  }
  return nullptr;
}

std::string address_of(const db::Node& node) {
  if (!node.instance.address || node.instance.address->empty()) {
    throw common::unavailable("node " + node.instance_id + " has no address yet");
  }
  return *node.instance.address;
}

std::optional<std::vector<RingMember>> reported_ring(const db::Node& node) {
  const auto report = node_report(node.detail, node.instance_id);
  if (!report || !report->has_ring()) return std::nullopt;
  return ring_from(report->ring());
}

std::vector<RingMember> ring_from(const proto::cassandra::RingStatusReply& ring_status) {
  std::vector<RingMember> ring;
  for (const auto& n : ring_status.nodes()) ring.push_back({n.address(), n.state(), n.rack()});
  return ring;
}

std::optional<std::string> ring_gap(const std::vector<RingMember>& ring,
                                    const std::vector<db::Node>& expected) {
  for (const auto& node : expected) {
    const std::string address = node.instance.address.value_or("");
    const auto it = std::find_if(ring.begin(), ring.end(),
                                 [&](const RingMember& m) { return m.address == address; });
    if (it == ring.end()) return address + " is not in the ring yet";
    if (it->state != "UN") return address + " is " + it->state + ", not UN";
    if (it->rack != node.zone) {
      return address + " is in rack " + it->rack + ", expected " + node.zone;
    }
  }
  return std::nullopt;
}

std::vector<std::string> seed_addresses(const db::Cluster& cluster) {
  std::vector<std::string> seeds;
  for (const auto& n : cluster.nodes) {
    if (is_seed(n) && n.instance.address && !n.instance.address->empty()) {
      seeds.push_back(*n.instance.address);
    }
  }
  return seeds;
}

// Distinct racks of `dc` among the cluster's nodes.
static int racks_in_dc(const db::Cluster& cluster, const std::string& dc) {
  std::set<std::string> racks;
  for (const auto& n : cluster.nodes) {
    if (dc_of(n) == dc) racks.insert(n.zone);
  }
  return std::max<int>(1, static_cast<int>(racks.size()));
}

proto::cassandra::PrepareSettings node_config(const db::Cluster& cluster, const db::Node& node,
                                              const std::vector<std::string>& seeds,
                                              bool auto_bootstrap,
                                              const std::string& replace_address,
                                              const std::vector<int64_t>& initial_tokens) {
  proto::cassandra::PrepareSettings settings;
  settings.set_cluster_name(cluster.id);
  for (const auto& seed : seeds) settings.add_seeds(seed);
  settings.set_rack(node.zone);
  settings.set_dc(dc_of(node));
  settings.set_auto_bootstrap(auto_bootstrap);
  settings.set_standalone(false);
  settings.set_racks(racks_in_dc(cluster, dc_of(node)));
  settings.set_replace_address(replace_address);
  for (const int64_t token : initial_tokens) settings.add_initial_tokens(token);
  return settings;
}

StepResult run_for_node(taskmanager::InstanceStep& step, StepContext& ctx, const std::string& id) {
  StepResult r = step.run_on(ctx, id);
  if (r.kind == StepResult::Kind::kFailed) note_failed_node(ctx, id);
  return r;
}

void note_failed_node(StepContext& ctx, const std::string& id) {
  // Read by on_failure from the same operation object; not saved.
  try {
    auto checkpoint = ring_checkpoint(ctx.operation);
    checkpoint.set_failed_node(id);
    ctx.operation.checkpoint = common::proto_json::encode(checkpoint);
  } catch (const common::Error& e) {
    common::log::warn("cassandra.checkpoint_unreadable",
                      {{"op", ctx.operation.id}, {"error", e.what()}});
  }
}

StepResult guest_error(StepContext& ctx, const db::Node& node, const std::string& doing,
                       const std::exception& e, Repeat repeat) {
  const std::string host = node.instance.address.value_or(node.instance_id);
  StepResult r =
      taskmanager::guest_call_failed({host, doing, repeat, std::chrono::seconds(1), ""}, e);
  if (r.kind != StepResult::Kind::kFailed) return r;
  common::log::warn("cassandra.node_failed", {{"op", ctx.operation.id},
                                              {"cluster", ctx.operation.resource_id},
                                              {"instance", node.instance_id},
                                              {"error", e.what()}});
  note_failed_node(ctx, node.instance_id);
  return r;
}

NodePhase marked_phase(const char* phase, NodeMark point, std::string done_message,
                       NodePhase::Turn turn) {
  NodePhase p;
  p.phase = phase;
  p.done_message = std::move(done_message);
  p.turn = std::move(turn);
  p.done = [point](const StepContext& c, const db::Node& n) {
    return marked(c.operation, point, n.instance_id);
  };
  p.record = [point](StepContext& c, const db::Node& n) { mark(c, point, n.instance_id); };
  return p;
}

std::chrono::seconds node_job_deadline(const std::string& kind) {
  using std::chrono::hours;
  using std::chrono::minutes;
  // A flush then hard links (the guest gives nodetool snapshot 10 minutes),
  // and a clearsnapshot (2 minutes, after a snapshot still being taken).
  if (kind == "snapshot") return minutes(12);
  if (kind == "clear-snapshot") return minutes(5);
  // Securing reads system_auth at consistency ALL, each read retried for a
  // minute while a replica is not up yet: minutes at most.
  if (kind == "secure") return minutes(10);
  // Streaming a node's share of the ring (cleanup rewrites every SSTable,
  // decommission streams them away) or a backup's files: hours on the
  // largest volumes; a fetch or an import of one backup the same.
  if (kind == "cleanup" || kind == "decommission") return hours(6);
  if (kind == "backup" || kind == "restore" || kind == "fetch" || kind == "import") {
    return hours(12);
  }
  // A restore's schema (a CREATE a table, each waiting for the ring to
  // agree) or truncate (a flush and a snapshot a table, on every node):
  // seconds a table, minutes for thousands.
  if (kind == "schema") return std::chrono::minutes(30);
  if (kind == "truncate") return hours(1);
  return hours(1);
}

std::optional<StepResult> node_job(StepContext& ctx, const db::Cluster& cluster,
                                   const db::Node& node, const std::string& kind,
                                   const std::string& doing, const StartJob& start,
                                   std::map<std::string, double>* progress,
                                   taskmanager::LostJob on_lost) {
  constexpr std::chrono::seconds kJobPoll{1};
  constexpr std::chrono::seconds kRetry{1};
  const std::string host = node.instance.address.value_or(node.instance_id);
  // A keyed job: its start and look may be sent again.
  const taskmanager::JobFollow follow{
      {host, doing, Repeat::kIdempotent, kRetry, ""},
      kJobPoll,
      node_label(cluster, node.instance_id) + ": " + doing + " running",
      node_job_deadline(kind)};
  GuestJobState job;
  std::optional<StepResult> pending = taskmanager::follow_guest_job(
      [&] {
        CassandraGuestClient guest = cassandra_guest(ctx, node.instance_id);
        return taskmanager::drive_guest_job(
            ctx, node.instance_id,
            taskmanager::guest_job_key(ctx.operation.id, kind, node.instance_id),
            [&](const std::string& key) { return start(guest, key); }, on_lost);
      },
      follow, job);
  if (pending) {
    if (progress && pending->kind == StepResult::Kind::kRetry) {
      (*progress)[node.instance_id] = pending->step_progress;
    }
    if (pending->kind == StepResult::Kind::kFailed) {
      common::log::warn("cassandra.node_failed", {{"op", ctx.operation.id},
                                                  {"cluster", ctx.operation.resource_id},
                                                  {"instance", node.instance_id},
                                                  {"error", pending->message}});
      note_failed_node(ctx, node.instance_id);
    }
    return pending;
  }
  if (job.kind == GuestJobState::Kind::kFailed) {
    const std::string why =
        job.lost ? job.message + "; it is not started again (its work may be half done)"
                 : job.message;
    return guest_error(ctx, node, doing, common::internal_error(why), Repeat::kOnce);
  }
  if (progress) (*progress)[node.instance_id] = 1;
  return std::nullopt;
}

}  // namespace automat::datastores::cassandra
