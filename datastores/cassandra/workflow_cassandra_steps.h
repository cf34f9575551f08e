#pragma once
// The steps of each Cassandra cluster operation (docs/clusters-api.md has
// the input each one reads). Every step observes before it acts and keeps
// per-node progress in the operation's checkpoint (RingCheckpoint,
// cassandra_operations.proto), so a resumed operation does not redo a
// node's work; secrets live only inside one step.
#include <functional>
#include <string>
#include <vector>

#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

// What a node shows as its phase (nodes.phase) while a step works on it.
// A node in kCleanup also reports itself BLOCKED (its guest's cleanup job).
namespace node_phase {
inline constexpr const char* kJoining = "joining";
inline constexpr const char* kCleanup = "cleanup";
inline constexpr const char* kDecommissioning = "decommissioning";
inline constexpr const char* kReplacing = "replacing";
// A rolling flavor resize restarts the node (cluster.resize_flavor).
inline constexpr const char* kRestarting = "restarting";
}  // namespace node_phase

// cluster.create: allocate-servers, wait-for-guests, start-ring (the first
// seed alone, then every other node together: a new ring, auto_bootstrap
// off), secure-ring, wait-for-ring (every heartbeat shows every node UN in
// its rack), mark-active.
void add_create_steps(taskmanager::StepList& steps);
// cluster.delete: stop-nodes, destroy-servers, remove-records.
void add_delete_steps(taskmanager::StepList& steps);
// cluster.grow: allocate-servers, wait-for-guests, join-nodes (one at a
// time, bootstrapping), share-credentials, reseed, cleanup (each
// pre-existing node in turn), mark-active.
void add_grow_steps(taskmanager::StepList& steps);
// cluster.shrink: decommission-nodes (each in turn: decommission, wait until
// it left the ring, destroy it), reseed, mark-active.
void add_shrink_steps(taskmanager::StepList& steps);
// A failed operation after which a seed left the ring (checkpoint
// "seed_left", e.g. a shrink refused on its second node after its first,
// a seed, was destroyed): seeds planned again over the live ring, recorded
// and pushed to every node that answers, so no seed list names a node that
// is gone. Best effort (each node that does not answer is logged);
// idempotent.
void reseed_after_failure(taskmanager::Services& services, const db::Operation& op);
// cluster.cleanup (common_cluster_actions.h): cleanup (each node its input
// names, in turn), mark-active.
void add_cleanup_steps(taskmanager::StepList& steps);
// cluster.replace_node: allocate-servers, wait-for-guests, join-replacement,
// share-credentials, remove-old-node, reseed, mark-active.
void add_replace_steps(taskmanager::StepList& steps);
// cluster.resize_flavor (input ClusterResizeFlavorInput, checkpoint
// ClusterResizeFlavorCheckpoint): rolling-restart (the input's nodes, by
// node or by rack, `concurrency` at a time; each node's server gets the new
// RAM, its guest restarts Cassandra with the new heap as a job, then the
// next waits until it is UN as every node sees it and no node holds hints
// for it; its flavor recorded), mark-active.
void add_rolling_resize_steps(taskmanager::StepList& steps);
// A failed cluster.resize_flavor: every node idle, the cluster's task NONE;
// a node that restarted with the new flavor has it on its row, every other
// node's server record goes back to the flavor its row names. Idempotent.
void rolling_resize_failed(taskmanager::Services& services, const db::Operation& op);

// The groups a brand-new ring starts in, in order: the first seed alone
// (it needs nobody), then every other node at once: auto_bootstrap is off,
// so nothing streams, and each node gets its own initial tokens
// (new_ring_tokens) — with the token allocator, nodes starting together
// from the same view of the ring chose identical tokens on real nodes.
// `ids` lists the nodes seeds first; `is_seed` tells a seed.
std::vector<std::vector<std::string>> start_batches(
    const std::vector<std::string>& ids, const std::function<bool(const std::string&)>& is_seed);

// Shared by create, grow and replace (workflow_cassandra_create.cc).
using NodeIds = std::function<std::vector<std::string>(const taskmanager::StepContext&)>;
std::unique_ptr<taskmanager::Step> allocate_servers_step(NodeIds ids);
std::unique_ptr<taskmanager::Step> wait_for_guests_step(NodeIds ids);
std::unique_ptr<taskmanager::Step> wait_for_ring_step();
std::unique_ptr<taskmanager::Step> mark_active_step();

}  // namespace automat::datastores::cassandra
