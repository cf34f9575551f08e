#pragma once
// /v1.0/{tenant}/flavors: the sizes an instance can have. Read-only.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class FlavorsHandler {
 public:
  explicit FlavorsHandler(const ApiServices& services) : services_(services) {}

  // GET /flavors: {"flavors": [...], "links"}, paginated (api/pagination.h).
  Response list(const RequestContext& ctx) const;
  // GET /flavors/{id}: {"flavor": ...} (by id or name); 404 when unknown.
  Response show(const RequestContext& ctx, const std::string& id) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
