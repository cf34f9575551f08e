// guestagent::make_datastore_manager, answered by the datastores registry.
#include "guestagent/datastore_manager.h"

#include "common/status.h"
#include "datastores/guest_registry.h"

namespace automat::guestagent {

std::string shown_status(const std::string& status, const proto::DatastoreReport& report) {
  if (status == common::service_status::kRunning && !report.degraded_status().empty()) {
    return report.degraded_status();
  }
  return status;
}

NodeContext node_context(const common::GuestConf& conf) {
  NodeContext n;
  n.instance_id = conf.instance_id;
  n.address = conf.address;
  n.instance_dir = conf.instance_dir;
  n.volume_dir = conf.volume_dir;
  n.datastore_version = conf.datastore_version;
  n.image_location = conf.image_location;
  n.ram_mb = conf.ram_mb;
  return n;
}

std::unique_ptr<DatastoreManager> make_datastore_manager(const std::string& manager_name,
                                                         const NodeContext& node) {
  return datastores::guest_manager(manager_name, node);
}

}  // namespace automat::guestagent
