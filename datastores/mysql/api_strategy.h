#pragma once
// MySQL's API face (served by MariaDB): the checks an instance create must
// pass for this datastore, on top of the generic ones of api/instance_request.h.
#include <string>

#include "api/datastore_strategy.h"
#include "db/models.h"

namespace automat::datastores::mysql {

// Refuses (common::Error kBadRequest, naming the field):
//  - a flavor with less RAM than max(512 MB, the version's min_ram_mb);
//  - databases named like MariaDB's own schemas (mysql, information_schema,
//    performance_schema, sys), case-insensitively;
//  - users named like MariaDB's own accounts (root, mysql, mariadb.sys,
//    mysql.sys, mysql.session, mysql.infoschema), case-insensitively;
//  - a character_set MariaDB does not know, or a collate that does not
//    belong to the database's character set.
class MysqlApiStrategy : public api::DatastoreStrategy {
 public:
  static constexpr int kMinRamMb = 512;

  void validate_instance_create(const api::InstanceCreateRequest& request, const db::Flavor& flavor,
                                const db::DatastoreVersion& version) const override;
  // The same RAM floor as a create, for a flavor resize.
  void validate_flavor(const db::Flavor& flavor, const db::DatastoreVersion& version,
                       const std::string& field) const override;
  // mariadb-backup, full and incremental (workflow_backup.h).
  bool supports_backups() const override { return true; }
};

}  // namespace automat::datastores::mysql
