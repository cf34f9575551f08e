#include "api/operation_requests.h"

#include "api/responses.h"
#include "api/views.h"
#include "automat/messages.pb.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/status.h"

namespace automat::api {

db::Operation new_operation(const std::string& tenant_id, const std::string& type,
                            const std::string& resource_type, const std::string& resource_id) {
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = tenant_id;
  op.type = type;
  op.resource_type = resource_type;
  op.resource_id = resource_id;
  op.state = common::op_state::kSubmitted;
  return op;
}

Response accepted(nlohmann::json body, const db::Operation& op) {
  body["operation"] = operation_ref(op);
  Response r = json_response(202, body);
  r.operation_id = op.id;
  return r;
}

void publish_task(const ApiServices& services, const std::string& operation_id) {
  proto::TaskMessage msg;
  msg.set_operation_id(operation_id);
  try {
    services.publisher->publish(common::kTaskQueue, msg.SerializeAsString());
  } catch (const std::exception& e) {
    common::log::warn("task.publish_failed", {{"op", operation_id}, {"error", e.what()}});
  }
}

}  // namespace automat::api
