#pragma once
// The JSON shapes of clusters and their nodes (Trove v1.0 compatible, plus
// each node's zone ("rack") and its datastore's own members (Cassandra's
// dc and seed), and a cluster status).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/views.h"
#include "db/models.h"

namespace automat::api {

// {"id": N, "name": task, "description": ...} for a common::cluster_task.
nlohmann::json cluster_task_view(const std::string& task);

// What a user sees of a node's state: its instance's user status
// (common::user_status). Work of the datastore's own that keeps a node from
// serving (a Cassandra cleanup) shows because its guest reports BLOCKED.
std::string node_status(const db::Node& node);

// {"id","name","type","status","phase","ip":[addr],"rack","dc","seed",
//  "flavor":{"id","links"},"volume":{"size"},"created","updated",
//  "cluster_id","links"} (links: clusters/{cid}/nodes/{id}).
nlohmann::json node_view(const db::Node& node, const LinkBase& links);

// {"id","name","status","task":{"id","name","description"},
//  "datastore":{"type","version"},"created","updated","size",
//  "instances":[node_view...],"ip":[every node's address],"links"}.
nlohmann::json cluster_view(const db::Cluster& cluster, const LinkBase& links);
// {"clusters": [cluster_view...]}
nlohmann::json clusters_view(const std::vector<db::Cluster>& clusters, const LinkBase& links);

}  // namespace automat::api
