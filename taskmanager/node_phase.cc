#include "taskmanager/node_phase.h"

#include <algorithm>

#include "common/log.h"
#include "common/status.h"

namespace automat::taskmanager {
namespace {

constexpr std::chrono::milliseconds kNow{10};

std::string labels_of(const db::Cluster& cluster, const std::vector<db::Node>& nodes) {
  std::string out;
  for (const auto& n : nodes) out += (out.empty() ? "" : ", ") + node_label(cluster, n.instance_id);
  return out;
}

}  // namespace

std::string node_label(const db::Cluster& cluster, const std::string& id) {
  for (size_t i = 0; i < cluster.nodes.size(); ++i) {
    if (cluster.nodes[i].instance_id == id) {
      return "node " + std::to_string(i + 1) + "/" + std::to_string(cluster.nodes.size());
    }
  }
  return "node " + id;
}

NodePhase::Turn NodePhase::in_turn() { return concurrently(1); }

NodePhase::Turn NodePhase::concurrently(int n) {
  const size_t count = static_cast<size_t>(std::max(1, n));
  return [count](const std::vector<db::Node>& pending) {
    return std::vector<db::Node>(pending.begin(),
                                 pending.begin() + std::min(count, pending.size()));
  };
}

NodePhase::Turn NodePhase::all_at_once() {
  return [](const std::vector<db::Node>& pending) { return pending; };
}

NodePhase::Turn NodePhase::by_zone() { return by_zones(1); }

NodePhase::Turn NodePhase::by_zones(int n) {
  const size_t count = static_cast<size_t>(std::max(1, n));
  return [count](const std::vector<db::Node>& pending) {
    // The zones in progress (a node there shows a phase), then the others
    // in the pending order.
    using Zone = std::pair<std::string, std::string>;  // region, zone
    auto zone_of = [](const db::Node& node) { return Zone{node.region.value_or(""), node.zone}; };
    std::vector<Zone> zones;
    auto add = [&](const db::Node& node) {
      if (std::find(zones.begin(), zones.end(), zone_of(node)) == zones.end()) {
        zones.push_back(zone_of(node));
      }
    };
    for (const auto& node : pending) {
      if (!node.phase.empty()) add(node);
    }
    for (const auto& node : pending) add(node);
    zones.resize(std::min(count, zones.size()));
    std::vector<db::Node> out;
    for (const auto& node : pending) {
      if (std::find(zones.begin(), zones.end(), zone_of(node)) != zones.end()) out.push_back(node);
    }
    return out;
  };
}

StepResult run_node_phase(StepContext& ctx, const db::Cluster& cluster,
                          const std::vector<db::Node>& nodes, const NodePhase& phase) {
  std::vector<db::Node> pending;
  for (const auto& n : nodes) {
    if (!phase.done(ctx, n)) pending.push_back(n);
  }
  if (pending.empty()) return StepResult::next();
  const std::vector<db::Node> turn = phase.turn(pending);

  // Show the phase first, in a run of its own.
  if (!phase.phase.empty()) {
    std::vector<db::Node> showing;
    for (const auto& n : turn) {
      if (n.phase == phase.phase) continue;
      if (phase.may_start) {
        if (auto refused = phase.may_start(ctx, n)) return *refused;
      }
      ctx.services.clusters->set_node_phase(n.instance_id, phase.phase);
      showing.push_back(n);
    }
    if (!showing.empty()) {
      return StepResult::retry(kNow, labels_of(cluster, turn) + " " + phase.phase);
    }
  } else if (phase.may_start) {
    for (const auto& n : turn) {
      if (auto refused = phase.may_start(ctx, n)) return *refused;
    }
  }

  std::optional<StepResult> failure;
  std::optional<std::chrono::milliseconds> wait;
  std::string working;
  for (const auto& n : turn) {
    std::optional<StepResult> r = phase.act(ctx, n);
    if (!r || r->kind == StepResult::Kind::kNext) {
      phase.record(ctx, n);
      if (phase.idle_when_done && !phase.phase.empty()) {
        ctx.services.clusters->set_node_phase(n.instance_id, kNoPhase);
      }
      continue;
    }
    if (r->kind == StepResult::Kind::kFailed) {
      if (!failure) failure = std::move(*r);
      continue;
    }
    wait = wait ? std::min(*wait, r->retry_after) : r->retry_after;
    working += (working.empty() ? "" : "; ") + r->message;
  }
  if (failure) return *failure;
  if (wait) return StepResult::retry(*wait, working);
  return StepResult::retry(kNow, labels_of(cluster, turn) + " " + phase.done_message);
}

}  // namespace automat::taskmanager
