// Guest managers by manager name: one line per datastore.
#include "datastores/guest_registry.h"

#include "datastores/cassandra/guest_cassandra_manager.h"
#include "datastores/mysql/guest_mysql_manager.h"

namespace automat::datastores {

std::unique_ptr<guestagent::DatastoreManager> guest_manager(const std::string& manager,
                                                            const guestagent::NodeContext& node) {
  if (manager == "mysql") return mysql::make_guest_manager(node);
  if (manager == "cassandra") return cassandra::make_guest_manager(node);
  return nullptr;
}

}  // namespace automat::datastores
