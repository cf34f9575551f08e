#pragma once
// What the Cassandra backup and restore workflows share
// (workflow_cassandra_backup.cc, workflow_cassandra_restore.cc): the backup
// storage, reading a stored manifest, and the progress of a phase run on
// every node at once. Internal to those two files.
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "automat/guest.pb.h"
#include "common/error.h"
#include "common/proto_json.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "storage/backup_storage.h"
#include "taskmanager/node_phase.h"
#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

inline const std::string kManifest = "manifest.json";
// A node's phase while it loads a backup's files.
inline constexpr const char* kRestorePhase = "restoring";

// The taskmanager's [backup_storage]; kInternal when it has none.
storage::BackupStoragePtr open_storage(const taskmanager::Services& services);
// The object `key` as text (ObjectNotFound, ChecksumMismatch as get()).
std::string read_text(storage::BackupStorage& storage, const std::string& key);

// The object `key` as message M (protobuf's JSON mapping); kInternal
// when it is not.
template <typename M>
M read_json(storage::BackupStorage& storage, const std::string& key) {
  const auto doc = nlohmann::json::parse(read_text(storage, key), nullptr, false);
  if (doc.is_discarded()) throw common::internal_error(key + " is not JSON");
  return common::proto_json::decode<M>(doc, key);
}

// run_node_phase of `phase` with the step's progress: the mean of the
// nodes' (a node past `done_mark` counts whole).
taskmanager::StepResult run_with_progress(taskmanager::StepContext& ctx, const db::Cluster& cluster,
                                          const std::vector<db::Node>& nodes,
                                          const taskmanager::NodePhase& phase, NodeMark done_mark,
                                          std::map<std::string, double>& progress);

}  // namespace automat::datastores::cassandra
