#include "db/new_operation.h"

#include "common/crypto.h"
#include "common/status.h"

namespace automat::db {

Operation new_operation(const std::string& tenant_id, const std::string& type,
                        const std::string& resource_type, const std::string& resource_id) {
  Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = tenant_id;
  op.type = type;
  op.resource_type = resource_type;
  op.resource_id = resource_id;
  op.state = common::op_state::kSubmitted;
  return op;
}

}  // namespace automat::db
