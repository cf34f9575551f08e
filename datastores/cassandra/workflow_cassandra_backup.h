#pragma once
// Cassandra cluster backups on the taskmanager's side (issue 12, section
// 4), in Icarus's phases over every node of the cluster:
//
// backup.create: snapshot-nodes (nodetool snapshot on every node at once,
// under the tag "automat-<backup id>") -> store-snapshots (each node's
// guest stores its snapshot, all nodes together: SSTables into the node's
// pool cassandra-sstables/<cluster>/<node>/, content addressed, so
// unchanged files are referenced and not sent again; then its own manifest
// backups/<id>/nodes/<node>/manifest.json) -> clear-snapshots ->
// record-backup (the backup's manifest, written last, names every node's;
// COMPLETED; pool files no COMPLETED backup references are removed; the
// cluster's task NONE again). Each of the first three is a node phase
// (taskmanager/node_phase.h) of guest jobs on every node at once, each node
// recorded in the checkpoint as it is done; a snapshot job the guest lost
// fails the backup naming the host (it is not taken twice).
// backup.delete: its manifest then its prefix removed; the pool is
// collected too once the cluster is gone (while it lives, its next backup
// collects it: only a backup holds the cluster's task).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

void add_cluster_backup_steps(taskmanager::StepList& steps);

// A cluster.create from a backup (ClusterNodesInput.restore_backup_id):
// each new node starts with its source node's tokens (restored_tokens;
// nullopt for a plain create), then restore-schema (the backup's CREATE
// statements, through the first node) and restore-data (every node's
// guest fetches its source node's SSTables, verified, and imports them
// with nodetool import) run before the cluster is ACTIVE. Both steps pass
// at once for a plain create.
std::optional<std::vector<int64_t>> restored_tokens(taskmanager::StepContext& ctx,
                                                    const std::string& node_id);
void add_cluster_restore_steps(taskmanager::StepList& steps);

// cluster.restore (proto::ClusterRestoreInput), Icarus's phases on a
// running cluster: fetch-backup (every node's guest fetches its own files
// of the backup for the tables, checksums verified, into a staging
// directory) -> truncate-tables (once every node holds them) ->
// import-backup (nodetool import on every node, the staging removed); the
// factory adds mark-active. Other tables serve throughout.
// restore_in_place_failed asks every node to discard what it fetched.
void add_restore_in_place_steps(taskmanager::StepList& steps);
void restore_in_place_failed(taskmanager::Services& services, const db::Operation& op);
void add_cluster_backup_delete_steps(taskmanager::StepList& steps);

// A failed backup.create: FAILED with `message`, every node's snapshot
// cleared (best effort: clear jobs on every node at once, waited for up
// to two minutes), its objects and the pool files only it had
// stored removed, the cluster's task NONE. A failed backup.delete:
// DELETE_FAILED. Idempotent.
void cluster_backup_failed(taskmanager::Services& services, const db::Operation& op,
                           const std::string& message);

}  // namespace automat::datastores::cassandra
