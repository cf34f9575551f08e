// guestagent::make_datastore_manager, answered by the datastores registry.
#include "guestagent/datastore_manager.h"

#include "datastores/registry.h"

namespace automat::guestagent {

std::unique_ptr<DatastoreManager> make_datastore_manager(const std::string& manager_name,
                                                         const NodeContext& node) {
  return datastores::guest_manager(manager_name, node);
}

}  // namespace automat::guestagent
