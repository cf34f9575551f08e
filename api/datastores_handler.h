#pragma once
// /v1.0/{tenant}/datastores: the catalog of datastores and their versions.
// Read-only; a datastore or version is named by id or name.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class DatastoresHandler {
 public:
  explicit DatastoresHandler(const ApiServices& services) : services_(services) {}

  // GET /datastores: {"datastores": [...]}.
  Response list(const RequestContext& ctx) const;
  // GET /datastores/{ds}: {"datastore": ...}; 404 when unknown.
  Response show(const RequestContext& ctx, const std::string& datastore) const;
  // GET /datastores/{ds}/versions: {"versions": [...]}; 404 when unknown.
  Response versions(const RequestContext& ctx, const std::string& datastore) const;
  // GET /datastores/{ds}/versions/{v}: {"version": ...}; 404 when unknown.
  Response version(const RequestContext& ctx, const std::string& datastore,
                   const std::string& version) const;

 private:
  db::Datastore find(const std::string& datastore) const;

  const ApiServices& services_;
};

}  // namespace automat::api
