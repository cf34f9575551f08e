#include "api/datastores_handler.h"

#include "api/pagination.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

bool is_admin(const RequestContext& ctx) { return ctx.principal && ctx.principal->is_admin(); }

}  // namespace

Response DatastoresHandler::list(const RequestContext& ctx) const {
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const auto page = page_of(
      services_.catalog->list_datastores(), request, [](const db::Datastore& d) { return d.id; },
      "a datastore");
  return json_response(
      200, paged_body(ctx, "datastores",
                      datastores_view(page.items, ctx.links, is_admin(ctx))["datastores"],
                      page.next_marker));
}

Response DatastoresHandler::show(const RequestContext& ctx, const std::string& datastore) const {
  return json_response(200,
                       {{"datastore", datastore_view(find(datastore), ctx.links, is_admin(ctx))}});
}

Response DatastoresHandler::versions(const RequestContext& ctx,
                                     const std::string& datastore) const {
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const auto page = page_of(
      find(datastore).versions, request, [](const db::DatastoreVersion& v) { return v.id; },
      "a version");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : page.items) list.push_back(version_view(v, ctx.links, is_admin(ctx)));
  return json_response(200, paged_body(ctx, "versions", std::move(list), page.next_marker));
}

Response DatastoresHandler::version(const RequestContext& ctx, const std::string& datastore,
                                    const std::string& version) const {
  return json_response(
      200, {{"version", version_view(find_version(datastore, version), ctx.links, is_admin(ctx))}});
}

Response DatastoresHandler::version_by_id(const RequestContext& ctx,
                                          const std::string& version_id) const {
  auto found = services_.catalog->find_version_by_id(version_id);
  if (!found)
    throw common::not_found("datastore version " + common::in_quotes(version_id) +
                            " was not found");
  return json_response(200, {{"version", version_view(*found, ctx.links, is_admin(ctx))}});
}

Response DatastoresHandler::version_flavors(const RequestContext& ctx, const std::string& datastore,
                                            const std::string& version) const {
  const db::DatastoreVersion v = find_version(datastore, version);
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  std::vector<db::Flavor> usable = services_.catalog->list_flavors();
  std::erase_if(usable, [&](const db::Flavor& f) { return f.ram_mb < v.min_ram_mb; });
  const auto page = page_of(
      usable, request, [](const db::Flavor& f) { return f.id; }, "a flavor");
  return json_response(
      200,
      paged_body(ctx, "flavors", flavors_view(page.items, ctx.links)["flavors"], page.next_marker));
}

db::Datastore DatastoresHandler::find(const std::string& datastore) const {
  auto ds = services_.catalog->find_datastore(datastore);
  if (!ds) throw common::not_found("datastore " + common::in_quotes(datastore) + " was not found");
  return *ds;
}

db::DatastoreVersion DatastoresHandler::find_version(const std::string& datastore,
                                                     const std::string& version) const {
  const db::Datastore ds = find(datastore);
  auto found = services_.catalog->find_version(ds.id, version);
  if (!found) {
    throw common::not_found("version " + common::in_quotes(version) + " of datastore '" + ds.name +
                            "' was not found");
  }
  return *found;
}

}  // namespace automat::api
