#include "api/create_plan.h"

#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

db::Flavor resolve_flavor(const std::string& ref, db::CatalogRepository& catalog) {
  auto flavor = catalog.find_flavor(ref);
  if (!flavor)
    throw common::bad_request("flavorRef " + common::in_quotes(ref) + " is not a known flavor");
  return *flavor;
}

// The datastore named by the request, or the only one registered.
db::Datastore resolve_datastore(const InstanceCreateRequest& req, db::CatalogRepository& catalog) {
  if (req.datastore_type) {
    auto ds = catalog.find_datastore(*req.datastore_type);
    if (!ds) {
      throw common::bad_request("instance.datastore.type: datastore " +
                                common::in_quotes(*req.datastore_type) + " is not known");
    }
    return *ds;
  }
  auto all = catalog.list_datastores();
  if (all.size() == 1) return all.front();
  if (all.empty()) throw common::bad_request("no datastore is registered; ask an administrator");
  throw common::bad_request(
      "instance.datastore.type is required: more than one datastore is "
      "registered");
}

db::DatastoreVersion resolve_version(const InstanceCreateRequest& req, const db::Datastore& ds,
                                     db::CatalogRepository& catalog) {
  const std::string wanted = req.datastore_version.value_or(ds.default_version_id);
  if (wanted.empty()) {
    throw common::bad_request("datastore '" + ds.name +
                              "' has no default version; give "
                              "instance.datastore.version");
  }
  auto version = catalog.find_version(ds.id, wanted);
  if (!version) {
    throw common::bad_request("instance.datastore.version: version " + common::in_quotes(wanted) +
                              " of datastore '" + ds.name + "' is not known");
  }
  if (!version->active) {
    throw common::bad_request("instance.datastore.version: version '" + version->name +
                              "' of datastore '" + ds.name + "' is not active");
  }
  return *version;
}

}  // namespace

CreatePlan resolve_create(InstanceCreateRequest request, const ApiServices& services) {
  db::CatalogRepository& catalog = *services.catalog;
  CreatePlan plan{std::move(request), {}, {}};
  plan.flavor = resolve_flavor(plan.request.flavor_ref, catalog);
  const db::Datastore ds = resolve_datastore(plan.request, catalog);
  plan.version = resolve_version(plan.request, ds, catalog);
  if (plan.version.datastore_name.empty()) plan.version.datastore_name = ds.name;
  const DatastoreStrategy* strategy =
      services.strategies ? services.strategies(plan.version.manager) : nullptr;
  if (!strategy) {
    throw common::bad_request("datastore '" + ds.name + "' (manager '" + plan.version.manager +
                              "') is not served by this API");
  }
  strategy->validate_instance_create(plan.request, plan.flavor, plan.version);
  return plan;
}

}  // namespace automat::api
