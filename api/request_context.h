#pragma once
// What a handler knows about the request it serves, once the router has
// authenticated the caller and checked it may act on the URL's tenant.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/http_message.h"
#include "api/responses.h"
#include "api/views.h"
#include "db/models.h"

namespace automat::api {

struct RequestContext {
  const Request& request;
  std::shared_ptr<const db::Principal> principal;
  // The endpoint and the URL's tenant, for links in views.
  LinkBase links;

  // The request body as JSON. The router parses it (and checks it against
  // the route's schema in docs/openapi.yaml) before the handler runs;
  // otherwise it is parsed here on first use. Throws common::Error(400).
  mutable std::optional<nlohmann::json> parsed_body = std::nullopt;

  // The tenant of the URL; every query a handler makes is scoped to it.
  const std::string& tenant_id() const { return links.tenant_id; }
  const nlohmann::json& body() const {
    if (!parsed_body) parsed_body = parse_json_body(request.body);
    return *parsed_body;
  }
};

}  // namespace automat::api
