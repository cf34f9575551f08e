#pragma once
// ApiTestEnv (tests/unit/api_test_env.h) plus clusters: the cluster fake
// linked to the instance and operation fakes, the registered cluster
// strategies, Cassandra 5.0 (enabled for clusters, default) and 4.1 (not
// enabled), a 2 GB flavor, and fake guests' database administration with a
// root-enabled history (not wired by default: wire_guests()).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datastores/cassandra/common_node_report.h"
#include "tests/fakes/fake_cluster_repository.h"
#include "tests/fakes/fake_database_admin.h"
#include "tests/fakes/fake_root_history.h"
#include "tests/unit/api_test_env.h"

namespace automat::testing {

struct ClusterTestEnv : ApiTestEnv {
  FakeClusterRepository clusters{&instances, &operations, &catalog};
  FakeDatabaseAdminClients guests;
  FakeRootHistory root_history{&instances};
  std::string cassandra_version_id;     // cassandra 5.0, enabled_cluster, default
  std::string cassandra_41_version_id;  // cassandra 4.1, not enabled for clusters

  ClusterTestEnv() {
    db::DatastoreVersion v;
    v.name = "5.0";
    v.manager = "cassandra";
    v.enabled_cluster = true;
    cassandra_version_id = catalog.register_version("cassandra", v, true);
    v.name = "4.1";
    v.enabled_cluster = false;
    cassandra_41_version_id = catalog.register_version("cassandra", v, false);
    catalog.upsert_flavor({"3", "m1.medium", 2048, 2, 20});
    services.clusters = &clusters;
    services.cluster_strategies = &datastores::cluster_strategy;
    backups.clusters = &clusters;
    backup_schedules.clusters = &clusters;
  }

  void wire_guests() {
    services.database_admin = &guests;
    services.root_history = &root_history;
  }

  api::Response post(const std::string& path, const nlohmann::json& body,
                     const std::string& tenant_token = "") {
    return call(api::Method::kPost, url(tenant_of(tenant_token), path),
                tenant_token.empty() ? token_a : tenant_token, body.dump());
  }
  api::Response get(const std::string& path, const std::string& tenant_token = "") {
    return call(api::Method::kGet, url(tenant_of(tenant_token), path),
                tenant_token.empty() ? token_a : tenant_token);
  }
  api::Response del(const std::string& path) {
    return call(api::Method::kDelete, url(tenant_a, path), token_a);
  }

  // Creates a cluster of tenant A through the API with nodes in `racks`
  // (flavor 2, 1 GB, 2 GB volumes); returns its view.
  nlohmann::json create_cluster(const std::vector<std::string>& racks) {
    nlohmann::json instances = nlohmann::json::array();
    for (const auto& r : racks) {
      instances.push_back(
          {{"flavorRef", "2"}, {"volume", {{"size", 2}}}, {"availability_zone", r}});
    }
    const api::Response r =
        post("/clusters", {{"cluster",
                            {{"name", "ring"},
                             {"datastore", {{"type", "cassandra"}, {"version", "5.0"}}},
                             {"instances", instances}}}});
    if (r.status != 202) throw std::runtime_error("create_cluster: " + r.body);
    return nlohmann::json::parse(r.body)["cluster"];
  }

  // Marks the cluster idle and ACTIVE, its nodes running with `detail`.
  void make_active(const std::string& cluster_id, const nlohmann::json& detail) {
    clusters.set_task(cluster_id, "NONE");
    clusters.set_status(cluster_id, "ACTIVE");
    const db::Cluster cluster = *clusters.find_any(cluster_id);
    for (const auto& n : cluster.nodes) {
      instances.set_task(n.instance_id, "NONE");
      instances.set_service_status(n.instance_id, "RUNNING");
      clusters.set_detail(n.instance_id, detail);
    }
  }

  std::vector<std::string> node_ids(const std::string& cluster_id) {
    std::vector<std::string> out;
    const db::Cluster cluster = *clusters.find_any(cluster_id);
    for (const auto& n : cluster.nodes) out.push_back(n.instance_id);
    return out;
  }

 private:
  std::string tenant_of(const std::string& token) const {
    return token.empty() || token == token_a ? tenant_a : tenant_b;
  }
};

// A keyspace as a Cassandra node reports it.
inline proto::cassandra::Keyspace cassandra_keyspace(
    const std::string& name, const std::string& strategy,
    const std::map<std::string, std::string>& replication) {
  proto::cassandra::Keyspace ks;
  ks.set_name(name);
  ks.set_strategy(strategy);
  for (const auto& [key, value] : replication) (*ks.mutable_replication())[key] = value;
  return ks;
}

// The stored heartbeat detail of a healthy Cassandra node with the system
// keyspaces (system_distributed RF 3) plus `extra` keyspaces.
inline nlohmann::json cassandra_detail(const std::vector<proto::cassandra::Keyspace>& extra = {}) {
  proto::cassandra::NodeReport report;
  report.mutable_ring();
  auto* keyspaces = report.mutable_keyspaces();
  *keyspaces->add_keyspaces() = cassandra_keyspace("system", "LocalStrategy", {});
  *keyspaces->add_keyspaces() =
      cassandra_keyspace("system_distributed", "SimpleStrategy", {{"replication_factor", "3"}});
  for (const auto& ks : extra) *keyspaces->add_keyspaces() = ks;
  report.set_load_bytes(1000);
  report.set_free_disk_bytes(1000000);
  return datastores::cassandra::stored_detail(report);
}

}  // namespace automat::testing
