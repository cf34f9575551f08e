// cluster.create and cluster.delete, and the steps grow and replace reuse.
#include <algorithm>

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/cassandra/common_node_role.h"
#include "datastores/cassandra/common_topology.h"
#include "datastores/cassandra/workflow_cassandra_backup.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "datastores/cassandra/workflow_cassandra_login.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "datastores/cassandra/workflow_cassandra_prepare.h"
#include "datastores/cassandra/workflow_cassandra_steps.h"
#include "taskmanager/instance_steps.h"

namespace automat::datastores::cassandra {
namespace {

using namespace automat::taskmanager;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kHeartbeatPoll{500};  // waiting on heartbeats

// The nodes `ids` names, in that order: each the cluster's live node, or,
// when its row is gone, a node that knows only its id (a delete still
// reaches its server).
std::vector<db::Node> named_nodes(const db::Cluster& cluster, const std::vector<std::string>& ids) {
  std::vector<db::Node> out;
  for (const auto& id : ids) {
    if (const db::Node* n = node_in(cluster, id)) {
      out.push_back(*n);
    } else {
      db::Node gone;
      gone.instance_id = id;
      out.push_back(std::move(gone));
    }
  }
  return out;
}

// How an instance step runs as a node phase: where a node done is recorded
// (so a resumed operation skips it), what a finished node went through,
// and which nodes act together.
struct InstancePhase {
  NodeMark point;
  std::string done_message;
  NodePhase::Turn turn;
};

// An instance step (taskmanager/instance_steps.h) run on each node `ids`
// names as a node phase (taskmanager/node_phase.h); a node that waits is
// named in the operation's message ("node 2/3: waiting for the guest agent
// at ..."), one that fails is the operation's failed node (run_for_node).
class InstancePhaseStep : public NamedStep {
 public:
  using MakeStep = std::function<std::unique_ptr<InstanceStep>()>;
  InstancePhaseStep(std::string name, std::string description, seconds timeout, NodeIds ids,
                    MakeStep make, InstancePhase how)
      : NamedStep(std::move(name), std::move(description), timeout),
        ids_(std::move(ids)),
        make_(std::move(make)),
        how_(std::move(how)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    NodePhase phase = marked_phase(kNoPhase, how_.point, how_.done_message, how_.turn);
    phase.act = [&](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      const auto step = make_();
      StepResult r = run_for_node(*step, c, n.instance_id);
      if (r.kind == StepResult::Kind::kRetry) {
        r.message = node_label(cluster, n.instance_id) + ": " + r.message;
      }
      return r;
    };
    return run_node_phase(ctx, cluster, named_nodes(cluster, ids_(ctx)), phase);
  }

 private:
  NodeIds ids_;
  MakeStep make_;
  InstancePhase how_;
};

// A new ring in start_batches' order, each node prepared with auto_bootstrap
// off and its own initial tokens (new_ring_tokens). Started nodes are listed
// in the checkpoint's "started"; a batch's nodes show phase "joining" (saved
// in a run of its own, so the operation's message says which nodes are
// joining).
class StartRingStep : public NamedStep {
 public:
  StartRingStep() : NamedStep("start-ring", "starting the ring's nodes", seconds(1200)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    const auto ids = operation_nodes(ctx);
    std::vector<db::Node> nodes;
    for (const auto& id : ids) {
      const db::Node* n = node_in(cluster, id);
      if (!n) throw common::not_found("node " + id + " of cluster " + cluster.id + " is gone");
      nodes.push_back(*n);
    }
    const auto batches = start_batches(ids, [&](const std::string& id) {
      const db::Node* n = node_in(cluster, id);
      return n && is_seed(*n);
    });
    const auto seeds = seed_addresses(cluster);
    NodePhase start;
    start.phase = node_phase::kJoining;
    start.done_message = "started";
    // A batch's pending nodes start together.
    start.turn = [&](const std::vector<db::Node>& pending) {
      for (const auto& batch : batches) {
        std::vector<db::Node> turn;
        for (const auto& n : pending) {
          if (std::find(batch.begin(), batch.end(), n.instance_id) != batch.end()) {
            turn.push_back(n);
          }
        }
        if (!turn.empty()) return turn;
      }
      return pending;
    };
    start.done = [](const StepContext& c, const db::Node& n) {
      return marked(c.operation, NodeMark::kStarted, n.instance_id);
    };
    start.record = [&](StepContext& c, const db::Node& n) {
      mark(c, NodeMark::kStarted, n.instance_id);
      common::log::info(
          "cassandra.node_started",
          {{"op", c.operation.id}, {"cluster", cluster.id}, {"instance", n.instance_id}});
    };
    // Only starts or looks at the node's prepare job: the batch starts
    // together, and nothing here waits for Cassandra.
    start.act = [&](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      // Tokens by the node's place in the new ring: nodes that start
      // together must not allocate tokens from the same view of the ring.
      // A restored ring's node takes its source node's tokens, so the
      // files it loads are its own.
      const auto place = std::find(ids.begin(), ids.end(), n.instance_id) - ids.begin();
      const auto restored = restored_tokens(c, n.instance_id);
      NodePrepare call = NodePrepare::begin(
          c, n,
          node_config(
              cluster, n, seeds, /*auto_bootstrap=*/false, "",
              restored ? *restored : new_ring_tokens(static_cast<size_t>(place), ids.size())));
      call.run(c);
      if (call.ok()) return std::nullopt;
      return call.result(c, "starting Cassandra");
    };
    return run_node_phase(ctx, cluster, nodes, start);
  }
};

// The admin superuser replaces cassandra/cassandra through the first node
// (a guest job), then every node gets the login (secure_and_share_login).
// The password is never stored by the control plane.
class SecureRingStep : public NamedStep {
 public:
  SecureRingStep() : NamedStep("secure-ring", "creating the ring's admin login", seconds(900)) {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    const auto ids = operation_nodes(ctx);
    const db::Node* first = node_in(cluster, ids.at(0));
    if (!first) throw common::not_found("node " + ids.at(0) + " is gone");
    std::vector<db::Node> others;
    for (size_t i = 1; i < ids.size(); ++i) {
      if (const db::Node* n = node_in(cluster, ids[i])) others.push_back(*n);
    }
    if (auto pending = secure_and_share_login(ctx, cluster, *first, others, "securing the ring")) {
      return *pending;
    }
    common::log::info("cassandra.ring_secured",
                      {{"op", ctx.operation.id}, {"cluster", cluster.id}, {"admin", kAdminUser}});
    return StepResult::next();
  }
};

class WaitForRingStep : public NamedStep {
 public:
  WaitForRingStep()
      : NamedStep("wait-for-ring", "waiting until every node reports every node UN", seconds(300)) {
  }
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    for (const auto& node : cluster.nodes) {
      const auto ring = reported_ring(node);
      const std::string label = node_label(cluster, node.instance_id);
      if (!ring) return StepResult::retry(kHeartbeatPoll, label + " has not reported its ring yet");
      if (auto gap = ring_gap(*ring, cluster.nodes)) {
        return StepResult::retry(kHeartbeatPoll, label + " reports " + *gap);
      }
    }
    return StepResult::next();
  }
};

class MarkActiveStep : public NamedStep {
 public:
  MarkActiveStep() : NamedStep("mark-active", "marking the cluster active") {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    for (const auto& n : cluster.nodes) {
      ctx.services.instances->set_task(n.instance_id, common::task::kNone);
      ctx.services.instances->set_fault(n.instance_id, std::nullopt);
      if (!n.phase.empty()) {
        ctx.services.clusters->set_node_phase(n.instance_id, kNoPhase);
      }
    }
    ctx.services.clusters->set_status(cluster.id, common::cluster_status::kActive);
    ctx.services.clusters->set_task(cluster.id, common::cluster_task::kNone);
    return StepResult::next();
  }
};

// Asks every node's Cassandra to stop: every node's stop job
// (StopDatastoreStep) starts in one round, so the guests stop in parallel,
// and the step looks at them again on each run (each job has its own
// deadline of two minutes). A stop that fails is only logged: destroying
// the server ends every process anyway.
class StopNodesStep : public NamedStep {
 public:
  StopNodesStep() : NamedStep("stop-nodes", "stopping Cassandra on every node") {}
  StepResult run(StepContext& ctx) override {
    const db::Cluster cluster = cluster_of(ctx);
    NodePhase stop =
        marked_phase(kNoPhase, NodeMark::kStopped, "stopped", NodePhase::all_at_once());
    stop.act = [](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      std::string why;
      try {
        StopDatastoreStep step(DatastoreLabel{"Cassandra"});
        const StepResult r = step.run_on(c, n.instance_id);
        if (r.kind == StepResult::Kind::kNext) return std::nullopt;
        if (r.kind == StepResult::Kind::kRetry) return r;  // its stop job runs
        why = r.message;
      } catch (const common::Error& e) {
        why = e.what();
      }
      common::log::warn("cassandra.stop_failed", {{"op", c.operation.id},
                                                  {"cluster", c.operation.resource_id},
                                                  {"instance", n.instance_id},
                                                  {"error", why}});
      return std::nullopt;
    };
    return run_node_phase(ctx, cluster, named_nodes(cluster, operation_nodes(ctx)), stop);
  }
};

class RemoveRecordsStep : public NamedStep {
 public:
  RemoveRecordsStep() : NamedStep("remove-records", "removing the cluster's records") {}
  StepResult run(StepContext& ctx) override {
    for (const auto& id : operation_nodes(ctx)) ctx.services.instances->mark_deleted(id);
    ctx.services.clusters->mark_deleted(ctx.operation.resource_id);
    return StepResult::next();
  }
};

}  // namespace

std::vector<std::vector<std::string>> start_batches(
    const std::vector<std::string>& ids, const std::function<bool(const std::string&)>& is_seed) {
  std::vector<std::vector<std::string>> batches;
  const auto first_seed = std::find_if(ids.begin(), ids.end(), is_seed);
  const std::string first = first_seed != ids.end() ? *first_seed : ids.empty() ? "" : ids.front();
  if (first.empty()) return batches;
  batches.push_back({first});
  std::vector<std::string> rest;
  for (const auto& id : ids) {
    if (id != first) rest.push_back(id);
  }
  if (!rest.empty()) batches.push_back(std::move(rest));
  return batches;
}

std::unique_ptr<Step> allocate_servers_step(NodeIds ids) {
  // One server at a time, each recorded before the next is asked for.
  return std::make_unique<InstancePhaseStep>(
      "allocate-servers", "allocating the nodes' servers", seconds(300), std::move(ids),
      [] { return std::make_unique<AllocateServerStep>(); },
      InstancePhase{NodeMark::kAllocated, "allocated", NodePhase::in_turn()});
}

std::unique_ptr<Step> wait_for_guests_step(NodeIds ids) {
  // Only pings: every node's guest is waited for at once.
  return std::make_unique<InstancePhaseStep>(
      "wait-for-guests", "waiting for the nodes' guest agents", seconds(120), std::move(ids),
      [] { return std::make_unique<WaitForGuestStep>(); },
      InstancePhase{NodeMark::kGuestAnswered, "answered", NodePhase::all_at_once()});
}

std::unique_ptr<Step> wait_for_ring_step() { return std::make_unique<WaitForRingStep>(); }
std::unique_ptr<Step> mark_active_step() { return std::make_unique<MarkActiveStep>(); }

void add_create_steps(StepList& steps) {
  steps.push_back(allocate_servers_step(operation_nodes));
  steps.push_back(wait_for_guests_step(operation_nodes));
  steps.push_back(std::make_unique<StartRingStep>());
  steps.push_back(std::make_unique<SecureRingStep>());
  steps.push_back(wait_for_ring_step());
  add_cluster_restore_steps(steps);
  steps.push_back(mark_active_step());
}

void add_delete_steps(StepList& steps) {
  steps.push_back(std::make_unique<StopNodesStep>());
  steps.push_back(std::make_unique<InstancePhaseStep>(
      "destroy-servers", "destroying the nodes' servers", seconds(300), operation_nodes,
      [] { return std::make_unique<DestroyServerStep>(); },
      InstancePhase{NodeMark::kDestroyed, "destroyed", NodePhase::all_at_once()}));
  steps.push_back(std::make_unique<RemoveRecordsStep>());
}

}  // namespace automat::datastores::cassandra
