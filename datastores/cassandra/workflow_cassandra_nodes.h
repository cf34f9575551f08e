#pragma once
// What the Cassandra cluster steps share: the nodes an operation names, the
// guest of a node, the ring a node's heartbeat reported, the settings a node
// is prepared with, and the reuse of taskmanager/instance_steps.h on one
// node of a cluster operation.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "automat/operations.pb.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/cassandra_operations.pb.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/node_phase.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"
#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

// The superuser a secured ring is administered with (its password is never
// stored by the control plane).
inline constexpr const char* kAdminUser = "automat_admin";

// The deadline of a quick call to a node's guest: starting or looking up a
// job, a ring status, a seed update.
inline constexpr std::chrono::milliseconds kQuickCall{30000};

// The nodes a create, grow, shrink or delete names (its input,
// proto::ClusterNodesInput). Throws common::Error(kInternal) when the input
// does not parse.
std::vector<std::string> input_nodes(const db::Operation& op);
// input_nodes of the step's operation (a node phase's node list).
std::vector<std::string> operation_nodes(const taskmanager::StepContext& ctx);
// A replace's input; throws kInternal when it does not name both nodes.
proto::ReplaceNodeInput replace_input(const db::Operation& op);

// The per-node points of a workflow's checkpoint (RingCheckpoint,
// cassandra_operations.proto) a resumed operation skips past.
enum class NodeMark {
  kStarted,
  kPrepared,
  kJoined,
  kOldStopped,
  kCleaned,
  kLeaving,
  kDecommissioned,
  kRemoved,
  kSnapshotted,
  kStored,
  kSnapshotCleared,
  kRestored,
  kFetched,
  kAllocated,
  kGuestAnswered,
  kStopped,
  kDestroyed,
  kReseeded
};
// The operation's checkpoint; throws kInternal when it does not parse.
proto::cassandra::RingCheckpoint ring_checkpoint(const db::Operation& op);
// Whether node `id` is past `mark`.
bool marked(const db::Operation& op, NodeMark point, const std::string& id);
// Records node `id` past `mark` (saved at once; taskmanager::LeaseLost when
// the operation is no longer held).
void mark(taskmanager::StepContext& ctx, NodeMark point, const std::string& id);

// The operation's cluster (live nodes by ordinal); throws kNotFound when gone.
db::Cluster cluster_of(const taskmanager::StepContext& ctx);
// The live node `id` of `cluster`, or nullptr.
const db::Node* node_in(const db::Cluster& cluster, const std::string& id);
using taskmanager::node_label;  // "node 2/3" (taskmanager/node_phase.h)
// The node's address; throws kUnavailable when it has none yet.
std::string address_of(const db::Node& node);

// One member of a ring as a node reported it (a RingNode, cassandra_guest.proto).
struct RingMember {
  std::string address;
  std::string state;  // "UN", "UJ", "DN", ...
  std::string rack;
};
// The ring in a node's last report (node_report(), common_node_report.h);
// nullopt when it reported none.
std::optional<std::vector<RingMember>> reported_ring(const db::Node& node);
// The ring in a RingStatus answer.
std::vector<RingMember> ring_from(const proto::cassandra::RingStatusReply& ring_status);
// Why `ring` does not show every node of `expected` UN in its rack; nullopt
// when it does.
std::optional<std::string> ring_gap(const std::vector<RingMember>& ring,
                                    const std::vector<db::Node>& expected);

// The addresses of the cluster's seeds (live nodes flagged seed, with an address).
std::vector<std::string> seed_addresses(const db::Cluster& cluster);

// The settings a cluster node is prepared with (PrepareRequest.settings).
// `initial_tokens` only for a node of a new ring (auto_bootstrap false).
proto::cassandra::PrepareSettings node_config(const db::Cluster& cluster, const db::Node& node,
                                              const std::vector<std::string>& seeds,
                                              bool auto_bootstrap,
                                              const std::string& replace_address = "",
                                              const std::vector<int64_t>& initial_tokens = {});

// Runs `step` (an instance step of taskmanager/instance_steps.h) on node
// `id` of this cluster operation; a failure names the node (failed_node).
taskmanager::StepResult run_for_node(taskmanager::InstanceStep& step, taskmanager::StepContext& ctx,
                                     const std::string& id);

using taskmanager::NamedStep;  // taskmanager/step_kit.h
using taskmanager::Repeat;

// The step result of an error of a guest call on `node`
// (taskmanager::guest_call_failed, naming the node's address; `repeat`
// says whether the call may be sent again after it timed out); a failure
// also records the failing node for on_failure.
taskmanager::StepResult guest_error(taskmanager::StepContext& ctx, const db::Node& node,
                                    const std::string& doing, const std::exception& e,
                                    Repeat repeat);

// The node phase of `point` (taskmanager/node_phase.h): a node is done once
// the checkpoint lists it under `point`, and is listed there when it is;
// `turn` picks the nodes that act together (one at a time by default).
taskmanager::NodePhase marked_phase(
    const char* phase, NodeMark point, std::string done_message,
    taskmanager::NodePhase::Turn turn = taskmanager::NodePhase::in_turn());

// The own deadline of a node's guest job of `kind` (JobFollow::deadline).
std::chrono::seconds node_job_deadline(const std::string& kind);

// The node's guest job `kind` of this operation (taskmanager/guest_job.h,
// under guest_job_key(operation, kind, node)), started by `start` when the
// guest has none: nullopt once it succeeded; a retry naming the node while
// it runs ("node 2/3: nodetool cleanup running (...)"), its progress into
// (*progress)[node] when given; the node's error when it failed, or once it
// ran past node_job_deadline(kind). A job the guest lost (it restarted) is
// started again under the next key (LostJob::kStartAgain), or, for work
// that must not simply run again (LostJob::kReport), fails the step naming
// the node.
using StartJob = std::function<proto::JobReply(CassandraGuestClient&, const std::string& key)>;
std::optional<taskmanager::StepResult> node_job(
    taskmanager::StepContext& ctx, const db::Cluster& cluster, const db::Node& node,
    const std::string& kind, const std::string& doing, const StartJob& start,
    std::map<std::string, double>* progress = nullptr,
    taskmanager::LostJob on_lost = taskmanager::LostJob::kStartAgain);
// Records `id` as the node an operation failed on (the checkpoint's
// failed_node, kept in memory for on_failure; not saved).
void note_failed_node(taskmanager::StepContext& ctx, const std::string& id);

}  // namespace automat::datastores::cassandra
