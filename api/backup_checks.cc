#include "api/backup_checks.h"

#include "common/error.h"

namespace automat::api {

void check_backs_up(const ApiServices& services, const db::Instance& instance) {
  if (instance.cluster_id) {
    throw common::bad_request("instance " + instance.id + " is a node of cluster " +
                              *instance.cluster_id + "; back up the cluster instead");
  }
  const auto version = services.catalog->find_version_by_id(instance.datastore_version_id);
  const DatastoreStrategy* strategy =
      version && services.strategies ? services.strategies(version->manager) : nullptr;
  if (!strategy || !strategy->supports_backups()) {
    throw common::bad_request("instance " + instance.id + " runs " +
                              (version ? version->datastore_name : std::string("a datastore")) +
                              ", which this service cannot back up");
  }
}

}  // namespace automat::api
