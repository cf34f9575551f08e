// cluster.grow, cluster.shrink and cluster.replace_node.
#include <algorithm>

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/cassandra/common_node_role.h"
#include "datastores/cassandra/common_shrink_checks.h"
#include "datastores/cassandra/common_topology.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "datastores/cassandra/workflow_cassandra_login.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "datastores/cassandra/workflow_cassandra_prepare.h"
#include "datastores/cassandra/workflow_cassandra_steps.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/instance_steps.h"

namespace automat::datastores::cassandra {
namespace {

using namespace automat::taskmanager;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kPoll{1000};
constexpr seconds kStreamingStep{6 * 3600};

std::vector<std::string> new_node(const StepContext& ctx) {
  return {replace_input(ctx.operation).new_instance_id()};
}
std::string old_node(const StepContext& ctx) {
  return replace_input(ctx.operation).old_instance_id();
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The live nodes outside `excluded`, by ordinal.
std::vector<db::Node> others(const db::Cluster& cluster, const std::vector<std::string>& excluded) {
  std::vector<db::Node> out;
  for (const auto& n : cluster.nodes) {
    if (!contains(excluded, n.instance_id)) out.push_back(n);
  }
  return out;
}

const db::Node& require_node(const db::Cluster& cluster, const std::string& id) {
  const db::Node* n = node_in(cluster, id);
  if (!n) throw common::not_found("node " + id + " of cluster " + cluster.id + " is gone");
  return *n;
}

// Prepares `node` bootstrapping into the ring (checkpoint "prepared"), then
// waits until the node itself reports UN; nullopt once it has joined.
std::optional<StepResult> bootstrap(StepContext& ctx, const db::Cluster& cluster,
                                    const db::Node& node, const std::vector<std::string>& seeds,
                                    const std::string& replace_address) {
  const std::string label = node_label(cluster, node.instance_id);
  if (!marked(ctx.operation, NodeMark::kPrepared, node.instance_id)) {
    NodePrepare call = NodePrepare::begin(
        ctx, node, node_config(cluster, node, seeds, /*auto_bootstrap=*/true, replace_address));
    call.run(ctx);
    if (!call.ok()) return call.result(ctx, "joining the ring");
    mark(ctx, NodeMark::kPrepared, node.instance_id);
  }
  try {
    const auto ring = ring_from(cassandra_guest(ctx, node.instance_id).ring_status(kQuickCall));
    if (auto gap = ring_gap(ring, {node})) return StepResult::retry(kPoll, label + ": " + *gap);
  } catch (const std::exception& e) {
    return guest_error(ctx, node, "reading the ring", e, Repeat::kIdempotent);
  }
  return std::nullopt;
}

// A joining node's phase: done once it reported itself UN ("joined").
NodePhase join_phase(const char* phase) {
  NodePhase p = marked_phase(phase, NodeMark::kJoined, "joined");
  p.record = [](StepContext& ctx, const db::Node& n) {
    mark(ctx, NodeMark::kJoined, n.instance_id);
    ctx.services.instances->set_task(n.instance_id, common::task::kNone);
    common::log::info("cassandra.node_joined", {{"op", ctx.operation.id},
                                                {"cluster", ctx.operation.resource_id},
                                                {"instance", n.instance_id}});
  };
  return p;
}

// The live nodes `ids` of `cluster`, in that order; throws kNotFound when
// one is gone.
std::vector<db::Node> nodes_of(const db::Cluster& cluster, const std::vector<std::string>& ids) {
  std::vector<db::Node> out;
  for (const auto& id : ids) out.push_back(require_node(cluster, id));
  return out;
}

// Grow: each new node in turn, bootstrapping from the current seeds.
class JoinNodesStep : public NamedStep {
 public:
  JoinNodesStep() : NamedStep("join-nodes", "joining the new nodes one at a time", seconds(3600)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    std::vector<std::string> ids;
    for (const auto& id : operation_nodes(ctx)) {
      if (!marked(ctx.operation, NodeMark::kJoined, id)) ids.push_back(id);
    }
    NodePhase join = join_phase(node_phase::kJoining);
    join.act = [&](StepContext& c, const db::Node& node) {
      return bootstrap(c, cluster, node, seed_addresses(cluster), "");
    };
    return run_node_phase(ctx, cluster, nodes_of(cluster, ids), join);
  }
};

// Replace: the new node takes the old one's place (replace_address).
class JoinReplacementStep : public NamedStep {
 public:
  JoinReplacementStep()
      : NamedStep("join-replacement", "starting the replacement node", seconds(3600)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    const std::string id = new_node(ctx).front();
    if (marked(ctx.operation, NodeMark::kJoined, id)) return StepResult::next();
    const db::Node& old = require_node(cluster, old_node(ctx));
    NodePhase join = join_phase(node_phase::kReplacing);
    join.act = [&](StepContext& c, const db::Node& node) -> std::optional<StepResult> {
      if (!marked(c.operation, NodeMark::kOldStopped, old.instance_id)) {
        // Cassandra replaces only a dead node: its stop job ends (a stop
        // that fails is only logged) before the replacement starts.
        StopDatastoreStep stop(DatastoreLabel{"Cassandra"});
        const StepResult stopping = run_for_node(stop, c, old.instance_id);
        if (stopping.kind == StepResult::Kind::kRetry) return stopping;
        mark(c, NodeMark::kOldStopped, old.instance_id);
      }
      const std::string old_address = address_of(old);
      std::vector<std::string> seeds;
      for (const auto& s : seed_addresses(cluster)) {
        if (s != old_address && s != node.instance.address.value_or("")) seeds.push_back(s);
      }
      for (const auto& n : others(cluster, {id, old.instance_id})) {
        if (seeds.empty() && n.instance.address) seeds.push_back(*n.instance.address);
      }
      return bootstrap(c, cluster, node, seeds, old_address);
    };
    return run_node_phase(ctx, cluster, nodes_of(cluster, {id}), join);
  }
};

// system_auth re-replicated for the new ring size through a serving node
// (the securing job: with the admin in place it only re-applies the
// replication), then a new admin password through that node, stored on
// every other node (secure_and_share_login). The password exists only
// inside one run of this step.
class ShareCredentialsStep : public NamedStep {
 public:
  explicit ShareCredentialsStep(NodeIds newcomers)
      : NamedStep("share-credentials", "giving the new nodes the admin login", seconds(900)),
        newcomers_(std::move(newcomers)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    const auto newcomers = newcomers_(ctx);
    auto excluded = newcomers;
    if (ctx.operation.type == "cluster.replace_node") excluded.push_back(old_node(ctx));
    const auto serving = others(cluster, excluded);
    if (serving.empty()) throw common::conflict("cluster " + cluster.id + " has no serving node");
    const db::Node& via = serving.front();
    std::vector<db::Node> holders;
    for (const auto& n : cluster.nodes) {
      const bool replaced =
          contains(excluded, n.instance_id) && !contains(newcomers, n.instance_id);
      if (n.instance_id != via.instance_id && !replaced) holders.push_back(n);
    }
    if (auto pending =
            secure_and_share_login(ctx, cluster, via, holders, "re-replicating system_auth")) {
      return *pending;
    }
    return StepResult::next();
  }

 private:
  NodeIds newcomers_;
};

// The seeds planned over the live ring (plan_seeds); `changed` when they
// are not the seeds the nodes' roles name.
std::vector<std::string> planned_seeds(const db::Cluster& cluster, bool& changed) {
  const std::vector<SeedCandidate> candidates = seed_candidates(cluster.nodes);
  std::vector<std::string> current;
  for (const auto& c : candidates) {
    if (c.seed) current.push_back(c.id);
  }
  const auto planned = plan_seeds(candidates);
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  changed = sorted(planned) != sorted(current);
  return planned;
}

// Records `seeds` as the cluster's and answers the cluster as it is then.
db::Cluster record_seeds(StepContext& ctx, const db::Cluster& cluster,
                         const std::vector<std::string>& seeds) {
  ctx.services.clusters->set_roles(cluster.id, roles_with_seeds(cluster.nodes, seeds));
  return cluster_of(ctx);
}

// Seeds recomputed over the live ring (plan_seeds), recorded, and pushed to
// every node when they changed or a seed left (checkpoint "seed_left"), and
// always after a replace (addresses moved). The push is a node phase over
// every node at once: the checkpoint keeps the seed addresses being pushed
// ("reseed_seeds") and the nodes given them ("reseeded"); when the seeds
// differ from those of an earlier run, every node is given them again.
class ReseedStep : public NamedStep {
 public:
  ReseedStep() : NamedStep("reseed", "updating the seed list on every node") {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    bool changed = false;
    const auto planned = planned_seeds(cluster, changed);
    auto checkpoint = ring_checkpoint(ctx.operation);
    // An earlier run recorded the seeds (so they no longer look changed)
    // and began pushing them.
    const bool pushing = !checkpoint.reseed_seeds().empty();
    if (!changed && !checkpoint.seed_left() && !pushing &&
        ctx.operation.type != "cluster.replace_node") {
      return StepResult::next();
    }
    const db::Cluster reseeded = record_seeds(ctx, cluster, planned);
    const auto seeds = seed_addresses(reseeded);
    if (!std::equal(seeds.begin(), seeds.end(), checkpoint.reseed_seeds().begin(),
                    checkpoint.reseed_seeds().end())) {
      checkpoint.mutable_reseed_seeds()->Assign(seeds.begin(), seeds.end());
      checkpoint.clear_reseeded();  // no node has these seeds yet
      taskmanager::save_checkpoint(ctx, checkpoint);
    }
    NodePhase push =
        marked_phase(kNoPhase, NodeMark::kReseeded, "given the seeds", NodePhase::all_at_once());
    push.act = [&](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      try {
        cassandra_guest(c, n.instance_id).update_seeds(seeds, kQuickCall * 2);
      } catch (const std::exception& e) {
        StepResult r = guest_error(c, n, "updating the seeds", e, Repeat::kIdempotent);
        if (r.kind == StepResult::Kind::kRetry) {
          r.message = node_label(reseeded, n.instance_id) + ": " + r.message;
        }
        return r;
      }
      return std::nullopt;
    };
    const StepResult r = run_node_phase(ctx, reseeded, reseeded.nodes, push);
    if (r.kind == StepResult::Kind::kNext) {
      common::log::info("cassandra.reseeded", {{"op", ctx.operation.id},
                                               {"cluster", cluster.id},
                                               {"seeds", std::to_string(seeds.size())}});
    }
    return r;
  }
};

// nodetool cleanup on each node `targets` picks, in turn (each shown
// BLOCKED by its guest while its job runs): after a grow, the nodes that
// were there before; for cluster.cleanup, the nodes its input names.
class CleanupStep : public NamedStep {
 public:
  using Targets = std::function<std::vector<db::Node>(const StepContext&, const db::Cluster&)>;
  CleanupStep(std::string description, Targets targets)
      : NamedStep("cleanup", std::move(description), kStreamingStep),
        targets_(std::move(targets)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    NodePhase cleanup = marked_phase(node_phase::kCleanup, NodeMark::kCleaned, "cleaned up");
    cleanup.act = [&](StepContext& c, const db::Node& node) {
      return node_job(c, cluster, node, "cleanup", "nodetool cleanup",
                      [](CassandraGuestClient& guest, const std::string& key) {
                        return guest.cleanup(key, kQuickCall);
                      });
    };
    return run_node_phase(ctx, cluster, targets_(ctx, cluster), cleanup);
  }

 private:
  Targets targets_;
};

std::vector<db::Node> nodes_before_the_grow(const StepContext& ctx, const db::Cluster& cluster) {
  return others(cluster, operation_nodes(ctx));
}

// The nodes the input names that are still in the cluster, in its order.
std::vector<db::Node> nodes_still_named(const StepContext& ctx, const db::Cluster& cluster) {
  std::vector<db::Node> out;
  for (const auto& id : operation_nodes(ctx)) {
    if (const db::Node* n = node_in(cluster, id)) out.push_back(*n);
  }
  return out;
}

// The shrink checks of the API (common_shrink_checks.h), run again on the
// nodes that still have to leave: nullopt when it is safe; a retry while a
// node's report is missing; a failure (the API's 422 reason) when unsafe.
std::optional<StepResult> still_safe(StepContext& ctx, const db::Cluster& cluster) {
  std::vector<std::string> to_leave;
  for (const auto& id : operation_nodes(ctx)) {
    if (!marked(ctx.operation, NodeMark::kRemoved, id)) to_leave.push_back(id);
  }
  const ShrinkVerdict verdict = shrink_verdict(shrink_members(cluster.nodes), to_leave);
  switch (verdict.kind) {
    case ShrinkVerdict::Kind::kSafe:
      return std::nullopt;
    case ShrinkVerdict::Kind::kAwaitingReports:
      return StepResult::retry(kPoll, "checking the shrink again: " + verdict.reason);
    case ShrinkVerdict::Kind::kUnsafe:
      break;
  }
  common::log::warn(
      "cassandra.shrink_refused",
      {{"op", ctx.operation.id}, {"cluster", cluster.id}, {"reason", verdict.reason}});
  return StepResult::failed(
      cluster.id, "cannot shrink cluster " + cluster.name + " any more: " + verdict.reason);
}

// Shrink: each leaving node in turn decommissions, leaves the ring (as
// another node sees it), and is destroyed.
class DecommissionStep : public NamedStep {
 public:
  DecommissionStep()
      : NamedStep("decommission-nodes", "decommissioning the leaving nodes", kStreamingStep) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    const auto leaving = operation_nodes(ctx);
    std::vector<db::Node> live;
    for (const auto& id : leaving) {
      if (marked(ctx.operation, NodeMark::kRemoved, id)) continue;
      if (const db::Node* node = node_in(cluster, id)) {
        live.push_back(*node);
      } else {
        mark(ctx, NodeMark::kRemoved, id);
      }
    }
    NodePhase leave =
        marked_phase(node_phase::kDecommissioning, NodeMark::kRemoved, "left the ring");
    leave.idle_when_done = false;  // its record is deleted
    leave.act = [&](StepContext& c, const db::Node& node) {
      return remove(c, cluster, node, others(cluster, leaving));
    };
    return run_node_phase(ctx, cluster, live, leave);
  }

 private:
  std::optional<StepResult> remove(StepContext& ctx, const db::Cluster& cluster,
                                   const db::Node& node, const std::vector<db::Node>& staying) {
    const std::string label = node_label(cluster, node.instance_id);
    if (!marked(ctx.operation, NodeMark::kDecommissioned, node.instance_id)) {
      if (!marked(ctx.operation, NodeMark::kLeaving, node.instance_id)) {
        // The ring may have changed since the API checked the request (a
        // node down, a keyspace's replication raised, disks filled, an
        // earlier node of this shrink gone): check again, on the nodes'
        // latest reports, right before this node's data moves. Only before:
        // once the job runs, the leaving node reports no ring.
        if (auto refused = still_safe(ctx, cluster)) return refused;
        mark(ctx, NodeMark::kLeaving, node.instance_id);
      }
      const auto job = node_job(ctx, cluster, node, "decommission", "nodetool decommission",
                                [](CassandraGuestClient& guest, const std::string& key) {
                                  return guest.decommission(key, kQuickCall);
                                });
      if (job) return *job;
      mark(ctx, NodeMark::kDecommissioned, node.instance_id);
    }
    if (staying.empty()) throw common::conflict("a shrink must leave at least one node");
    const std::string address = address_of(node);
    try {
      for (const auto& m :
           ring_from(cassandra_guest(ctx, staying.front().instance_id).ring_status(kQuickCall))) {
        if (m.address == address) return StepResult::retry(kPoll, label + " is leaving the ring");
      }
    } catch (const std::exception& e) {
      return guest_error(ctx, staying.front(), "reading the ring", e, Repeat::kIdempotent);
    }
    StopDatastoreStep stop(DatastoreLabel{"Cassandra"});
    DestroyServerStep destroy;
    for (InstanceStep* step : std::initializer_list<InstanceStep*>{&stop, &destroy}) {
      StepResult r = run_for_node(*step, ctx, node.instance_id);
      if (r.kind != StepResult::Kind::kNext) return r;
    }
    ctx.services.instances->mark_deleted(node.instance_id);
    // The others' seed lists still name it: reseed pushes new ones.
    if (is_seed(node)) {
      auto checkpoint = ring_checkpoint(ctx.operation);
      checkpoint.set_seed_left(true);
      taskmanager::save_checkpoint(ctx, checkpoint);
    }
    common::log::info(
        "cassandra.node_removed",
        {{"op", ctx.operation.id}, {"cluster", cluster.id}, {"instance", node.instance_id}});
    return std::nullopt;  // recorded "removed" by the phase
  }
};

// Replace: the old node's server destroyed and its record deleted.
class RemoveOldNodeStep : public NamedStep {
 public:
  RemoveOldNodeStep() : NamedStep("remove-old-node", "removing the replaced node") {}
  StepResult run(StepContext& ctx) override {
    const std::string id = old_node(ctx);
    if (!ctx.services.instances->find_any(id)) return StepResult::next();
    StopDatastoreStep stop(DatastoreLabel{"Cassandra"});
    DestroyServerStep destroy;
    for (InstanceStep* step : std::initializer_list<InstanceStep*>{&stop, &destroy}) {
      StepResult r = run_for_node(*step, ctx, id);
      if (r.kind != StepResult::Kind::kNext) return r;
    }
    ctx.services.instances->mark_deleted(id);
    return StepResult::next();
  }
};

}  // namespace

void reseed_after_failure(Services& services, const db::Operation& op) {
  bool seed_left = false;
  try {
    seed_left = ring_checkpoint(op).seed_left();
  } catch (const common::Error& e) {
    common::log::warn("cassandra.checkpoint_unreadable", {{"op", op.id}, {"error", e.what()}});
  }
  if (!seed_left || !services.clusters->find_any(op.resource_id)) return;
  db::Operation copy = op;
  StepContext ctx{services, copy};
  const db::Cluster cluster = cluster_of(ctx);
  bool changed = false;
  const db::Cluster reseeded = record_seeds(ctx, cluster, planned_seeds(cluster, changed));
  const auto seeds = seed_addresses(reseeded);
  int unreached = 0;
  for (const auto& n : reseeded.nodes) {
    try {
      cassandra_guest(ctx, n.instance_id).update_seeds(seeds, kQuickCall * 2);
    } catch (const std::exception& e) {
      ++unreached;
      common::log::warn("cassandra.reseed_failed", {{"op", op.id},
                                                    {"cluster", cluster.id},
                                                    {"instance", n.instance_id},
                                                    {"error", e.what()}});
    }
  }
  common::log::info("cassandra.reseeded_after_failure", {{"op", op.id},
                                                         {"cluster", cluster.id},
                                                         {"seeds", std::to_string(seeds.size())},
                                                         {"unreached", std::to_string(unreached)}});
}

void add_grow_steps(StepList& steps) {
  steps.push_back(allocate_servers_step(operation_nodes));
  steps.push_back(wait_for_guests_step(operation_nodes));
  steps.push_back(std::make_unique<JoinNodesStep>());
  steps.push_back(std::make_unique<ShareCredentialsStep>(operation_nodes));
  steps.push_back(std::make_unique<ReseedStep>());
  steps.push_back(std::make_unique<CleanupStep>("cleaning up the old nodes one at a time",
                                                nodes_before_the_grow));
  steps.push_back(mark_active_step());
}

void add_cleanup_steps(StepList& steps) {
  steps.push_back(
      std::make_unique<CleanupStep>("cleaning up every node one at a time", nodes_still_named));
  steps.push_back(mark_active_step());
}

void add_shrink_steps(StepList& steps) {
  steps.push_back(std::make_unique<DecommissionStep>());
  steps.push_back(std::make_unique<ReseedStep>());
  steps.push_back(mark_active_step());
}

void add_replace_steps(StepList& steps) {
  steps.push_back(allocate_servers_step(new_node));
  steps.push_back(wait_for_guests_step(new_node));
  steps.push_back(std::make_unique<JoinReplacementStep>());
  steps.push_back(std::make_unique<ShareCredentialsStep>(new_node));
  steps.push_back(std::make_unique<RemoveOldNodeStep>());
  steps.push_back(std::make_unique<ReseedStep>());
  steps.push_back(mark_active_step());
}

}  // namespace automat::datastores::cassandra
