#pragma once
// One way to run a phase over a cluster's nodes (a join, a cleanup, a
// decommission; next a backup's upload or a rolling restart): pick the
// nodes whose turn it is (one at a time, N at a time, one rack at a time,
// or groups of the workflow's own), show the phase on them, act on each,
// record each node done in the operation's typed checkpoint, and answer
// the step's result: a retry while some node works (the worker is free
// meanwhile), the node's error when one fails, next once every node is
// done. Every call observes before it acts, so a resumed operation skips
// the nodes its checkpoint lists.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/models.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

// A node's phase (nodes.phase) names the step of the current cluster
// operation it is in, for users to see; each datastore names its own
// phases. This is the phase of a node no operation works on.
inline constexpr const char* kNoPhase = "";

// "node 2/3": the node's place among the cluster's live nodes (by ordinal).
std::string node_label(const db::Cluster& cluster, const std::string& id);

struct NodePhase {
  // Which of the nodes still to do act now. `pending` is never empty and
  // keeps the caller's order.
  using Turn = std::function<std::vector<db::Node>(const std::vector<db::Node>& pending)>;
  // The first node only (the default).
  static Turn in_turn();
  // The first `n` nodes (at least one): as one finishes, the next starts.
  static Turn concurrently(int n);
  // Every pending node at once (however many the cluster has).
  static Turn all_at_once();
  // Every pending node of one zone (and region; a Cassandra rack): the zone
  // in progress (a node there shows a phase), else the first node's; the
  // next zone starts once every node of this one is done.
  static Turn by_zone();
  // Every pending node of up to `n` zones (at least one): the zones in
  // progress first, then the next zones in the pending order; a new zone
  // starts as soon as one of them is done.
  static Turn by_zones(int n);

  // Shown on each node while the phase runs on it (nodes.phase);
  // empty: the phase shows nothing.
  std::string phase;
  // Says what a node that finished the phase went through ("cleaned up").
  std::string done_message = "done";
  Turn turn = in_turn();
  // Whether the node is past the phase (read from the checkpoint).
  std::function<bool(const StepContext&, const db::Node&)> done;
  // Records the node past the phase (in the checkpoint; saved at once).
  std::function<void(StepContext&, const db::Node&)> record;
  // Asked before a node's phase shows, i.e. before any work starts on it:
  // nullopt to go on, or what to answer instead (a retry, a refusal).
  std::function<std::optional<StepResult>(StepContext&, const db::Node&)> may_start;
  // The work on one node: nullopt (or next()) once the node is done; else a
  // retry while it works, or the failure naming the host.
  std::function<std::optional<StepResult>(StepContext&, const db::Node&)> act;
  // Whether a node that finished goes back to the idle phase (false when
  // the phase ends by removing it).
  bool idle_when_done = true;
};

// Runs one round of `phase` over `nodes` (the caller's order) of `cluster`:
//  - next() once every node is done;
//  - else the turn's nodes: those not showing the phase get it (checked
//    with may_start first) and the round answers a retry at once, so the
//    operation's message names them ("node 2/3, node 3/3 cleanup");
//  - else act on each of them; a node that finished is recorded (and made
//    idle); the first failure is answered; else a retry after the shortest
//    wait a node asked for, naming what each still does; else (all of the
//    turn finished) a retry at once saying so ("node 2/3 cleaned up").
StepResult run_node_phase(StepContext& ctx, const db::Cluster& cluster,
                          const std::vector<db::Node>& nodes, const NodePhase& phase);

}  // namespace automat::taskmanager
