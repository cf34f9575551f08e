#pragma once
// The operations row a request starts with, for whoever stores one with its
// desired state: the API's handlers, the taskmanager's backup scheduler.
#include <string>

#include "db/models.h"

namespace automat::db {

// A SUBMITTED operation with a fresh id.
Operation new_operation(const std::string& tenant_id, const std::string& type,
                        const std::string& resource_type, const std::string& resource_id);

}  // namespace automat::db
