#pragma once
// What every handler that starts an operation does the same way: build the
// operations row, answer 202 with it, and hand it to the taskmanager.
#include <nlohmann/json.hpp>
#include <string>

#include "api/http_message.h"
#include "api/services.h"
#include "db/models.h"
#include "db/new_operation.h"

namespace automat::api {

// A SUBMITTED operation with a fresh id (db/new_operation.h).
using db::new_operation;

// 202 with `body` plus "operation": {"id", "state"} and X-Operation-Id.
Response accepted(nlohmann::json body, const db::Operation& op);

// Publishes the TaskMessage for a stored operation. A failed publish is
// logged only: the taskmanager's resume scan runs unclaimed operations.
void publish_task(const ApiServices& services, const std::string& operation_id);

}  // namespace automat::api
