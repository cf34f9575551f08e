#pragma once
// See fake_repository_base.h for how the fakes behave. The cluster fake
// keeps its node instances in a FakeInstanceRepository (so they show in
// GET /instances, and tests set their status there) and its operations in a
// FakeOperationRepository; both are required. Lock order: this fake, then
// the instance fake, then the operation fake.
#include <nlohmann/json.hpp>

#include "tests/fakes/fake_catalog_repository.h"
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_operation_repository.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeClusterRepository : public db::ClusterRepository, public FakeBase {
 public:
  // Cluster rows by id (their `nodes` member is ignored; see `nodes`).
  std::map<std::string, db::Cluster> clusters;
  std::set<std::string> deleted;  // cluster ids marked deleted
  // Node rows by instance id (their `instance` member is ignored: the
  // instance lives in the instance fake).
  std::map<std::string, db::Node> nodes;
  // Heartbeat details by instance id (service_statuses.detail).
  std::map<std::string, nlohmann::json> details;

  FakeInstanceRepository* instance_repo;
  FakeOperationRepository* operation_repo;
  FakeCatalogRepository* catalog;

  FakeClusterRepository(FakeInstanceRepository* instances, FakeOperationRepository* operations,
                        FakeCatalogRepository* cat = nullptr)
      : instance_repo(instances), operation_repo(operations), catalog(cat) {
    time = instances->time;
  }

  void set_detail(const std::string& instance_id, nlohmann::json detail) {
    std::lock_guard<std::mutex> l(mu);
    details[instance_id] = std::move(detail);
  }

  using db::ClusterRepository::create_with_operation;
  using db::ClusterRepository::start_operation;

  void create_with_operation(const db::Cluster& cluster, const db::Operation& op,
                             const db::QuotaCharge& quota) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (clusters.count(cluster.id)) throw common::conflict("cluster " + cluster.id + " exists");
    std::lock_guard<std::mutex> li(instance_repo->mu);
    check_nodes_free(cluster.nodes);
    instance_repo->charge_locked(cluster.tenant_id, quota);
    insert_operation(op);
    db::Cluster row = cluster;
    row.nodes.clear();
    row.created = row.updated = iso8601(time->now());
    clusters[row.id] = row;
    for (const auto& n : cluster.nodes) insert_node(row, n);
  }

  bool start_operation(const std::string& cluster_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks,
                       const std::vector<db::Node>& new_nodes, const db::Operation& op,
                       const db::QuotaCharge& quota) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Cluster* c = live(cluster_id);
    if (!c) return false;
    if (!allowed_tasks.empty() &&
        std::find(allowed_tasks.begin(), allowed_tasks.end(), c->task) == allowed_tasks.end()) {
      return false;
    }
    std::lock_guard<std::mutex> li(instance_repo->mu);
    check_nodes_free(new_nodes);
    instance_repo->charge_locked(c->tenant_id, quota);
    insert_operation(op);
    for (const auto& n : new_nodes) insert_node(*c, n);
    c->task = task;
    c->updated = iso8601(time->now());
    return true;
  }

  std::optional<db::Cluster> find(const std::string& tenant_id, const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Cluster* c = live(id);
    if (!c || c->tenant_id != tenant_id) return std::nullopt;
    return view(*c);
  }

  std::optional<db::Cluster> find_any(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Cluster* c = live(id);
    if (!c) return std::nullopt;
    return view(*c);
  }

  std::vector<db::Cluster> list(const std::string& tenant_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    std::vector<db::Cluster> out;
    for (const auto& [id, c] : clusters) {
      if (!deleted.count(id) && c.tenant_id == tenant_id) out.push_back(view(c));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
      return std::tie(a.created, a.id) < std::tie(b.created, b.id);
    });
    return out;
  }

  void set_task(const std::string& id, const std::string& task) override {
    update(id, [&](db::Cluster& c) { c.task = task; });
  }
  void set_status(const std::string& id, const std::string& status) override {
    update(id, [&](db::Cluster& c) { c.status = status; });
  }

  void set_node_phase(const std::string& instance_id, const std::string& phase) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = nodes.find(instance_id);
    if (it != nodes.end()) it->second.phase = phase;
  }

  void set_roles(const std::string& cluster_id,
                 const std::map<std::string, nlohmann::json>& roles) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (const auto& [id, role] : roles) {
      auto it = nodes.find(id);
      if (it != nodes.end() && it->second.cluster_id == cluster_id) it->second.role = role;
    }
  }

  void mark_deleted(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (clusters.count(id)) deleted.insert(id);
  }

 private:
  db::Cluster* live(const std::string& id) {
    auto it = clusters.find(id);
    if (it == clusters.end() || deleted.count(id)) return nullptr;
    return &it->second;
  }

  // Throws before any write when a node's instance id is taken.
  void check_nodes_free(const std::vector<db::Node>& new_nodes) {
    for (const auto& n : new_nodes) {
      if (instance_repo->instances.count(n.instance_id) || nodes.count(n.instance_id)) {
        throw common::conflict("instance " + n.instance_id + " exists");
      }
    }
  }

  void insert_operation(const db::Operation& op) {
    std::lock_guard<std::mutex> lo(operation_repo->mu);
    operation_repo->check_available();
    operation_repo->insert_locked(op);
  }

  // Unlocked (instance fake held): the instance and node rows of `n`.
  void insert_node(const db::Cluster& c, const db::Node& n) {
    db::Instance row = n.instance;
    row.id = n.instance_id;
    row.tenant_id = c.tenant_id;
    row.cluster_id = c.id;
    instance_repo->insert_row_locked(row);
    db::Node node = n;
    node.cluster_id = c.id;
    node.instance = {};
    nodes[n.instance_id] = node;
  }

  // The cluster as the Pg repository reads it: live nodes by ordinal, each
  // with its instance (names filled) and detail.
  db::Cluster view(db::Cluster c) {
    if (catalog) {
      std::lock_guard<std::mutex> lc(catalog->mu);
      db::Instance names;
      names.datastore_version_id = c.datastore_version_id;
      catalog->fill_names(names);
      c.datastore_name = names.datastore_name;
      c.datastore_version_name = names.datastore_version_name;
    }
    c.nodes.clear();
    c.next_ordinal = 1;
    std::lock_guard<std::mutex> li(instance_repo->mu);
    for (const auto& [id, n] : nodes) {
      if (n.cluster_id != c.id) continue;
      c.next_ordinal = std::max(c.next_ordinal, n.ordinal + 1);
      const db::Instance* inst = instance_repo->live(id);
      if (!inst) continue;
      db::Node node = n;
      node.instance = *inst;
      node.instance.datastore_name = c.datastore_name;
      node.instance.datastore_version_name = c.datastore_version_name;
      auto d = details.find(id);
      node.detail = d == details.end() ? nlohmann::json::object() : d->second;
      c.nodes.push_back(std::move(node));
    }
    std::sort(c.nodes.begin(), c.nodes.end(),
              [](auto& a, auto& b) { return a.ordinal < b.ordinal; });
    return c;
  }

  template <typename Fn>
  void update(const std::string& id, Fn fn) {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Cluster* c = live(id);
    if (!c) return;
    fn(*c);
    c->updated = iso8601(time->now());
  }
};

}  // namespace automat::testing
