#include "api/operations_handler.h"

#include "api/pagination.h"
#include "api/query_params.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"
#include "common/status.h"

namespace automat::api {
namespace {

std::optional<std::string> filter_state(const QueryParams& query) {
  auto state = query.get_text("state");
  namespace os = common::op_state;
  if (state && *state != os::kSubmitted && *state != os::kRunning && *state != os::kCompleted &&
      *state != os::kFailed) {
    throw common::bad_request("state " + common::in_quotes(*state) +
                              " is not an operation state; use one of SUBMITTED, RUNNING, "
                              "COMPLETED, FAILED");
  }
  return state;
}

}  // namespace

Response OperationsHandler::list(const RequestContext& ctx) const {
  const QueryParams query = QueryParams::parse(ctx.request.target);
  db::OperationFilter filter;
  filter.state = filter_state(query);
  filter.type = query.get_text("type");
  filter.resource_id = query.get_text("resource");
  filter.finished_within = services_.limits.operation_expiry;
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const std::vector<db::Operation> all = services_.operations->list(ctx.tenant_id(), filter);
  const auto page = page_of(
      all, request, [](const db::Operation& op) { return op.id; }, "an operation");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& op : page.items) items.push_back(operation_view(op));
  return json_response(200, paged_body(ctx, "operations", std::move(items), page.next_marker));
}

Response OperationsHandler::show(const RequestContext& ctx, const std::string& id) const {
  auto op = services_.operations->find(ctx.tenant_id(), id);
  if (!op) throw common::not_found("operation " + common::excerpt(id) + " was not found");
  return json_response(200, {{"operation", operation_view(*op)}});
}

}  // namespace automat::api
