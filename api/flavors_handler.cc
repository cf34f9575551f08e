#include "api/flavors_handler.h"

#include "api/pagination.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {

Response FlavorsHandler::list(const RequestContext& ctx) const {
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const auto page = page_of(
      services_.catalog->list_flavors(), request, [](const db::Flavor& f) { return f.id; },
      "a flavor");
  return json_response(
      200,
      paged_body(ctx, "flavors", flavors_view(page.items, ctx.links)["flavors"], page.next_marker));
}

Response FlavorsHandler::show(const RequestContext& ctx, const std::string& id) const {
  auto flavor = services_.catalog->find_flavor(id);
  if (!flavor) throw common::not_found("flavor " + common::in_quotes(id) + " was not found");
  return json_response(200, {{"flavor", flavor_view(*flavor, ctx.links)}});
}

}  // namespace automat::api
