#pragma once
// Resolves a parsed instance create against the catalog: the flavor, the
// datastore version (defaults filled in) and the datastore's own rules.
// Reads only; nothing is written.
#include <nlohmann/json.hpp>

#include "api/instance_request.h"
#include "api/services.h"
#include "db/models.h"

namespace automat::api {

struct CreatePlan {
  InstanceCreateRequest request;
  db::Flavor flavor;
  db::DatastoreVersion version;
};

// Throws common::Error(kBadRequest) naming the field when the flavor,
// datastore or version is unknown, the version is inactive, no strategy
// serves its manager, or the strategy refuses the request.
CreatePlan resolve_create(InstanceCreateRequest request, const ApiServices& services);

}  // namespace automat::api
