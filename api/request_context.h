#pragma once
// What a handler knows about the request it serves, once the router has
// authenticated the caller and checked it may act on the URL's tenant.
#include <memory>
#include <string>

#include "api/http_message.h"
#include "api/views.h"
#include "db/models.h"

namespace automat::api {

struct RequestContext {
  const Request& request;
  std::shared_ptr<const db::Principal> principal;
  // The endpoint and the URL's tenant, for links in views.
  LinkBase links;

  // The tenant of the URL; every query a handler makes is scoped to it.
  const std::string& tenant_id() const { return links.tenant_id; }
};

}  // namespace automat::api
