#include "datastores/cassandra/workflow_cassandra_nodes.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/common_node_report.h"

namespace automat::datastores::cassandra {

using nlohmann::json;
using taskmanager::StepContext;
using taskmanager::StepResult;

std::vector<std::string> id_list(const StepContext& ctx, const char* key) {
  const json& p = ctx.operation.params;
  if (!p.is_object() || !p.contains(key) || !p[key].is_array()) {
    throw common::internal_error("operation " + ctx.operation.id + " has no '" + key + "' list");
  }
  std::vector<std::string> ids;
  for (const auto& v : p[key]) {
    if (v.is_string()) ids.push_back(v.get<std::string>());
  }
  return ids;
}

std::string id_param(const StepContext& ctx, const char* key) {
  const json& p = ctx.operation.params;
  if (!p.is_object() || !p.contains(key) || !p[key].is_string()) {
    throw common::internal_error("operation " + ctx.operation.id + " has no '" + key + "'");
  }
  return p[key].get<std::string>();
}

bool listed(const StepContext& ctx, const char* key, const std::string& id) {
  const json& p = ctx.operation.params;
  if (!p.is_object() || !p.contains(key) || !p[key].is_array()) return false;
  return std::find(p[key].begin(), p[key].end(), json(id)) != p[key].end();
}

void add_listed(StepContext& ctx, const char* key, const std::string& id) {
  if (listed(ctx, key, id)) return;
  json& p = ctx.operation.params;
  if (!p.contains(key) || !p[key].is_array()) p[key] = json::array();
  p[key].push_back(id);
  save_params(ctx);
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

std::string node_label(const db::Cluster& cluster, const std::string& id) {
  for (size_t i = 0; i < cluster.nodes.size(); ++i) {
    if (cluster.nodes[i].instance_id == id) {
      return "node " + std::to_string(i + 1) + "/" + std::to_string(cluster.nodes.size());
    }
  }
  return "node " + id;
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
    if (it->rack != node.rack) {
      return address + " is in rack " + it->rack + ", expected " + node.rack;
    }
  }
  return std::nullopt;
}

std::vector<std::string> seed_addresses(const db::Cluster& cluster) {
  std::vector<std::string> seeds;
  for (const auto& n : cluster.nodes) {
    if (n.seed && n.instance.address && !n.instance.address->empty()) {
      seeds.push_back(*n.instance.address);
    }
  }
  return seeds;
}

// Distinct racks of `dc` among the cluster's nodes.
static int racks_in_dc(const db::Cluster& cluster, const std::string& dc) {
  std::set<std::string> racks;
  for (const auto& n : cluster.nodes) {
    if (n.dc == dc) racks.insert(n.rack);
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
  settings.set_rack(node.rack);
  settings.set_dc(node.dc);
  settings.set_auto_bootstrap(auto_bootstrap);
  settings.set_standalone(false);
  settings.set_racks(racks_in_dc(cluster, node.dc));
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
  ctx.operation.params["failed_node"] = id;
}

StepResult guest_error(StepContext& ctx, const db::Node& node, const std::string& doing,
                       const std::exception& e) {
  const auto* err = dynamic_cast<const common::Error*>(&e);
  const std::string host = node.instance.address.value_or(node.instance_id);
  if (err && err->code() == common::ErrorCode::kUnavailable) {
    return StepResult::retry(std::chrono::seconds(1), doing + ": " + e.what());
  }
  common::log::warn("cassandra.node_failed", {{"op", ctx.operation.id},
                                              {"cluster", ctx.operation.resource_id},
                                              {"instance", node.instance_id},
                                              {"error", e.what()}});
  note_failed_node(ctx, node.instance_id);
  return StepResult::failed(host, doing + " failed on " + host + ": " + e.what());
}

}  // namespace automat::datastores::cassandra
