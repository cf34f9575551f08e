#pragma once
// The work behind each automat-manage subcommand, written against the
// repository interfaces so it can run on fakes. Each prints its result to
// `out` and throws common::Error (kBadRequest for bad input) on failure.
#include <functional>
#include <ostream>
#include <string>

#include "db/migrator.h"
#include "db/repositories.h"
#include "manage/cassandra_image.h"
#include "manage/program_runner.h"

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
// `datastore install cassandra --version V [--images-dir D] [--maven-repo R]
// [--offline] [--no-register]`: lays out the image (install_cassandra_image)
// and, when `catalog` is given, registers datastore cassandra version V with
// manager cassandra, image_location = the image's absolute directory,
// enabled_cluster and min_ram 1024 MB -- as the datastore's default version
// when it has none yet. Re-running updates the registration.
// `train`, when given, runs on the image's directory after it is laid out
// (automat-manage passes one that trains the image's class archives); its
// failure is reported on `out` and does not fail the install: nodes start
// without the archives, only slower.
using ImageTrainer = std::function<void(const std::string& image_dir, std::ostream& out)>;
void install_cassandra(const CassandraImageSpec& spec, ProgramRunner& runner,
                       db::CatalogRepository* catalog, std::ostream& out,
                       const ImageTrainer& train = nullptr);
// `datastore list`: every datastore and version, the default marked.
void list_datastores(db::CatalogRepository& catalog, std::ostream& out);

// `flavor create --id --name --ram --vcpus --disk`: creates or updates.
void create_flavor(db::CatalogRepository& catalog, const db::Flavor& flavor, std::ostream& out);
// `flavor list`.
void list_flavors(db::CatalogRepository& catalog, std::ostream& out);

}  // namespace automat::manage
