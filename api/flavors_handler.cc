#include "api/flavors_handler.h"

#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {

Response FlavorsHandler::list(const RequestContext& ctx) const {
  return json_response(200, flavors_view(services_.catalog->list_flavors(), ctx.links));
}

Response FlavorsHandler::show(const RequestContext& ctx, const std::string& id) const {
  auto flavor = services_.catalog->find_flavor(id);
  if (!flavor) throw common::not_found("flavor " + common::in_quotes(id) + " was not found");
  return json_response(200, {{"flavor", flavor_view(*flavor, ctx.links)}});
}

}  // namespace automat::api
