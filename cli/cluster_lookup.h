#pragma once
// How cluster commands name things: cluster paths, a cluster or node given
// by ID or name, and showing one cluster.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/session.h"

namespace automat::cli {

// "/clusters/<id>" with `id` percent-encoded.
std::string cluster_path(const std::string& id);

// A cluster ID as given (a UUID is not looked up), or the ID of the one
// cluster with that ID or name (GET /clusters). Throws cli::UsageError when
// several clusters have that name; returns `ref` unchanged when none
// matches, so the server answers for it (404).
std::string resolve_cluster(ApiClient& api, const std::string& ref);

// The node IDs `refs` stand for in cluster `cluster_id`: UUIDs as given,
// anything else matched against its nodes' IDs and names (one GET
// /clusters/<id>, only when needed). Unknown ones are passed on for the
// server to refuse; a name two nodes share throws cli::UsageError.
std::vector<std::string> resolve_nodes(ApiClient& api, const std::string& cluster_id,
                                       const std::vector<std::string>& refs);

// Prints a cluster view: its Field/Value table followed by its node table
// (json: the view object as the server sent it).
void print_cluster(const Session& session, const nlohmann::json& cluster);

// GET /clusters/<id> and print_cluster.
void show_cluster(Session& session, ApiClient& api, const std::string& id);

}  // namespace automat::cli
