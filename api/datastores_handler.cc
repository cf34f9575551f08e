#include "api/datastores_handler.h"

#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {

Response DatastoresHandler::list(const RequestContext& ctx) const {
  return json_response(200, datastores_view(services_.catalog->list_datastores(), ctx.links));
}

Response DatastoresHandler::show(const RequestContext& ctx, const std::string& datastore) const {
  return json_response(200, {{"datastore", datastore_view(find(datastore), ctx.links)}});
}

Response DatastoresHandler::versions(const RequestContext& ctx,
                                     const std::string& datastore) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : find(datastore).versions) list.push_back(version_view(v, ctx.links));
  return json_response(200, {{"versions", std::move(list)}});
}

Response DatastoresHandler::version(const RequestContext& ctx, const std::string& datastore,
                                    const std::string& version) const {
  const db::Datastore ds = find(datastore);
  auto found = services_.catalog->find_version(ds.id, version);
  if (!found) {
    throw common::not_found("version " + common::in_quotes(version) + " of datastore '" + ds.name +
                            "' was not found");
  }
  return json_response(200, {{"version", version_view(*found, ctx.links)}});
}

db::Datastore DatastoresHandler::find(const std::string& datastore) const {
  auto ds = services_.catalog->find_datastore(datastore);
  if (!ds) throw common::not_found("datastore " + common::in_quotes(datastore) + " was not found");
  return *ds;
}

}  // namespace automat::api
