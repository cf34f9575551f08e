// The API faces of the datastores, by manager name. Adding a datastore's API
// strategy is one line in kStrategies.
#include "datastores/api_registry.h"

#include <string_view>

#include "datastores/cassandra/api_cluster_strategy.h"
#include "datastores/cassandra/api_strategy.h"
#include "datastores/mysql/api_strategy.h"

namespace automat::datastores {
namespace {

const mysql::MysqlApiStrategy kMysql;
const cassandra::CassandraApiStrategy kCassandra;
const cassandra::CassandraClusterStrategy kCassandraCluster;

struct Registration {
  std::string_view manager;
  const api::DatastoreStrategy* strategy;
};

const Registration kStrategies[] = {
    {"mysql", &kMysql},
    {"cassandra", &kCassandra},
};

struct ClusterRegistration {
  std::string_view manager;
  const api::ClusterStrategy* strategy;
};

const ClusterRegistration kClusterStrategies[] = {
    {"cassandra", &kCassandraCluster},
};

}  // namespace

const api::DatastoreStrategy* api_strategy(const std::string& manager) {
  for (const auto& r : kStrategies) {
    if (r.manager == manager) return r.strategy;
  }
  return nullptr;
}

const api::ClusterStrategy* cluster_strategy(const std::string& manager) {
  for (const auto& r : kClusterStrategies) {
    if (r.manager == manager) return r.strategy;
  }
  return nullptr;
}

}  // namespace automat::datastores
