#include "api/cluster_plan.h"

#include <set>

#include "common/client_text.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/status.h"

namespace automat::api {
namespace {

db::DatastoreVersion resolve_version(const ClusterCreateRequest& req,
                                     db::CatalogRepository& catalog) {
  auto ds = catalog.find_datastore(req.datastore_type);
  if (!ds) {
    throw common::bad_request("cluster.datastore.type: datastore " +
                              common::in_quotes(req.datastore_type) + " is not known");
  }
  const std::string wanted = req.datastore_version.value_or(ds->default_version_id);
  if (wanted.empty()) {
    throw common::bad_request("datastore '" + ds->name +
                              "' has no default version; give cluster.datastore.version");
  }
  auto version = catalog.find_version(ds->id, wanted);
  if (!version) {
    throw common::bad_request("cluster.datastore.version: version " + common::in_quotes(wanted) +
                              " of datastore '" + ds->name + "' is not known");
  }
  if (!version->active) {
    throw common::bad_request("cluster.datastore.version: version '" + version->name +
                              "' of datastore '" + ds->name + "' is not active");
  }
  if (version->datastore_name.empty()) version->datastore_name = ds->name;
  return *version;
}

const ClusterStrategy* strategy_for(const db::DatastoreVersion& v, const ApiServices& services) {
  const ClusterStrategy* strategy =
      services.cluster_strategies ? services.cluster_strategies(v.manager) : nullptr;
  if (!strategy) {
    throw common::bad_request("datastore '" + v.datastore_name + "' (manager '" + v.manager +
                              "') does not build clusters");
  }
  return strategy;
}

}  // namespace

ClusterTarget resolve_cluster_target(const ClusterCreateRequest& req, const ApiServices& services) {
  ClusterTarget target;
  target.version = resolve_version(req, *services.catalog);
  target.strategy = strategy_for(target.version, services);
  if (!target.version.enabled_cluster) {
    throw common::bad_request("cluster.datastore.version: " + target.version.datastore_name + " " +
                              target.version.name +
                              " is not enabled for clusters; an administrator can enable it "
                              "(automat-manage datastore register ... --enable-cluster)");
  }
  return target;
}

ClusterTarget existing_cluster_target(const db::Cluster& cluster, const ApiServices& services) {
  auto version = services.catalog->find_version_by_id(cluster.datastore_version_id);
  if (!version) {
    throw common::bad_request("the datastore version of cluster " + cluster.id +
                              " is no longer registered; ask an administrator");
  }
  if (version->datastore_name.empty()) version->datastore_name = cluster.datastore_name;
  return {*version, strategy_for(*version, services)};
}

db::Flavor resolve_shared_flavor(const std::vector<NodeSpec>& specs,
                                 db::CatalogRepository& catalog) {
  std::optional<db::Flavor> shared;
  std::string shared_field;
  for (const auto& spec : specs) {
    if (!spec.flavor_ref) continue;
    auto flavor = catalog.find_flavor(*spec.flavor_ref);
    if (!flavor) {
      throw common::bad_request(spec.field + ".flavorRef " + common::in_quotes(*spec.flavor_ref) +
                                " is not a known flavor");
    }
    if (shared && shared->id != flavor->id) {
      throw common::bad_request("all nodes of a cluster share one flavor: " + spec.field +
                                ".flavorRef names flavor '" + flavor->id + "' but " + shared_field +
                                ".flavorRef names flavor '" + shared->id + "'");
    }
    if (!shared) {
      shared = flavor;
      shared_field = spec.field;
    }
  }
  if (!shared) throw common::internal_error("resolve_shared_flavor: no spec names a flavor");
  return *shared;
}

db::Node make_node(const db::Cluster& cluster, int ordinal, const std::string& zone,
                   const std::string& flavor_id, int volume_size_gb) {
  db::Node n;
  n.instance_id = common::crypto::uuid4();
  n.cluster_id = cluster.id;
  n.zone = zone;
  n.ordinal = ordinal;
  db::Instance& i = n.instance;
  i.id = n.instance_id;
  i.tenant_id = cluster.tenant_id;
  i.name = cluster.name + "-" + std::to_string(ordinal);
  i.flavor_id = flavor_id;
  i.volume_size_gb = volume_size_gb;
  i.datastore_version_id = cluster.datastore_version_id;
  i.task = common::task::kBuilding;
  i.availability_zone = zone;
  i.cluster_id = cluster.id;
  i.service_status = common::service_status::kNew;
  i.datastore_name = cluster.datastore_name;
  i.datastore_version_name = cluster.datastore_version_name;
  return n;
}

std::string default_zone(const db::Cluster& cluster, const ClusterStrategy& strategy,
                         const std::string& field) {
  std::set<std::string> zones;
  for (const auto& n : cluster.nodes) zones.insert(n.zone);
  if (zones.empty()) return strategy.default_zone();
  if (zones.size() == 1) return *zones.begin();
  std::string list;
  for (const auto& z : zones) list += (list.empty() ? "" : ", ") + z;
  const std::string word = strategy.zone_word();
  throw common::bad_request(field + " needs a " + word + ": cluster " + cluster.name + " spans " +
                            word + "s " + list +
                            "; give each new node an availability_zone (or a region)");
}

}  // namespace automat::api
