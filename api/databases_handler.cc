#include "api/databases_handler.h"

#include "api/instance_guest.h"
#include "api/pagination.h"
#include "api/responses.h"
#include "common/log.h"

namespace automat::api {
namespace {

using nlohmann::json;
using Use = InstanceGuest::Use;

}  // namespace

Response DatabasesHandler::list(const RequestContext& ctx, const std::string& instance_id) const {
  const PageRequest query = page_request(ctx, kAdminPageSize);
  const InstanceGuest guest(services_, ctx, instance_id, Use::kRead);
  proto::PageRequest req;
  req.set_limit(static_cast<int>(query.limit));
  req.set_marker(query.marker.value_or(""));
  proto::DatabasePage page;
  guest.with([&](auto& g) { page = g.list_databases(req); });
  json items = json::array();
  for (const auto& db : page.databases()) items.push_back({{"name", db.name()}});
  const auto next =
      page.next_marker().empty() ? std::nullopt : std::optional<std::string>(page.next_marker());
  return json_response(200, paged_body(ctx, "databases", std::move(items), next));
}

Response DatabasesHandler::create(const RequestContext& ctx, const std::string& instance_id) const {
  const json& body = ctx.body();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::CreateDatabasesRequest req;
  for (const auto& d : body.at("databases")) {
    auto* db = req.add_databases();
    db->set_name(d.at("name").get<std::string>());
    if (d.contains("character_set") && d["character_set"].is_string()) {
      db->set_character_set(d["character_set"].get<std::string>());
    }
    if (d.contains("collate") && d["collate"].is_string()) {
      db->set_collate(d["collate"].get<std::string>());
    }
  }
  guest.with([&](auto& g) { g.create_databases(req); });
  common::log::info("databases.created", {{"tenant", ctx.tenant_id()},
                                          {"instance", instance_id},
                                          {"count", std::to_string(req.databases_size())}});
  return empty_response(202);
}

Response DatabasesHandler::remove(const RequestContext& ctx, const std::string& instance_id,
                                  const std::string& name) const {
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::DeleteDatabaseRequest req;
  req.set_name(name);
  guest.with([&](auto& g) { g.delete_database(req); });
  common::log::info("database.deleted",
                    {{"tenant", ctx.tenant_id()}, {"instance", instance_id}, {"database", name}});
  return empty_response(202);
}

}  // namespace automat::api
