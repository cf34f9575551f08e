#pragma once
// Cluster views and operations as automat-api sends them
// (api/cluster_views.cc), for the `automat cluster` command tests.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/cli_session_fixture.h"

namespace automat::cli::testing {

inline constexpr const char* kClusterId = "c0c0c0c0-1111-4222-8333-444455556666";
inline constexpr const char* kNode1 = "d1000000-0000-4000-8000-000000000001";
inline constexpr const char* kNode2 = "d2000000-0000-4000-8000-000000000002";
inline constexpr const char* kNode3 = "d3000000-0000-4000-8000-000000000003";

inline nlohmann::json node_view(const std::string& id, const std::string& name,
                                const std::string& rack, bool seed, const std::string& ip,
                                const std::string& status = "ACTIVE",
                                const std::string& phase = "") {
  return {{"id", id},
          {"name", name},
          {"type", "member"},
          {"status", status},
          {"phase", phase},
          {"ip", {ip}},
          {"rack", rack},
          {"dc", "dc1"},
          {"seed", seed},
          {"flavor", {{"id", "3"}}},
          {"volume", {{"size", 2}}},
          {"cluster_id", kClusterId}};
}

// The three nodes c1-1 (rack1, seed), c1-2 (rack2, seed), c1-3 (rack1).
inline nlohmann::json three_nodes(const std::string& status = "ACTIVE") {
  return {node_view(kNode1, "c1-1", "rack1", true, "127.10.0.11", status),
          node_view(kNode2, "c1-2", "rack2", true, "127.10.0.12", status),
          node_view(kNode3, "c1-3", "rack1", false, "127.10.0.13", status)};
}

inline nlohmann::json cluster_view(const std::string& status, const std::string& task,
                                   const nlohmann::json& nodes = three_nodes()) {
  nlohmann::json ip = nlohmann::json::array();
  for (const auto& node : nodes) ip.push_back(node["ip"][0]);
  return {{"id", kClusterId},
          {"name", "c1"},
          {"status", status},
          {"task", {{"id", 1}, {"name", task}, {"description", "..."}}},
          {"datastore", {{"type", "cassandra"}, {"version", "5.0.2"}}},
          {"created", "2024-05-01T10:00:00Z"},
          {"updated", "2024-05-01T10:01:00Z"},
          {"size", nodes.size()},
          {"instances", nodes},
          {"ip", ip}};
}

inline nlohmann::json cluster_operation(const std::string& id, const std::string& type,
                                        const std::string& state, double progress,
                                        const std::string& message,
                                        const nlohmann::json& errors = nlohmann::json::array()) {
  return {{"operation",
           {{"id", id},
            {"type", type},
            {"resource", {{"type", "cluster"}, {"id", kClusterId}}},
            {"state", state},
            {"progress", progress},
            {"message", message},
            {"errors", errors}}}};
}

class CliClusterTest : public CliSessionTest {
 protected:
  std::string cluster_path() const { return std::string("/clusters/") + kClusterId; }

  // GET /clusters lists c1 (and `more`).
  void script_cluster_list(const nlohmann::json& more = nlohmann::json::array()) {
    nlohmann::json clusters = {cluster_view("ACTIVE", "NONE")};
    for (const auto& cluster : more) clusters.push_back(cluster);
    http_.on("GET", "/clusters", json_response(200, {{"clusters", clusters}}));
  }

  // GET /clusters/<id> answers `view`.
  void script_cluster(const nlohmann::json& view) {
    http_.on("GET", cluster_path(), json_response(200, {{"cluster", view}}));
  }

  // POST /clusters/<id> answers 202 like the API, operation `op`.
  void script_action_accepted(const std::string& op, const std::string& task) {
    http_.on(
        "POST", cluster_path(),
        json_response(202, {{"cluster", cluster_view("ACTIVE", task)}, {"operation", {{"id", op}}}},
                      {{"x-operation-id", op}}));
  }

  nlohmann::json sent(const std::string& method, const std::string& path) const {
    return nlohmann::json::parse(http_.last(method, path).body);
  }

  bool out_has(const std::string& text) const { return out_.str().find(text) != std::string::npos; }
  bool err_has(const std::string& text) const { return err_.str().find(text) != std::string::npos; }
};

}  // namespace automat::cli::testing
