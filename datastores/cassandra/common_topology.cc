#include "datastores/cassandra/common_topology.h"

#include <algorithm>
#include <map>
#include <set>

namespace automat::datastores::cassandra {
namespace {

// The seeds of one DC; `dc_nodes` in input order.
std::set<std::string> plan_dc(const std::vector<const SeedCandidate*>& dc_nodes) {
  std::vector<std::string> racks;  // in order of first appearance
  for (const auto* n : dc_nodes) {
    if (std::find(racks.begin(), racks.end(), n->rack) == racks.end()) racks.push_back(n->rack);
  }
  std::set<std::string> chosen;
  std::set<std::string> seeded_racks;
  auto pick = [&](const SeedCandidate* n) {
    chosen.insert(n->id);
    seeded_racks.insert(n->rack);
  };
  auto room = [&] { return chosen.size() < kMaxSeedsPerDc; };
  // 1. Keep one current seed per rack.
  for (const auto& rack : racks) {
    for (const auto* n : dc_nodes) {
      if (room() && n->rack == rack && n->seed && !seeded_racks.count(rack)) pick(n);
    }
  }
  // 2. Give every rack still without a seed its first node.
  for (const auto& rack : racks) {
    for (const auto* n : dc_nodes) {
      if (room() && n->rack == rack && !seeded_racks.count(rack)) pick(n);
    }
  }
  // 3. Keep further current seeds while there is room.
  for (const auto* n : dc_nodes) {
    if (room() && n->seed) pick(n);
  }
  return chosen;
}

}  // namespace

std::vector<std::string> plan_seeds(const std::vector<SeedCandidate>& nodes) {
  std::map<std::string, std::vector<const SeedCandidate*>> by_dc;
  std::set<std::string> seen;
  for (const auto& n : nodes) {
    if (seen.insert(n.id).second) by_dc[n.dc].push_back(&n);
  }
  std::set<std::string> chosen;
  for (const auto& [dc, dc_nodes] : by_dc) chosen.merge(plan_dc(dc_nodes));
  std::vector<std::string> out;
  for (const auto& n : nodes) {
    if (chosen.erase(n.id)) out.push_back(n.id);
  }
  return out;
}

std::vector<std::string> start_order(const std::vector<SeedCandidate>& nodes,
                                     const std::vector<std::string>& seeds) {
  const std::set<std::string> is_seed(seeds.begin(), seeds.end());
  std::vector<std::string> out;
  for (const auto& n : nodes) {
    if (is_seed.count(n.id)) out.push_back(n.id);
  }
  for (const auto& n : nodes) {
    if (!is_seed.count(n.id)) out.push_back(n.id);
  }
  return out;
}

std::vector<int64_t> new_ring_tokens(size_t index, size_t nodes) {
  std::vector<int64_t> tokens;
  if (index >= nodes) return tokens;
  const unsigned __int128 total = static_cast<unsigned __int128>(nodes) * kNumTokens;
  const unsigned __int128 range = static_cast<unsigned __int128>(1) << 64;
  for (int j = 0; j < kNumTokens; ++j) {
    const unsigned __int128 slot = static_cast<unsigned __int128>(j) * nodes + index;
    // Offset from the range's start (-2^63), then shifted into int64.
    const auto offset = static_cast<uint64_t>(slot * range / total);
    tokens.push_back(static_cast<int64_t>(offset + (uint64_t{1} << 63)));
  }
  return tokens;
}

}  // namespace automat::datastores::cassandra
