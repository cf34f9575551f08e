#pragma once
// /v1.0/{tenant}/datastores: the catalog of datastores and their versions,
// in Trove's shapes. Read-only; a datastore or version is named by id or
// name. Lists are paginated (api/pagination.h). Admins also see where a
// version's binaries come from ("image") and its "packages".
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class DatastoresHandler {
 public:
  explicit DatastoresHandler(const ApiServices& services) : services_(services) {}

  // GET /datastores: {"datastores": [...], "links"}, by name.
  Response list(const RequestContext& ctx) const;
  // GET /datastores/{ds}: {"datastore": ...}; 404 when unknown.
  Response show(const RequestContext& ctx, const std::string& datastore) const;
  // GET /datastores/{ds}/versions: {"versions": [...], "links"}; 404 when unknown.
  Response versions(const RequestContext& ctx, const std::string& datastore) const;
  // GET /datastores/{ds}/versions/{v}: {"version": ...}; 404 when unknown.
  Response version(const RequestContext& ctx, const std::string& datastore,
                   const std::string& version) const;
  // GET /datastores/versions/{id}: {"version": ...} by the version's id
  // alone (Trove's version_show_by_uuid); 404 when unknown.
  Response version_by_id(const RequestContext& ctx, const std::string& version_id) const;
  // GET /datastores/{ds}/versions/{v}/flavors: {"flavors": [...], "links"}:
  // the flavors an instance of that version may have (at least the
  // version's minimum RAM); 404 when the datastore or version is unknown.
  Response version_flavors(const RequestContext& ctx, const std::string& datastore,
                           const std::string& version) const;

 private:
  db::Datastore find(const std::string& datastore) const;
  db::DatastoreVersion find_version(const std::string& datastore, const std::string& version) const;

  const ApiServices& services_;
};

}  // namespace automat::api
