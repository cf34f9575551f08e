#pragma once
// Whether a Cassandra ring may lose some of its nodes. Pure (no I/O): fed
// from the nodes' last reports (NodeReport in cassandra_guest.proto: the
// ring, the keyspaces with their replication, load_bytes, free_disk_bytes),
// as shrink_members() decodes them from service_statuses.detail.
// The API refuses an unsafe shrink with 422; the shrink workflow checks
// again right before each decommission (the ring may have changed since).
#include <optional>
#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_guest.pb.h"
#include "db/models.h"

namespace automat::datastores::cassandra {

// A ring member as the shrink checks see it.
struct ShrinkMember {
  std::string id;    // instance id
  std::string name;  // shown in messages
  std::string dc;
  std::string rack;
  // Its last report; nullopt when it has not reported (or its detail did
  // not decode).
  std::optional<proto::cassandra::NodeReport> report;
};

// Why removing the members whose ids are in `leaving` from `members` is
// unsafe, as a message a user can act on; nullopt when it is safe. Checked
// in this order, for each DC that loses nodes:
//  1. every member has reported its ring (a report with a ring,
//     load_bytes and free_disk_bytes), else "node X has not reported its
//     ring yet; retry shortly"; and at least one member has reported its
//     keyspaces (they are the same on every node), else "no node has
//     reported its keyspaces yet; retry shortly";
//  2. the DC keeps at least as many nodes as the largest replication factor
//     any keyspace (system keyspaces included) asks there: a
//     SimpleStrategy factor counts every node, a NetworkTopologyStrategy
//     factor the nodes of its DC; LocalStrategy keyspaces ask nothing;
//  3. every remaining node of the DC has free disk for the whole load of
//     the nodes leaving it;
//  4. when a rack loses its last node, no NetworkTopologyStrategy keyspace
//     asks the DC for more replicas than racks remain.
// Keyspaces are the union of every member's report (the largest factor
// wins). Ids in `leaving` that are not members are ignored.
std::optional<std::string> shrink_refusal(const std::vector<ShrinkMember>& members,
                                          const std::vector<std::string>& leaving);

// shrink_refusal's answer with its kind: a missing report passes with time
// (the next heartbeats bring it), an unsafe shrink does not.
struct ShrinkVerdict {
  enum class Kind { kSafe, kAwaitingReports, kUnsafe };
  Kind kind = Kind::kSafe;
  std::string reason;  // empty when safe
};
ShrinkVerdict shrink_verdict(const std::vector<ShrinkMember>& members,
                             const std::vector<std::string>& leaving);

// Why a rolling restart of `members` would stop more replicas of some token
// range than QUORUM tolerates for some keyspace, as a message a user can
// act on; nullopt when it is safe. `by_rack` false: up to `concurrency`
// nodes are down at once; true: every node of up to `concurrency` racks.
// For each keyspace (system_traces aside: only tracing reads it; Local
// ones ask nothing), with T its replicas over every DC and QUORUM T/2+1,
// the replicas of one range that can be down at once must be at most
// T - QUORUM. Per DC (or over the ring for SimpleStrategy) that is at most
// its factor and at most: by node, the nodes down; by rack, the racks down
// when NetworkTopologyStrategy has at least as many racks as its factor
// there (each rack then holds one replica of a range), else the nodes of
// the largest racks down. A factor of 1 or 2 tolerates no replica down.
// Like the shrink checks, it needs at least one node's keyspaces ("no node
// has reported its keyspaces yet; retry shortly" otherwise).
std::optional<std::string> rolling_restart_refusal(const std::vector<ShrinkMember>& members,
                                                   bool by_rack, int concurrency);

// A node of a ring about to grow, as its last heartbeat reported it.
struct GrowingNode {
  std::string name;
  std::optional<int64_t> load_bytes;   // its Cassandra load
  std::optional<int64_t> used_bytes;   // its volume's use
  std::optional<int64_t> total_bytes;  // and size
};
// Above this share of its volume a node is flagged (kVolumeFullPercent).
inline constexpr double kGrowFullShare = 0.9;
// What a grow by `added` nodes, each with a volume of `new_volume_bytes`,
// should warn of (it still runs): a node whose volume is already over 90 %
// full (the grow's cleanup rewrites its SSTables and needs room), and new
// nodes that would start over 90 % full: each takes about the ring's load
// spread over every node after the grow. Nodes without a report count for
// nothing; an empty answer is no warning.
std::vector<std::string> grow_disk_warnings(const std::vector<GrowingNode>& nodes, size_t added,
                                            int64_t new_volume_bytes);

// A cluster's live nodes as the shrink checks see them (name, dc, rack and
// the report decoded from the last heartbeat detail by node_report(),
// common_node_report.h).
std::vector<ShrinkMember> shrink_members(const std::vector<db::Node>& nodes);

// "512 B", "3.0 KiB", "1.5 GiB": a byte count for messages.
std::string human_bytes(double bytes);

}  // namespace automat::datastores::cassandra
