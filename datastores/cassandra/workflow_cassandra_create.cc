// cluster.create and cluster.delete, and the steps grow and replace reuse.
#include <algorithm>
#include <future>

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

constexpr milliseconds kPoll{500};  // waiting on heartbeats

std::vector<std::string> op_nodes(const StepContext& ctx) { return input_nodes(ctx.operation); }

// Runs an instance step on each node in turn; the first that is not done decides.
class EachNodeStep : public NamedStep {
 public:
  EachNodeStep(std::string name, std::string description, NodeIds ids,
               std::function<std::unique_ptr<InstanceStep>()> make, seconds timeout)
      : NamedStep(std::move(name), std::move(description), timeout),
        ids_(std::move(ids)),
        make_(std::move(make)) {}
  StepResult run(StepContext& ctx) override {
    for (const auto& id : ids_(ctx)) {
      auto step = make_();
      StepResult r = run_for_node(*step, ctx, id);
      if (r.kind != StepResult::Kind::kNext) return r;
    }
    return StepResult::next();
  }

 private:
  NodeIds ids_;
  std::function<std::unique_ptr<InstanceStep>()> make_;
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
    const auto ids = op_nodes(ctx);
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
    const auto ids = op_nodes(ctx);
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
      if (!ring) return StepResult::retry(kPoll, label + " has not reported its ring yet");
      if (auto gap = ring_gap(*ring, cluster.nodes)) {
        return StepResult::retry(kPoll, label + " reports " + *gap);
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

// Stops every node's Cassandra at once (a stop may take a while each).
class StopNodesStep : public NamedStep {
 public:
  StopNodesStep() : NamedStep("stop-nodes", "stopping Cassandra on every node") {}
  StepResult run(StepContext& ctx) override {
    std::vector<std::future<StepResult>> stops;
    for (const auto& id : op_nodes(ctx)) {
      stops.push_back(std::async(std::launch::async, [&ctx, id] {
        StopDatastoreStep stop(DatastoreLabel{"Cassandra"});
        return stop.run_on(ctx, id);
      }));
    }
    for (auto& s : stops) s.get();  // a stop that fails is only logged
    return StepResult::next();
  }
};

class RemoveRecordsStep : public NamedStep {
 public:
  RemoveRecordsStep() : NamedStep("remove-records", "removing the cluster's records") {}
  StepResult run(StepContext& ctx) override {
    for (const auto& id : op_nodes(ctx)) ctx.services.instances->mark_deleted(id);
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
  return std::make_unique<EachNodeStep>(
      "allocate-servers", "allocating the nodes' servers", std::move(ids),
      [] { return std::make_unique<AllocateServerStep>(); }, seconds(300));
}

std::unique_ptr<Step> wait_for_guests_step(NodeIds ids) {
  return std::make_unique<EachNodeStep>(
      "wait-for-guests", "waiting for the nodes' guest agents", std::move(ids),
      [] { return std::make_unique<WaitForGuestStep>(); }, seconds(120));
}

std::unique_ptr<Step> wait_for_ring_step() { return std::make_unique<WaitForRingStep>(); }
std::unique_ptr<Step> mark_active_step() { return std::make_unique<MarkActiveStep>(); }

void add_create_steps(StepList& steps) {
  steps.push_back(allocate_servers_step(op_nodes));
  steps.push_back(wait_for_guests_step(op_nodes));
  steps.push_back(std::make_unique<StartRingStep>());
  steps.push_back(std::make_unique<SecureRingStep>());
  steps.push_back(wait_for_ring_step());
  add_cluster_restore_steps(steps);
  steps.push_back(mark_active_step());
}

void add_delete_steps(StepList& steps) {
  steps.push_back(std::make_unique<StopNodesStep>());
  steps.push_back(std::make_unique<EachNodeStep>(
      "destroy-servers", "destroying the nodes' servers", op_nodes,
      [] { return std::make_unique<DestroyServerStep>(); }, seconds(300)));
  steps.push_back(std::make_unique<RemoveRecordsStep>());
}

}  // namespace automat::datastores::cassandra
