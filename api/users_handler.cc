#include "api/users_handler.h"

#include "api/databases_handler.h"
#include "api/instance_guest.h"
#include "api/pagination.h"
#include "api/responses.h"
#include "common/log.h"
#include "guestclient/database_admin_client.h"

namespace automat::api {
namespace {

using nlohmann::json;
using Use = InstanceGuest::Use;

// A string member of an object, or "" when it is absent or null.
std::string text(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

json user_view(const proto::User& u) {
  json dbs = json::array();
  for (const auto& db : u.databases()) dbs.push_back({{"name", db}});
  return {{"name", u.name()}, {"host", u.host()}, {"databases", std::move(dbs)}};
}

std::string who(const proto::UserRef& u) { return u.name() + "@" + u.host(); }

void log_change(const char* event, const RequestContext& ctx, const std::string& instance_id,
                const std::string& user) {
  common::log::info(event,
                    {{"tenant", ctx.tenant_id()}, {"instance", instance_id}, {"user", user}});
}

}  // namespace

Response UsersHandler::list(const RequestContext& ctx, const std::string& instance_id) const {
  const PageRequest query = page_request(ctx, kAdminPageSize);
  const InstanceGuest guest(services_, ctx, instance_id, Use::kRead);
  proto::PageRequest req;
  req.set_limit(static_cast<int>(query.limit));
  req.set_marker(query.marker.value_or(""));
  proto::UserPage page;
  guest.with([&](auto& g) { page = g.list_users(req); });
  json items = json::array();
  for (const auto& u : page.users()) items.push_back(user_view(u));
  const auto next =
      page.next_marker().empty() ? std::nullopt : std::optional<std::string>(page.next_marker());
  return json_response(200, paged_body(ctx, "users", std::move(items), next));
}

Response UsersHandler::create(const RequestContext& ctx, const std::string& instance_id) const {
  const json& body = ctx.body();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::CreateUsersRequest req;
  for (const auto& u : body.at("users")) {
    auto* user = req.add_users();
    user->set_name(text(u, "name"));
    user->set_host(text(u, "host"));
    user->set_password(text(u, "password"));
    if (u.contains("databases") && u["databases"].is_array()) {
      // Each a name, or {"name": ...} as Trove's clients send it.
      for (const auto& db : u["databases"]) {
        user->add_databases(db.is_string() ? db.get<std::string>() : text(db, "name"));
      }
    }
  }
  guest.with([&](auto& g) { g.create_users(req); });
  common::log::info("users.created", {{"tenant", ctx.tenant_id()},
                                      {"instance", instance_id},
                                      {"count", std::to_string(req.users_size())}});
  return empty_response(202);
}

Response UsersHandler::change_passwords(const RequestContext& ctx,
                                        const std::string& instance_id) const {
  const json& body = ctx.body();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::ChangePasswordsRequest req;
  for (const auto& u : body.at("users")) {
    auto* change = req.add_changes();
    change->mutable_user()->set_name(text(u, "name"));
    change->mutable_user()->set_host(text(u, "host"));
    change->set_password(text(u, "password"));
  }
  guest.with([&](auto& g) { g.change_passwords(req); });
  common::log::info("users.passwords_changed", {{"tenant", ctx.tenant_id()},
                                                {"instance", instance_id},
                                                {"count", std::to_string(req.changes_size())}});
  return empty_response(202);
}

Response UsersHandler::show(const RequestContext& ctx, const std::string& instance_id,
                            const std::string& user) const {
  const InstanceGuest guest(services_, ctx, instance_id, Use::kRead);
  proto::User found;
  guest.with([&](auto& g) { found = g.get_user(user_ref_of(user)); });
  return json_response(200, {{"user", user_view(found)}});
}

Response UsersHandler::update(const RequestContext& ctx, const std::string& instance_id,
                              const std::string& user) const {
  const json& attributes = ctx.body().at("user");
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::UpdateUserRequest req;
  *req.mutable_user() = user_ref_of(user);
  if (attributes.contains("name") && attributes["name"].is_string()) {
    req.set_new_name(attributes["name"].get<std::string>());
  }
  if (attributes.contains("host") && attributes["host"].is_string()) {
    req.set_new_host(attributes["host"].get<std::string>());
  }
  if (attributes.contains("password") && attributes["password"].is_string()) {
    req.set_new_password(attributes["password"].get<std::string>());
  }
  guest.with([&](auto& g) { g.update_user(req); });
  log_change("user.updated", ctx, instance_id, who(req.user()));
  return empty_response(202);
}

Response UsersHandler::remove(const RequestContext& ctx, const std::string& instance_id,
                              const std::string& user) const {
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  const proto::UserRef ref = user_ref_of(user);
  guest.with([&](auto& g) { g.delete_user(ref); });
  log_change("user.deleted", ctx, instance_id, who(ref));
  return empty_response(202);
}

Response UsersHandler::list_access(const RequestContext& ctx, const std::string& instance_id,
                                   const std::string& user) const {
  const InstanceGuest guest(services_, ctx, instance_id, Use::kRead);
  proto::AccessList access;
  guest.with([&](auto& g) { access = g.list_access(user_ref_of(user)); });
  json dbs = json::array();
  for (const auto& db : access.databases()) dbs.push_back({{"name", db.name()}});
  return json_response(200, {{"databases", std::move(dbs)}});
}

Response UsersHandler::grant(const RequestContext& ctx, const std::string& instance_id,
                             const std::string& user) const {
  const json& body = ctx.body();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::GrantAccessRequest req;
  *req.mutable_user() = user_ref_of(user);
  for (const auto& db : body.at("databases")) req.add_databases(text(db, "name"));
  guest.with([&](auto& g) { g.grant_access(req); });
  log_change("user.access_granted", ctx, instance_id, who(req.user()));
  return empty_response(202);
}

Response UsersHandler::revoke(const RequestContext& ctx, const std::string& instance_id,
                              const std::string& user, const std::string& database) const {
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::RevokeAccessRequest req;
  *req.mutable_user() = user_ref_of(user);
  req.set_database(database);
  guest.with([&](auto& g) { g.revoke_access(req); });
  log_change("user.access_revoked", ctx, instance_id, who(req.user()));
  return empty_response(202);
}

}  // namespace automat::api
