#include "manage/commands.h"

#include <iomanip>

#include "common/crypto.h"
#include "common/error.h"

namespace automat::manage {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw common::bad_request(message);
}

// Validates and stores `v` as a version of datastore `name`, and says so.
void register_version(db::CatalogRepository& catalog, const std::string& name,
                      const db::DatastoreVersion& v, bool make_default, std::ostream& out) {
  require(!name.empty(), "--name must not be empty");
  require(!v.name.empty(), "--version must not be empty");
  require(!v.manager.empty(), "--manager must not be empty");
  require(v.min_ram_mb >= 0, "--min-ram must not be negative");
  const std::string id = catalog.register_version(name, v, make_default);
  out << "Registered datastore " << name << " version " << v.name << " (id " << id << ", manager "
      << v.manager << ")" << (make_default ? " as the default" : "") << "\n";
}

}  // namespace

void sync_db(db::Migrator& migrator, std::ostream& out) {
  const auto applied = migrator.sync();
  for (const auto& version : applied) out << "Applied migration " << version << "\n";
  if (applied.empty()) out << "Database schema is up to date\n";
}

void show_tenant(db::TokenRepository& tokens, const std::string& name, std::ostream& out) {
  require(!name.empty(), "tenant name must not be empty");
  out << tokens.ensure_tenant(name) << "\n";
}

void create_token(db::TokenRepository& tokens, const std::string& tenant, const std::string& role,
                  std::ostream& out) {
  require(!tenant.empty(), "--tenant must not be empty");
  require(role == "admin" || role == "member",
          "--role must be 'admin' or 'member', got '" + role + "'");
  const std::vector<std::string> roles = role == "admin"
                                             ? std::vector<std::string>{"member", "admin"}
                                             : std::vector<std::string>{"member"};
  const std::string tenant_id = tokens.ensure_tenant(tenant);
  const std::string token = common::crypto::random_hex(32);
  tokens.add_token(common::crypto::sha256_hex(token), tenant_id, roles);
  out << "Token for tenant " << tenant << " (tenant_id " << tenant_id << "): " << token << "\n";
}

void register_datastore(db::CatalogRepository& catalog, const DatastoreSpec& spec,
                        std::ostream& out) {
  db::DatastoreVersion v;
  v.name = spec.version;
  v.manager = spec.manager;
  v.image_location = spec.image_location;
  v.enabled_cluster = spec.enable_cluster;
  v.enabled_replication = spec.enable_replication;
  v.min_ram_mb = spec.min_ram_mb;
  v.packages = spec.packages;
  register_version(catalog, spec.name, v, spec.make_default, out);
}

void register_installed(db::CatalogRepository& catalog, const db::DatastoreVersion& version,
                        std::ostream& out) {
  const auto datastore = catalog.find_datastore(version.datastore_name);
  register_version(catalog, version.datastore_name, version,
                   !datastore || datastore->default_version_id.empty(), out);
}

void list_datastores(db::CatalogRepository& catalog, std::ostream& out) {
  out << std::left << std::setw(16) << "DATASTORE" << std::setw(12) << "VERSION" << std::setw(12)
      << "MANAGER" << std::setw(38) << "VERSION ID"
      << "FLAGS\n";
  for (const auto& ds : catalog.list_datastores()) {
    for (const auto& v : ds.versions) {
      std::string flags;
      if (v.id == ds.default_version_id) flags += "default ";
      if (!v.active) flags += "inactive ";
      if (v.enabled_cluster) flags += "cluster ";
      if (v.enabled_replication) flags += "replication ";
      out << std::setw(16) << ds.name << std::setw(12) << v.name << std::setw(12) << v.manager
          << std::setw(38) << v.id << flags << "\n";
    }
  }
}

void create_flavor(db::CatalogRepository& catalog, const db::Flavor& flavor, std::ostream& out) {
  require(!flavor.id.empty(), "--id must not be empty");
  require(!flavor.name.empty(), "--name must not be empty");
  require(flavor.ram_mb > 0, "--ram must be a positive number of MB");
  require(flavor.vcpus > 0, "--vcpus must be positive");
  require(flavor.disk_gb >= 0, "--disk must not be negative");
  catalog.upsert_flavor(flavor);
  out << "Flavor " << flavor.id << " (" << flavor.name << "): " << flavor.ram_mb << " MB RAM, "
      << flavor.vcpus << " vCPUs, " << flavor.disk_gb << " GB disk\n";
}

void list_flavors(db::CatalogRepository& catalog, std::ostream& out) {
  out << std::left << std::setw(8) << "ID" << std::setw(16) << "NAME" << std::setw(10) << "RAM_MB"
      << std::setw(7) << "VCPUS"
      << "DISK_GB\n";
  for (const auto& f : catalog.list_flavors()) {
    out << std::setw(8) << f.id << std::setw(16) << f.name << std::setw(10) << f.ram_mb
        << std::setw(7) << f.vcpus << f.disk_gb << "\n";
  }
}

}  // namespace automat::manage
