#include "api/operations_handler.h"

#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {

Response OperationsHandler::show(const RequestContext& ctx, const std::string& id) const {
  auto op = services_.operations->find(ctx.tenant_id(), id);
  if (!op) throw common::not_found("operation " + common::excerpt(id) + " was not found");
  return json_response(200, {{"operation", operation_view(*op)}});
}

}  // namespace automat::api
