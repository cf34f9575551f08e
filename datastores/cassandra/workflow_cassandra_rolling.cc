// cluster.resize_flavor: a rolling restart of the ring onto a new flavor,
// QUORUM kept. The API refused any by/concurrency that could stop more
// replicas of a range than QUORUM tolerates (rolling_restart_refusal,
// common_shrink_checks.h); this step keeps to it: a node starts only while
// every node outside the turn is UN, and the next turn waits until the
// restarted node is UN as every other node sees it and no node holds hints
// for it.
#include <algorithm>

#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "datastores/cassandra/workflow_cassandra_steps.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/node_phase.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"

namespace automat::datastores::cassandra {
namespace {

using namespace automat::taskmanager;
using proto::ClusterResizeFlavorCheckpoint;
using proto::ClusterResizeFlavorInput;
using std::chrono::milliseconds;

constexpr milliseconds kRollPoll{1000};
constexpr milliseconds kJobPoll{2000};
constexpr milliseconds kRingCall{15000};
constexpr std::chrono::hours kRollingStep{6};

bool listed(const google::protobuf::RepeatedPtrField<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

ClusterResizeFlavorCheckpoint progress(const StepContext& ctx) {
  return checkpoint_of<ClusterResizeFlavorCheckpoint>(ctx.operation);
}

std::string host_of(const db::Node& n) { return n.instance.address.value_or(n.instance_id); }

bool by_zone(const ClusterResizeFlavorInput& input) {
  return input.turn() == ClusterResizeFlavorInput::BY_ZONE;
}

// "rack rack2: node 2/3" by rack, "node 2/3" by node.
std::string label_of(const ClusterResizeFlavorInput& input, const db::Cluster& cluster,
                     const db::Node& n) {
  const std::string node = node_label(cluster, n.instance_id);
  return by_zone(input) ? "rack " + n.zone + ": " + node : node;
}

// The ring as `from` sees it; nullopt (and `why` set) when it does not answer.
std::optional<std::vector<RingMember>> ring_seen_by(StepContext& ctx, const db::Node& from,
                                                    std::string& why) {
  try {
    return ring_from(cassandra_guest(ctx, from.instance_id).ring_status(kRingCall));
  } catch (const std::exception& e) {
    why = host_of(from) + " does not answer (" + e.what() + ")";
    return std::nullopt;
  }
}

class RollingResizeStep : public NamedStep {
 public:
  RollingResizeStep()
      : NamedStep("rolling-restart",
                  "restarting the nodes onto the new flavor, keeping QUORUM for every keyspace",
                  kRollingStep) {}

  StepResult run(StepContext& ctx) override {
    const auto input = input_of<ClusterResizeFlavorInput>(ctx.operation);
    const db::Cluster cluster = cluster_of(ctx);
    std::vector<db::Node> nodes;
    for (const auto& id : input.instance_ids()) {
      if (const db::Node* n = node_in(cluster, id)) nodes.push_back(*n);
    }
    const std::string flavor = "flavor '" + input.flavor_id() + "'";
    NodePhase roll;
    roll.phase = node_phase::kRestarting;
    roll.done_message = "runs with " + flavor;
    roll.turn = by_zone(input) ? NodePhase::by_zones(input.concurrency())
                               : NodePhase::concurrently(input.concurrency());
    roll.done = [](const StepContext& c, const db::Node& n) {
      return listed(progress(c).resized(), n.instance_id);
    };
    roll.record = [&input](StepContext& c, const db::Node& n) {
      c.services.instances->set_flavor(n.instance_id, input.flavor_id());
      auto cp = progress(c);
      if (!listed(cp.resized(), n.instance_id)) cp.add_resized(n.instance_id);
      save_checkpoint(c, cp);
      common::log::info("cassandra.node_resized", {{"op", c.operation.id},
                                                   {"cluster", c.operation.resource_id},
                                                   {"instance", n.instance_id},
                                                   {"flavor", input.flavor_id()}});
    };
    // A node starts only while every node outside the roll's current turn
    // is UN (one that went down meanwhile would cost QUORUM a replica).
    roll.may_start = [&](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      std::vector<db::Node> steady;
      for (const auto& m : cluster.nodes) {
        if (m.phase != node_phase::kRestarting && m.instance_id != n.instance_id) {
          steady.push_back(m);
        }
      }
      if (steady.empty()) return std::nullopt;
      std::string why;
      const auto ring = ring_seen_by(c, steady.front(), why);
      if (ring) {
        if (auto gap = ring_gap(*ring, steady)) why = *gap;
      }
      if (why.empty()) return std::nullopt;
      return StepResult::retry(kRollPoll, label_of(input, cluster, n) +
                                              " waits before restarting: every other node must be "
                                              "UN first; " +
                                              why);
    };
    roll.act = [&](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
      if (!listed(progress(c).restarted(), n.instance_id)) {
        if (auto pending = restart(c, input, cluster, n)) return pending;
      }
      return back_in_service(c, input, cluster, n);
    };
    return run_node_phase(ctx, cluster, nodes, roll);
  }

 private:
  // The server's record gets the new RAM (a restarted guest keeps it), then
  // the guest restarts Cassandra with the new heap as a job (drain, stop,
  // start; the old heap again when the new one does not start). nullopt
  // once it ran; a retry while it runs; the host's error when it failed.
  static std::optional<StepResult> restart(StepContext& ctx, const ClusterResizeFlavorInput& input,
                                           const db::Cluster& cluster, const db::Node& n) {
    const std::string label = label_of(input, cluster, n);
    const std::string flavor = "flavor '" + input.flavor_id() + "'";
    // The server's record is written again and the job call is keyed: both
    // are asked again once the guest answers.
    const JobFollow follow{
        {host_of(n), "restarting " + host_of(n) + " with " + flavor, Repeat::kIdempotent, kJobPoll,
         label + " restarting: its guest does not answer yet"},
        kJobPoll,
        label + " restarting",
        std::chrono::minutes(30)};  // a drain, a stop and a JVM start
    GuestJobState job;
    const auto pending = follow_guest_job(
        [&] {
          compute::ServerSpec spec = server_spec(ctx.services, n.instance);
          spec.ram_mb = input.ram_mb();
          ctx.services.compute->create(spec);
          auto guest = ctx.services.guests->connect(server_of(ctx, n.instance_id));
          return drive_guest_job(ctx, n.instance_id,
                                 guest_job_key(ctx.operation.id, "resize", n.instance_id),
                                 [&](const std::string& key) {
                                   return guest->start_resize(key, input.ram_mb(), kRingCall);
                                 });
        },
        follow, job);
    if (pending) return pending;
    if (job.kind == GuestJobState::Kind::kFailed) {
      common::log::warn(
          "cassandra.node_resize_failed",
          {{"op", ctx.operation.id}, {"instance", n.instance_id}, {"error", job.message}});
      return StepResult::failed(host_of(n), "Cassandra on " + host_of(n) + " could not take " +
                                                flavor + ": " + job.message);
    }
    auto cp = progress(ctx);
    if (!listed(cp.restarted(), n.instance_id)) cp.add_restarted(n.instance_id);
    save_checkpoint(ctx, cp);
    return std::nullopt;
  }

  // nullopt once `n` is UN as it and every other node that answers see it
  // (a node restarting in the same turn does not answer: it is skipped) and
  // no node holds hints for it; else a retry saying what it waits for.
  static std::optional<StepResult> back_in_service(StepContext& ctx,
                                                   const ClusterResizeFlavorInput& input,
                                                   const db::Cluster& cluster, const db::Node& n) {
    const std::string label = label_of(input, cluster, n);
    std::string why;
    if (const auto ring = ring_seen_by(ctx, n, why)) {
      if (auto gap = ring_gap(*ring, {n})) why = *gap;
    }
    if (!why.empty()) return StepResult::retry(kRollPoll, label + " waiting for UN: " + why);
    const auto cp = progress(ctx);
    for (const auto& m : cluster.nodes) {
      if (m.instance_id == n.instance_id) continue;
      // A node of the same turn still restarting is checked once it is back.
      if (m.phase == node_phase::kRestarting && !listed(cp.restarted(), m.instance_id)) continue;
      std::string unused;
      const auto ring = ring_seen_by(ctx, m, unused);
      if (!ring) continue;
      if (auto gap = ring_gap(*ring, {n})) {
        return StepResult::retry(kRollPoll,
                                 label + " waiting for UN as " + host_of(m) + " sees it: " + *gap);
      }
      try {
        const auto hints = cassandra_guest(ctx, m.instance_id).pending_hints(kRingCall);
        for (const auto& t : hints.targets()) {
          if (t.files() > 0 && t.address() == host_of(n)) {
            return StepResult::retry(
                kRollPoll, label + " waiting for its hints: " + host_of(m) + " holds " +
                               std::to_string(t.files()) +
                               (t.files() == 1 ? " hint file" : " hint files") + " for it");
          }
        }
      } catch (const std::exception& e) {
        return StepResult::retry(kRollPoll, label + " waiting for its hints: " + host_of(m) +
                                                " does not answer (" + e.what() + ")");
      }
    }
    return std::nullopt;
  }
};

}  // namespace

void add_rolling_resize_steps(StepList& steps) {
  steps.push_back(std::make_unique<RollingResizeStep>());
  steps.push_back(mark_active_step());
}

void rolling_resize_failed(Services& services, const db::Operation& op) {
  const auto cluster = services.clusters->find_any(op.resource_id);
  if (!cluster) return;
  ClusterResizeFlavorInput input;
  ClusterResizeFlavorCheckpoint cp;
  try {
    input = input_of<ClusterResizeFlavorInput>(op);
    cp = checkpoint_of<ClusterResizeFlavorCheckpoint>(op);
  } catch (const common::Error& e) {
    common::log::warn("cassandra.checkpoint_unreadable", {{"op", op.id}, {"error", e.what()}});
  }
  for (const auto& n : cluster->nodes) {
    if (!n.phase.empty()) services.clusters->set_node_phase(n.instance_id, kNoPhase);
    if (n.instance.task != common::task::kNone) {
      services.instances->set_task(n.instance_id, common::task::kNone);
    }
    try {
      if (listed(cp.restarted(), n.instance_id)) {
        // It runs with the new flavor: its row says so.
        services.instances->set_flavor(n.instance_id, input.flavor_id());
      } else if (listed(input.instance_ids(), n.instance_id)) {
        // It runs with its old flavor (the guest went back to it, or was
        // never asked): so does its server's record.
        services.compute->create(server_spec(services, n.instance));
      }
    } catch (const std::exception& e) {
      common::log::warn("cassandra.resize_undo_failed",
                        {{"op", op.id}, {"instance", n.instance_id}, {"error", e.what()}});
    }
  }
  services.clusters->set_task(cluster->id, common::cluster_task::kNone);
}

}  // namespace automat::datastores::cassandra
