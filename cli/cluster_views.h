#pragma once
// Cluster objects (GET /clusters, /clusters/<id>) as tables. Pure: JSON in,
// Table out; fields the server left out show as empty cells.
#include <nlohmann/json.hpp>

#include "cli/table.h"

namespace automat::cli {

// Columns: ID, Name, Datastore, Datastore Version, Status, Task, Nodes.
// `clusters` is the array of GET /clusters.
Table cluster_list_table(const nlohmann::json& clusters);

// Field/Value rows of one cluster view: id, name, status, task (its name),
// datastore, datastore_version, nodes (how many), ip (one address a line),
// created, updated.
Table cluster_table(const nlohmann::json& cluster);

// Columns: ID, Name, Status, Rack, DC, Seed ("yes" or empty), IP, Phase: one
// row per node of the view's "instances", in the server's order.
Table cluster_node_table(const nlohmann::json& cluster);

// Field/Value rows name and password of POST /clusters/<id>/root's "user".
Table root_user_table(const nlohmann::json& user);

}  // namespace automat::cli
