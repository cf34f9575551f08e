#pragma once
// The guest face of the datastores, by manager name ("mysql"): what
// automat-guestagent links. Defined in datastores/guest_registry.cc.
#include <memory>
#include <string>

#include "guestagent/datastore_manager.h"

namespace automat::datastores {

// nullptr when no datastore registered `manager`.
std::unique_ptr<guestagent::DatastoreManager> guest_manager(const std::string& manager,
                                                            const guestagent::NodeContext& node);

}  // namespace automat::datastores
