#include "api/cluster_restore.h"

#include <algorithm>
#include <map>

#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

constexpr int64_t kGiB = int64_t(1) << 30;

int gb_holding(int64_t bytes) { return static_cast<int>((bytes + kGiB - 1) / kGiB); }

// "2 nodes in rack1 and 1 in rack2".
std::string per_zone(const std::map<std::string, int>& zones) {
  std::string out;
  size_t k = 0;
  for (const auto& [zone, count] : zones) {
    if (k) out += k + 1 == zones.size() ? " and " : ", ";
    out += std::to_string(count) + (k ? "" : count == 1 ? " node" : " nodes") + " in " + zone;
    ++k;
  }
  return out;
}

}  // namespace

std::vector<std::string> plan_cluster_restore(ClusterCreateRequest& req,
                                              const ClusterTarget& target,
                                              const ApiServices& services,
                                              const std::string& tenant_id) {
  const ClusterRestoreRequest& restore = *req.restore;
  const std::string field = "cluster.restore.backup";
  const auto backup =
      services.backups ? services.backups->find(tenant_id, restore.backup_id) : std::nullopt;
  if (!backup) {
    throw common::bad_request(field + ": backup " + common::excerpt(restore.backup_id) +
                              " was not found");
  }
  if (backup->status != db::backup_status::kCompleted) {
    throw common::bad_request(field + ": backup " + backup->id + " is " + backup->status +
                              "; only a COMPLETED backup can be restored");
  }
  if (!backup->cluster_id) {
    throw common::bad_request(field + ": backup " + backup->id +
                              " is an instance's backup; restore it with POST /instances and "
                              "restorePoint");
  }
  if (backup->datastore_name != target.version.datastore_name) {
    throw common::bad_request(field + ": backup " + backup->id + " is a " + backup->datastore_name +
                              " backup; it cannot be restored into a " +
                              target.version.datastore_name + " cluster");
  }
  if (backup->datastore_version_name != target.version.name) {
    throw common::bad_request(field + ": backup " + backup->id + " was taken of " +
                              backup->datastore_name + " " + backup->datastore_version_name +
                              "; restore it into a cluster of that version");
  }
  const ClusterStrategy& strategy = *target.strategy;
  const std::vector<BackedUpNode> sources = strategy.backed_up_nodes(*backup);

  if (req.nodes.empty()) {
    int volume = 0;
    for (const auto& s : sources) {
      volume = std::max({volume, s.volume_size_gb, gb_holding(s.bytes)});
    }
    for (const auto& s : sources) {
      req.nodes.push_back({s.flavor_id, volume, s.zone, field});
    }
  } else {
    std::map<std::string, int> held, asked;
    for (const auto& s : sources) ++held[s.zone];
    for (const auto& n : req.nodes) ++asked[n.zone.value_or(strategy.default_zone())];
    if (held != asked) {
      throw common::bad_request("cluster.instances: backup " + backup->id + " holds " +
                                per_zone(held) + "; the request asks for " + per_zone(asked) +
                                ": give the same number of nodes per " + strategy.zone_word() +
                                ", or leave cluster.instances out to copy the backup's");
    }
  }

  std::vector<std::string> taken_over;
  std::vector<bool> used(sources.size(), false);
  for (const auto& n : req.nodes) {
    const std::string zone = n.zone.value_or(strategy.default_zone());
    size_t k = 0;
    while (k < sources.size() && (used[k] || sources[k].zone != zone)) ++k;
    if (k == sources.size()) throw common::internal_error("no backed-up node left in " + zone);
    used[k] = true;
    const int64_t room = static_cast<int64_t>(n.volume_size_gb.value_or(0)) * kGiB;
    if (room < sources[k].bytes) {
      throw common::bad_request(n.field +
                                ".volume.size: " + std::to_string(n.volume_size_gb.value_or(0)) +
                                " GB cannot hold the " + std::to_string(sources[k].bytes) +
                                " bytes node " + sources[k].instance_id + " held; give at least " +
                                std::to_string(gb_holding(sources[k].bytes)) + " GB");
    }
    taken_over.push_back(sources[k].instance_id);
  }
  return taken_over;
}

}  // namespace automat::api
