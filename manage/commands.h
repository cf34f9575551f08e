#pragma once
// The work behind each automat-manage subcommand, written against the
// repository interfaces so it can run on fakes. Each prints its result to
// `out` and throws common::Error (kBadRequest for bad input) on failure.
#include <ostream>
#include <string>

#include "db/migrator.h"
#include "db/repositories.h"

namespace automat::manage {

// `db sync`: applies pending migrations, naming each.
void sync_db(db::Migrator& migrator, std::ostream& out);

// `tenant show NAME`: prints the tenant's id (a tenant exists once named, so
// an unknown name is created, as token create does).
void show_tenant(db::TokenRepository& tokens, const std::string& name, std::ostream& out);

// `token create --tenant NAME [--role admin|member]`: stores only the
// token's SHA-256 and prints, once,
//   Token for tenant NAME (tenant_id ID): TOKEN
// Role admin grants {"member", "admin"}.
void create_token(db::TokenRepository& tokens, const std::string& tenant, const std::string& role,
                  std::ostream& out);

struct DatastoreSpec {
  std::string name;     // "mysql"
  std::string version;  // "10.11"
  std::string manager;  // guest manager: "mysql"
  std::string image_location;
  bool make_default = false;
  bool enable_cluster = false;
  bool enable_replication = false;
  int min_ram_mb = 0;
  std::string packages;  // what its guest installs (Trove's "packages")
};

// `datastore register ...`: creates or updates the datastore version.
void register_datastore(db::CatalogRepository& catalog, const DatastoreSpec& spec,
                        std::ostream& out);
// `datastore install NAME ...`: registers the version a datastore's
// installer laid out and described (datastores/<name>/manage_*.h, e.g.
// datastores::cassandra::install_cassandra) under its datastore_name -- as
// the datastore's default version when it has none yet. Re-running updates
// the registration.
void register_installed(db::CatalogRepository& catalog, const db::DatastoreVersion& version,
                        std::ostream& out);
// `datastore list`: every datastore and version, the default marked.
void list_datastores(db::CatalogRepository& catalog, std::ostream& out);

// `flavor create --id --name --ram --vcpus --disk`: creates or updates.
void create_flavor(db::CatalogRepository& catalog, const db::Flavor& flavor, std::ostream& out);
// `flavor list`.
void list_flavors(db::CatalogRepository& catalog, std::ostream& out);

}  // namespace automat::manage
