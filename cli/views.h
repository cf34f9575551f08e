#pragma once
// Server objects as tables. Pure: JSON in, Table out; fields the server left
// out show as empty cells.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/table.h"

namespace automat::cli {

// An "errors" array ([{host, message}] of an operation or a backup) as one
// "host: message" line each (just the message when there is no host).
std::string errors_text(const nlohmann::json& errors);

// Columns: ID, Name, Datastore, Datastore Version, Status, Addresses,
// Flavor ID, Size. `instances` is the array of GET /instances.
Table instance_list_table(const nlohmann::json& instances);

// Field/Value rows of one instance view; a "replica_of" row (the master's
// ID) on a replica, a "replicas" row (one ID a line) on a master, and a
// "fault" row, each only when the view has it.
Table instance_table(const nlohmann::json& instance);

// Columns: ID, Name, Status, Replica Of, Operation: the replicas one create
// request started, instances[i] built by operations[i] ({"id", "state"}).
Table replica_batch_table(const nlohmann::json& instances, const nlohmann::json& operations);

// Columns: ID, Name, Versions (names, the default marked "(default)").
Table datastore_list_table(const nlohmann::json& datastores);

// Columns: ID, Name, RAM (MB), vCPUs, Disk (GB).
Table flavor_list_table(const nlohmann::json& flavors);

// Field/Value rows of one operation; progress as a percent, errors one
// "host: message" line each.
Table operation_table(const nlohmann::json& operation);

}  // namespace automat::cli
