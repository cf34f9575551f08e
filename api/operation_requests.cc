#include "api/operation_requests.h"

#include "api/responses.h"
#include "api/views.h"
#include "common/task_queue.h"

namespace automat::api {

Response accepted(nlohmann::json body, const db::Operation& op) {
  body["operation"] = operation_ref(op);
  Response r = json_response(202, body);
  r.operation_id = op.id;
  return r;
}

void publish_task(const ApiServices& services, const std::string& operation_id) {
  common::publish_task(*services.publisher, operation_id);
}

}  // namespace automat::api
