#pragma once
// A datastore's API face: validates requests and fills defaults before
// anything is written. Registered by manager name in datastores/api_registry.cc.
#include <string>

#include "api/instance_request.h"
#include "db/models.h"

namespace automat::api {

class DatastoreStrategy {
 public:
  virtual ~DatastoreStrategy() = default;
  // Checks an instance create for this datastore (the parsed request: its
  // databases and users, in the body's order); throws common::Error
  // (kBadRequest) naming the field ("instance.databases[1].name").
  virtual void validate_instance_create(const InstanceCreateRequest& request,
                                        const db::Flavor& flavor,
                                        const db::DatastoreVersion& version) const = 0;
  // Checks that `flavor` suits an instance of `version` (a flavor resize),
  // throwing common::Error(kBadRequest) that names `field` and the floor
  // when its RAM is too small. By default the floor is the version's
  // min_ram_mb.
  virtual void validate_flavor(const db::Flavor& flavor, const db::DatastoreVersion& version,
                               const std::string& field) const;
  // Whether POST /backups may back up one of its instances (and
  // restorePoint restore one): its workflows handle backup.create,
  // backup.delete and a restoring instance.create.
  virtual bool supports_backups() const { return false; }
};

}  // namespace automat::api
