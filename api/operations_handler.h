#pragma once
// /v1.0/{tenant}/operations/{id}: the progress of an async action. Scoped to
// the tenant; their input and checkpoint (which may hold passwords) are
// never shown.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class OperationsHandler {
 public:
  explicit OperationsHandler(const ApiServices& services) : services_(services) {}

  // GET /operations/{id}: {"operation": ...}; 404 when unknown or another
  // tenant's.
  Response show(const RequestContext& ctx, const std::string& id) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
