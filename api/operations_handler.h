#pragma once
// /v1.0/{tenant}/operations and /operations/{id}: the progress of async
// actions. Scoped to the tenant; their input and checkpoint (which may hold
// passwords) are never shown.
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
  // GET /operations[?state=S&type=T&resource=ID&limit=N&marker=ID]:
  // {"operations": [...], "links": [...]}, oldest first. A finished
  // operation is listed until [api] operation_expiry after it finished (its
  // resource stays; GET /operations/{id} still shows it). 400 for a state
  // that is none of SUBMITTED, RUNNING, COMPLETED, FAILED, or a type or
  // resource that is empty, longer than 255 characters or has control
  // characters.
  Response list(const RequestContext& ctx) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
