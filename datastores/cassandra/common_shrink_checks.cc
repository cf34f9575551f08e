#include "datastores/cassandra/common_shrink_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "datastores/cassandra/common_node_report.h"
#include "datastores/cassandra/common_node_role.h"

namespace automat::datastores::cassandra {
namespace {

using proto::cassandra::Keyspace;
using proto::cassandra::NodeReport;

constexpr const char* kNts = "NetworkTopologyStrategy";

// A replication factor a keyspace asks: in one DC (NetworkTopologyStrategy)
// or over the whole ring (dc empty: SimpleStrategy and the like).
struct Need {
  std::string keyspace;
  std::string strategy;  // short class name
  std::string dc;
  int factor = 0;
};

// "3" or "3/1" (transient replicas) -> 3; nullopt for anything else.
std::optional<int> factor_of(const std::string& s) {
  int n = 0;
  size_t k = 0;
  for (; k < s.size() && s[k] >= '0' && s[k] <= '9' && n < 1000000; ++k) n = n * 10 + (s[k] - '0');
  if (k == 0) return std::nullopt;
  return n;
}

std::string short_class(const Keyspace& ks) {
  std::string cls = ks.strategy();
  if (cls.empty()) {
    const auto it = ks.replication().find("class");
    if (it != ks.replication().end()) cls = it->second;
  }
  return cls.substr(cls.rfind('.') + 1);
}

// What one keyspace of a report asks, appended to `needs`.
void needs_of(const Keyspace& ks, std::vector<Need>& needs) {
  if (ks.name().empty()) return;
  const std::string cls = short_class(ks);
  if (cls == "LocalStrategy") return;
  if (cls == kNts) {
    for (const auto& [dc, value] : ks.replication()) {
      const auto f = factor_of(value);
      if (dc != "class" && f) needs.push_back({ks.name(), cls, dc, *f});
    }
    return;
  }
  const auto rf = ks.replication().find("replication_factor");
  if (rf == ks.replication().end()) return;
  if (const auto f = factor_of(rf->second)) {
    needs.push_back({ks.name(), cls.empty() ? "SimpleStrategy" : cls, "", *f});
  }
}

// Every keyspace need of every report; the largest factor per (keyspace, dc).
std::vector<Need> all_needs(const std::vector<ShrinkMember>& members) {
  std::map<std::pair<std::string, std::string>, Need> merged;
  for (const auto& m : members) {
    if (!m.report || !m.report->has_keyspaces()) continue;
    std::vector<Need> needs;
    for (const auto& ks : m.report->keyspaces().keyspaces()) needs_of(ks, needs);
    for (auto& n : needs) {
      auto& slot = merged[{n.keyspace, n.dc}];
      if (n.factor > slot.factor) slot = std::move(n);
    }
  }
  std::vector<Need> out;
  for (auto& [key, need] : merged) out.push_back(std::move(need));
  return out;
}

bool has_reported(const ShrinkMember& m) {
  return m.report && m.report->has_ring() && m.report->has_load_bytes() &&
         m.report->has_free_disk_bytes();
}

std::string nodes_word(size_t n) { return std::to_string(n) + (n == 1 ? " node" : " nodes"); }

// The members split by DC, and which of them stay.
struct Split {
  std::set<std::string> leaving;
  std::vector<std::string> dcs;  // DCs that lose nodes, in member order
  size_t remaining_total = 0;

  Split(const std::vector<ShrinkMember>& members, const std::vector<std::string>& ids) {
    const std::set<std::string> wanted(ids.begin(), ids.end());
    for (const auto& m : members) {
      if (!wanted.count(m.id)) {
        ++remaining_total;
        continue;
      }
      leaving.insert(m.id);
      if (std::find(dcs.begin(), dcs.end(), m.dc) == dcs.end()) dcs.push_back(m.dc);
    }
  }
  bool leaves(const ShrinkMember& m) const { return leaving.count(m.id) > 0; }
};

std::optional<std::string> unreported(const std::vector<ShrinkMember>& members) {
  for (const auto& m : members) {
    if (!has_reported(m)) {
      return "node " + m.name + " has not reported its ring yet; retry shortly";
    }
  }
  return std::nullopt;
}

// The violated need with the largest factor, if any.
template <typename Violates>
const Need* worst(const std::vector<Need>& needs, Violates violates) {
  const Need* found = nullptr;
  for (const auto& n : needs) {
    if (violates(n) && (!found || n.factor > found->factor)) found = &n;
  }
  return found;
}

std::optional<std::string> too_few_replicas(const std::vector<ShrinkMember>& members,
                                            const Split& split, const std::vector<Need>& needs) {
  const std::string removing = "removing " + nodes_word(split.leaving.size()) + " would leave ";
  const std::string advice =
      "; lower its replication factor (ALTER KEYSPACE) or remove fewer nodes";
  if (const Need* n = worst(needs, [&](const Need& n) {
        return n.dc.empty() && split.remaining_total < size_t(n.factor);
      })) {
    return removing + nodes_word(split.remaining_total) + ", fewer than the replication factor " +
           std::to_string(n->factor) + " of keyspace '" + n->keyspace + "' (" + n->strategy + ")" +
           advice;
  }
  for (const auto& dc : split.dcs) {
    size_t remaining = 0;
    for (const auto& m : members) remaining += m.dc == dc && !split.leaves(m);
    if (const Need* n = worst(
            needs, [&](const Need& n) { return n.dc == dc && remaining < size_t(n.factor); })) {
      return removing + nodes_word(remaining) + " in " + dc +
             ", fewer than the replication factor " + std::to_string(n->factor) + " keyspace '" +
             n->keyspace + "' (" + n->strategy + ") asks in " + dc + advice;
    }
  }
  return std::nullopt;
}

std::optional<std::string> too_little_disk(const std::vector<ShrinkMember>& members,
                                           const Split& split) {
  for (const auto& dc : split.dcs) {
    double leaving_load = 0;
    for (const auto& m : members) {
      if (m.dc == dc && split.leaves(m)) leaving_load += double(m.report->load_bytes());
    }
    for (const auto& m : members) {
      if (m.dc != dc || split.leaves(m)) continue;
      const double free = double(m.report->free_disk_bytes());
      if (free >= leaving_load) continue;
      return "node " + m.name + " has " + human_bytes(free) +
             " of free disk, but the leaving nodes hold " + human_bytes(leaving_load) +
             " of data it may have to take; free disk on " + m.name +
             " or grow the cluster before shrinking it";
    }
  }
  return std::nullopt;
}

std::optional<std::string> lost_rack(const std::vector<ShrinkMember>& members, const Split& split,
                                     const std::vector<Need>& needs) {
  for (const auto& dc : split.dcs) {
    std::set<std::string> before, after;
    for (const auto& m : members) {
      if (m.dc != dc) continue;
      before.insert(m.rack);
      if (!split.leaves(m)) after.insert(m.rack);
    }
    if (after.size() >= before.size()) continue;
    const Need* n = worst(needs, [&](const Need& n) {
      return n.strategy == kNts && n.dc == dc && after.size() < size_t(n.factor);
    });
    if (!n) continue;
    std::string gone;
    for (const auto& r : before) {
      if (!after.count(r)) gone = r;
    }
    return "removing the last node of rack '" + gone + "' would leave " + dc + " with " +
           std::to_string(after.size()) + (after.size() == 1 ? " rack" : " racks") +
           ", fewer than the " + std::to_string(n->factor) + " replicas keyspace '" + n->keyspace +
           "' (" + n->strategy + ") keeps on separate racks there; add a node to rack '" + gone +
           "' first, or remove a node of a rack that keeps others";
  }
  return std::nullopt;
}

}  // namespace

ShrinkVerdict shrink_verdict(const std::vector<ShrinkMember>& members,
                             const std::vector<std::string>& leaving) {
  using Kind = ShrinkVerdict::Kind;
  const Split split(members, leaving);
  if (split.leaving.empty()) return {};
  if (auto why = unreported(members)) return {Kind::kAwaitingReports, *why};
  const bool any_keyspaces = std::any_of(members.begin(), members.end(), [](const auto& m) {
    return m.report && m.report->has_keyspaces();
  });
  if (!any_keyspaces) {
    return {Kind::kAwaitingReports, "no node has reported its keyspaces yet; retry shortly"};
  }
  const std::vector<Need> needs = all_needs(members);
  auto why = too_few_replicas(members, split, needs);
  if (!why) why = too_little_disk(members, split);
  if (!why) why = lost_rack(members, split, needs);
  if (why) return {Kind::kUnsafe, *why};
  return {};
}

std::optional<std::string> shrink_refusal(const std::vector<ShrinkMember>& members,
                                          const std::vector<std::string>& leaving) {
  ShrinkVerdict verdict = shrink_verdict(members, leaving);
  if (verdict.kind == ShrinkVerdict::Kind::kSafe) return std::nullopt;
  return std::move(verdict.reason);
}

namespace {

// The replicas of one range of `n` that can be down at once in a rolling
// restart (see rolling_restart_refusal).
int replicas_down(const Need& n, const std::vector<ShrinkMember>& members, bool by_rack,
                  int concurrency) {
  std::map<std::string, int> racks;  // the need's scope: its DC, or the ring
  int nodes = 0;
  for (const auto& m : members) {
    if (!n.dc.empty() && m.dc != n.dc) continue;
    ++racks[m.rack];
    ++nodes;
  }
  if (!by_rack) return std::min({concurrency, nodes, n.factor});
  const int down_racks = std::min(concurrency, static_cast<int>(racks.size()));
  if (n.strategy == kNts && static_cast<int>(racks.size()) >= n.factor) {
    return std::min(down_racks, n.factor);
  }
  std::vector<int> sizes;
  for (const auto& [rack, count] : racks) sizes.push_back(count);
  std::sort(sizes.rbegin(), sizes.rend());
  int down_nodes = 0;
  for (int k = 0; k < down_racks; ++k) down_nodes += sizes[static_cast<size_t>(k)];
  return std::min(down_nodes, n.factor);
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::optional<std::string> rolling_restart_refusal(const std::vector<ShrinkMember>& members,
                                                   bool by_rack, int concurrency) {
  const bool any_keyspaces = std::any_of(members.begin(), members.end(), [](const auto& m) {
    return m.report && m.report->has_keyspaces();
  });
  if (!any_keyspaces) return "no node has reported its keyspaces yet; retry shortly";
  // Each keyspace's needs, together.
  std::map<std::string, std::vector<Need>> by_keyspace;
  for (auto& n : all_needs(members)) {
    if (n.keyspace != "system_traces") by_keyspace[n.keyspace].push_back(std::move(n));
  }
  const std::string unit = by_rack ? "every node of " + plural(concurrency, "rack", "racks")
                                   : plural(concurrency, "node", "nodes");
  for (const auto& [name, needs] : by_keyspace) {
    int total = 0, down = 0;
    for (const auto& n : needs) {
      total += n.factor;
      down += replicas_down(n, members, by_rack, concurrency);
    }
    const int tolerated = total - (total / 2 + 1);
    if (total <= 0 || down <= tolerated) continue;
    std::string why = "restarting " + unit + " at a time could stop " + std::to_string(down) +
                      " of the " + std::to_string(total) + " replicas keyspace '" + name + "' (" +
                      needs.front().strategy + ") keeps of a token range, but QUORUM needs " +
                      std::to_string(total / 2 + 1) + " of them up";
    if (tolerated == 0) {
      return why + "; with " + plural(total, "replica", "replicas") +
             " QUORUM keeps no replica to spare: raise its replication factor to 3 or more "
             "(ALTER KEYSPACE) before a rolling restart";
    }
    if (by_rack) {
      return why + "; roll by node with concurrency " + std::to_string(tolerated) +
             (concurrency > 1 ? ", or by rack with concurrency 1 once every rack holds one "
                                "replica of a range (at least as many racks as its factor)"
                              : ", or add racks until there are at least as many as its "
                                "replication factor");
    }
    return why + "; use concurrency " + std::to_string(tolerated) + " or less";
  }
  return std::nullopt;
}

std::vector<std::string> grow_disk_warnings(const std::vector<GrowingNode>& nodes, size_t added,
                                            int64_t new_volume_bytes) {
  std::vector<std::string> out;
  double load = 0;
  for (const auto& n : nodes) {
    load += double(n.load_bytes.value_or(0));
    if (!n.used_bytes || !n.total_bytes || *n.total_bytes <= 0) continue;
    const double share = double(*n.used_bytes) / double(*n.total_bytes);
    if (share < kGrowFullShare) continue;
    out.push_back("node " + n.name + "'s volume is " + std::to_string(std::lround(share * 100)) +
                  " % full (" + human_bytes(double(*n.used_bytes)) + " of " +
                  human_bytes(double(*n.total_bytes)) +
                  "): the grow's cleanup rewrites its data and may run out of room; grow the "
                  "volumes first (resize_volume)");
  }
  const size_t after = nodes.size() + added;
  if (added > 0 && after > 0 && new_volume_bytes > 0) {
    const double each = load / double(after);
    if (each >= kGrowFullShare * double(new_volume_bytes)) {
      out.push_back("each new node would take about " + human_bytes(each) + " of the ring's " +
                    human_bytes(load) + " of data, over 90 % of its " +
                    human_bytes(double(new_volume_bytes)) +
                    " volume; grow the volumes first (resize_volume) or add more nodes");
    }
  }
  return out;
}

std::vector<ShrinkMember> shrink_members(const std::vector<db::Node>& nodes) {
  std::vector<ShrinkMember> out;
  out.reserve(nodes.size());
  for (const auto& n : nodes) {
    out.push_back({n.instance_id, n.instance.name.empty() ? n.instance_id : n.instance.name,
                   dc_of(n), n.zone, node_report(n.detail, n.instance_id)});
  }
  return out;
}

std::string human_bytes(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < sizeof kUnits / sizeof *kUnits) {
    bytes /= 1024;
    ++unit;
  }
  char buf[48];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", bytes, kUnits[unit]);
  }
  return buf;
}

}  // namespace automat::datastores::cassandra
