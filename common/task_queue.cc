#include "common/task_queue.h"

#include "automat/messages.pb.h"
#include "common/log.h"

namespace automat::common {

void publish_task(Publisher& publisher, const std::string& operation_id) {
  proto::TaskMessage msg;
  msg.set_operation_id(operation_id);
  try {
    publisher.publish(kTaskQueue, msg.SerializeAsString());
  } catch (const std::exception& e) {
    log::warn("task.publish_failed", {{"op", operation_id}, {"error", e.what()}});
  }
}

}  // namespace automat::common
