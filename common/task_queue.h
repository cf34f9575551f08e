#pragma once
// Handing a stored operation to the taskmanagers: a proto::TaskMessage on
// kTaskQueue. Whoever stored the operation (automat-api, the taskmanager's
// backup scheduler) publishes it this one way.
#include <string>

#include "common/broker.h"

namespace automat::common {

// Publishes the TaskMessage of `operation_id`. A failed publish is logged
// only: the taskmanager's resume scan runs unclaimed operations.
void publish_task(Publisher& publisher, const std::string& operation_id);

}  // namespace automat::common
