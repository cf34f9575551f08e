#pragma once
// The PostgreSQL implementation of db::ClusterRepository (repositories.h).
// Borrows connections from a ConnectionPool that must outlive it.
// Thread-safe. A cluster and its live nodes are read in one statement, so a
// read never mixes two states of a cluster.
#include "db/pool.h"
#include "db/repositories.h"

namespace automat::db {

class PgClusterRepository : public ClusterRepository {
 public:
  explicit PgClusterRepository(ConnectionPool& pool) : pool_(pool) {}
  using ClusterRepository::create_with_operation;
  using ClusterRepository::start_operation;
  void create_with_operation(const Cluster& cluster, const Operation& op,
                             const QuotaCharge& quota) override;
  // The task flip is one conditional UPDATE: a concurrent caller waits on
  // the row lock, then sees the new task and loses.
  bool start_operation(const std::string& cluster_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks,
                       const std::vector<Node>& new_nodes, const Operation& op,
                       const QuotaCharge& quota) override;
  std::optional<Cluster> find(const std::string& tenant_id, const std::string& id) override;
  std::optional<Cluster> find_any(const std::string& id) override;
  std::vector<Cluster> list(const std::string& tenant_id) override;
  void set_task(const std::string& id, const std::string& task) override;
  void set_status(const std::string& id, const std::string& status) override;
  void set_node_phase(const std::string& instance_id, const std::string& phase) override;
  void set_roles(const std::string& cluster_id,
                 const std::map<std::string, nlohmann::json>& roles) override;
  void mark_deleted(const std::string& id) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace automat::db
