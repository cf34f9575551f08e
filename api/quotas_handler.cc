#include "api/quotas_handler.h"

#include "api/request_body.h"
#include "api/responses.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::api {
namespace {

using nlohmann::json;

common::Error forbidden(const std::string& message) {
  return common::Error(common::ErrorCode::kForbidden, message);
}

// {"quotas": {...}} as (resource, limit) pairs; null limits skipped. The
// schema admits only quota resources, each an integer from -1 up.
std::vector<std::pair<std::string, int64_t>> parse_update(const json& doc) {
  body::check(Method::kPut, "/v1.0/{tenant_id}/mgmt/quotas/{tenant}", doc);
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [resource, value] : doc["quotas"].items()) {
    if (!value.is_null()) out.emplace_back(resource, value.get<int64_t>());
  }
  return out;
}

}  // namespace

db::QuotaRepository& QuotasHandler::repository() const {
  if (!services_.quotas) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "quotas are not available on this API server");
  }
  return *services_.quotas;
}

Response QuotasHandler::limits(const RequestContext& ctx) const {
  const db::QuotaValues limits = repository().limits(ctx.tenant_id(), services_.quota_defaults);
  json absolute = {{"verb", "ABSOLUTE"}};
  for (const auto& r : db::quota_resources()) absolute["max_" + r] = db::quota_value(limits, r);
  return json_response(200, {{"limits", json::array({std::move(absolute)})}});
}

Response QuotasHandler::show(const RequestContext& ctx, const std::string& tenant_id) const {
  if (tenant_id != ctx.tenant_id() && !ctx.principal->is_admin()) {
    throw forbidden("a member token may read only its own tenant's quotas");
  }
  db::QuotaRepository& repo = repository();
  const db::QuotaValues limits = repo.limits(tenant_id, services_.quota_defaults);
  json list = json::array();
  for (const auto& u : db::quota_usages(limits, repo.in_use(tenant_id))) {
    list.push_back({{"resource", u.resource},
                    {"in_use", u.in_use},
                    {"reserved", u.reserved},
                    {"limit", u.limit}});
  }
  return json_response(200, {{"quotas", std::move(list)}});
}

Response QuotasHandler::update(const RequestContext& ctx, const std::string& tenant_id) const {
  if (!ctx.principal->is_admin()) throw forbidden("only an admin token may change quotas");
  db::QuotaRepository& repo = repository();
  const auto changes = parse_update(ctx.body());
  if (!changes.empty()) repo.set_limits(tenant_id, changes);
  json set = json::object();
  for (const auto& [resource, limit] : changes) {
    set[resource] = limit;
    common::log::info("quota.updated", {{"tenant", tenant_id},
                                        {"resource", resource},
                                        {"limit", std::to_string(limit)},
                                        {"by_tenant", ctx.principal->tenant_id}});
  }
  return json_response(200, {{"quotas", std::move(set)}});
}

}  // namespace automat::api
