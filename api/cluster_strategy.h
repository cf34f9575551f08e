#pragma once
// A datastore's cluster rules, on the API side: what a cluster's nodes must
// be, each node's role (db::Node::role: for Cassandra, where its seeds go),
// the order its nodes start in, and when losing nodes is unsafe. Registered by
// manager name next to the DatastoreStrategy (datastores/api_registry.cc);
// a datastore without one does not build clusters.
#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "db/backup_repository.h"
#include "db/models.h"

namespace automat::api {

// A cluster action of a datastore's own, ready to start: the operation its
// workflow runs and the cluster's task meanwhile.
struct OwnClusterAction {
  std::string operation_type;  // "cluster.cleanup"; the datastore's workflow runs it
  std::string task;            // the cluster's task while it runs: "CLEANING"
  std::unique_ptr<google::protobuf::Message> input;  // the operation's typed input
};

// A node a cluster backup holds, as a restore recreates it: the node it
// was, its zone (db::Node::zone), and what held it.
struct BackedUpNode {
  std::string instance_id;
  std::string zone;
  std::string flavor_id;
  int volume_size_gb = 0;
  int64_t bytes = 0;  // its files' size: a new node's volume must hold them
};

class ClusterStrategy {
 public:
  virtual ~ClusterStrategy() = default;
  // Checks the flavor every node of a cluster of `version` shares; throws
  // common::Error(kBadRequest) naming `field` (e.g. "cluster.instances[0].flavorRef").
  virtual void validate_node_flavor(const db::Flavor& flavor, const db::DatastoreVersion& version,
                                    const std::string& field) const = 0;
  // What a user calls a node's zone (db::Node::zone, the placement a
  // request gives as availability_zone or region), for messages: "rack"
  // for Cassandra.
  virtual std::string zone_word() const = 0;
  // The zone of a new node that names none in a cluster without nodes
  // (Cassandra: "rack1").
  virtual std::string default_zone() const = 0;
  // Sets the role (db::Node::role, the datastore's own typed record) of
  // each of `added`, new nodes of a cluster whose live nodes are `existing`
  // (empty for a new cluster), in ordinal order.
  virtual void assign_roles(const std::vector<db::Node>& existing,
                            std::vector<db::Node>& added) const = 0;
  // The ids of `nodes` in the order a new cluster starts them, which is
  // also the order to pick a node to act through (Cassandra: seeds first).
  // By default, as given.
  virtual std::vector<std::string> node_order(const std::vector<db::Node>& nodes) const {
    std::vector<std::string> ids;
    for (const auto& n : nodes) ids.push_back(n.instance_id);
    return ids;
  }
  // Throws common::Error(kUnprocessable) with a message a user can act on
  // when removing the nodes `leaving` (instance ids, all nodes of `cluster`)
  // would be unsafe, judged from the nodes' heartbeat details.
  virtual void check_shrink(const db::Cluster& cluster,
                            const std::vector<std::string>& leaving) const = 0;

  // What a grow of `cluster` by `added` nodes of `volume_gb` each should
  // warn of (it still starts): for Cassandra, nodes whose volumes would be
  // over 90 % full. Judged from the nodes' heartbeat details; none by default.
  virtual std::vector<std::string> grow_warnings(const db::Cluster& /*cluster*/, size_t /*added*/,
                                                 int /*volume_gb*/) const {
    return {};
  }

  // Throws common::Error with a message a user can act on when a rolling
  // restart of `cluster`'s nodes (every node of up to `concurrency` zones at
  // once when `by_zone`, else up to `concurrency` nodes) may not run:
  // kUnprocessable when it could break the datastore's availability (for
  // Cassandra: QUORUM of some keyspace), judged from the nodes' heartbeat
  // details. By default its clusters cannot change flavor (kBadRequest).
  virtual void check_rolling_restart(const db::Cluster& cluster, bool /*by_zone*/,
                                     int /*concurrency*/) const {
    throw common::bad_request("the nodes of a " + cluster.datastore_name +
                              " cluster cannot change flavor");
  }

  // Whether POST /clusters/{id}/backups may back up its clusters: its
  // workflows handle a cluster's backup.create and backup.delete.
  virtual bool supports_backups() const { return false; }
  // The nodes the COMPLETED cluster backup `backup` (of this datastore)
  // holds, as its facts record them. Throws common::Error(kBadRequest)
  // when the backup's facts are not this datastore's cluster backup.
  virtual std::vector<BackedUpNode> backed_up_nodes(const db::Backup& backup) const {
    throw common::bad_request("backup " + backup.id + " cannot be restored into a cluster");
  }
  // Throws common::Error(kBadRequest) naming `field` when the keyspace of
  // `entry` (a "ks" or "ks.table" a cluster backup or restore names, its
  // form already checked by check_backup_keyspace in api/backup_checks.h)
  // is one the datastore keeps for itself and never backs up (Cassandra:
  // system, system_auth, ...). Every keyspace is a tenant's by default.
  virtual void check_keyspace_backs_up(const std::string& /*entry*/,
                                       const std::string& /*field*/) const {}
  // The bytes the COMPLETED cluster backup `backup` (of this datastore)
  // sent to the storage, as its facts record them; nullopt when they record
  // none (or are not this datastore's cluster backup's).
  virtual std::optional<int64_t> uploaded_bytes(const db::Backup& /*backup*/) const {
    return std::nullopt;
  }

  // The actions of POST /clusters/{id}/action this datastore has beyond
  // those of every cluster (grow, shrink, replace_node): their body keys.
  virtual std::vector<std::string> own_actions() const { return {}; }
  // Plans the own action `name` (one of own_actions()) whose body `body`
  // passed the published schema, on the idle cluster `cluster`. Throws
  // common::Error (kBadRequest, kUnprocessable) with a message a user can
  // act on when it cannot run.
  virtual OwnClusterAction plan_own_action(const std::string& name, const nlohmann::json& /*body*/,
                                           const db::Cluster& /*cluster*/) const {
    throw common::internal_error("the datastore lists no cluster action '" + name + "'");
  }
};

}  // namespace automat::api
