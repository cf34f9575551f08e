#include "common/crypto.h"
#include "db/pg_repositories.h"
#include "db/pg_statements.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

const char* kVersionColumns =
    "v.id, v.datastore_id, d.name, v.name, v.manager, v.image_location, v.active,"
    " v.enabled_cluster, v.enabled_replication, v.min_ram_mb, v.packages";

DatastoreVersion version_from(const pqxx::row& r) {
  DatastoreVersion v;
  v.id = r[0].as<std::string>();
  v.datastore_id = r[1].as<std::string>();
  v.datastore_name = r[2].as<std::string>();
  v.name = r[3].as<std::string>();
  v.manager = r[4].as<std::string>();
  v.image_location = r[5].as<std::string>();
  v.active = r[6].as<bool>();
  v.enabled_cluster = r[7].as<bool>();
  v.enabled_replication = r[8].as<bool>();
  v.min_ram_mb = r[9].as<int>();
  v.packages = r[10].as<std::string>();
  return v;
}

Flavor flavor_from(const pqxx::row& r) {
  return Flavor{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int>(), r[3].as<int>(),
                r[4].as<int>()};
}

// Datastores matching `where` (over alias d, parameter $1 if any), each
// with its versions ordered by name.
std::vector<Datastore> load_datastores(pqxx::transaction_base& t, const std::string& where,
                                       const std::string& arg) {
  const std::string ds_sql =
      "SELECT d.id, d.name, COALESCE(d.default_version_id, '')"
      " FROM datastores d " +
      where + " ORDER BY d.name";
  auto rows = where.empty() ? t.exec(ds_sql) : t.exec_params(ds_sql, arg);
  std::vector<Datastore> out;
  for (const auto& r : rows) {
    Datastore ds{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), {}};
    for (const auto& v : t.exec_prepared("catalog_versions_of", ds.id)) {
      ds.versions.push_back(version_from(v));
    }
    out.push_back(std::move(ds));
  }
  return out;
}

}  // namespace

void pg::prepare_catalog_statements(pqxx::connection& conn) {
  const std::string from = " FROM datastore_versions v JOIN datastores d ON d.id = v.datastore_id ";
  conn.prepare("catalog_versions_of", std::string("SELECT ") + kVersionColumns + from +
                                          "WHERE v.datastore_id = $1 ORDER BY v.name");
  conn.prepare("catalog_version",
               std::string("SELECT ") + kVersionColumns + from +
                   "WHERE (d.id = $1 OR d.name = $1) AND (v.id = $2 OR v.name = $2)"
                   " ORDER BY (d.id = $1) DESC, (v.id = $2) DESC LIMIT 1");
  conn.prepare("catalog_version_by_id",
               std::string("SELECT ") + kVersionColumns + from + "WHERE v.id = $1");
  conn.prepare("catalog_flavor",
               "SELECT id, name, ram_mb, vcpus, disk_gb FROM flavors WHERE id = $1 OR name = $1"
               " ORDER BY (id = $1) DESC LIMIT 1");
}

std::vector<Datastore> PgCatalogRepository::list_datastores() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return load_datastores(t, "", "");
  });
}

std::optional<Datastore> PgCatalogRepository::find_datastore(const std::string& name_or_id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Datastore> {
    pqxx::read_transaction t(c);
    auto found = load_datastores(t, "WHERE d.id = $1 OR d.name = $1", name_or_id);
    if (found.empty()) return std::nullopt;
    for (auto& ds : found) {
      if (ds.id == name_or_id) return ds;
    }
    return found.front();
  });
}

std::optional<DatastoreVersion> PgCatalogRepository::find_version(
    const std::string& datastore_name_or_id, const std::string& version_name_or_id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<DatastoreVersion> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("catalog_version", datastore_name_or_id, version_name_or_id);
    if (r.empty()) return std::nullopt;
    return version_from(r[0]);
  });
}

std::optional<DatastoreVersion> PgCatalogRepository::find_version_by_id(
    const std::string& version_id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<DatastoreVersion> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("catalog_version_by_id", version_id);
    if (r.empty()) return std::nullopt;
    return version_from(r[0]);
  });
}

std::string PgCatalogRepository::register_version(const std::string& datastore_name,
                                                  const DatastoreVersion& version,
                                                  bool make_default) {
  if (datastore_name.empty() || version.name.empty() || version.manager.empty()) {
    throw common::bad_request("datastore name, version name and manager are required");
  }
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    // DO UPDATE (a no-op change) so RETURNING yields the existing row's id.
    const std::string ds_id =
        t.exec_params1(
             "INSERT INTO datastores (id, name) VALUES ($1, $2)"
             " ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
             common::crypto::uuid4(), datastore_name)[0]
            .as<std::string>();
    const std::string version_id =
        t.exec_params1(
             "INSERT INTO datastore_versions (id, datastore_id, name, manager, image_location,"
             " active, enabled_cluster, enabled_replication, min_ram_mb, packages)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
             " ON CONFLICT (datastore_id, name) DO UPDATE SET manager = EXCLUDED.manager,"
             " image_location = EXCLUDED.image_location, active = EXCLUDED.active,"
             " enabled_cluster = EXCLUDED.enabled_cluster,"
             " enabled_replication = EXCLUDED.enabled_replication,"
             " min_ram_mb = EXCLUDED.min_ram_mb, packages = EXCLUDED.packages RETURNING id",
             version.id.empty() ? common::crypto::uuid4() : version.id, ds_id, version.name,
             version.manager, version.image_location, version.active, version.enabled_cluster,
             version.enabled_replication, version.min_ram_mb, version.packages)[0]
            .as<std::string>();
    if (make_default) {
      t.exec_params("UPDATE datastores SET default_version_id = $2 WHERE id = $1", ds_id,
                    version_id);
    }
    t.commit();
    return version_id;
  });
}

std::vector<Flavor> PgCatalogRepository::list_flavors() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    std::vector<Flavor> out;
    for (const auto& r : t.exec("SELECT id, name, ram_mb, vcpus, disk_gb FROM flavors"
                                " ORDER BY length(id), id")) {
      out.push_back(flavor_from(r));
    }
    return out;
  });
}

std::optional<Flavor> PgCatalogRepository::find_flavor(const std::string& id_or_name) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Flavor> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("catalog_flavor", id_or_name);
    if (r.empty()) return std::nullopt;
    return flavor_from(r[0]);
  });
}

void PgCatalogRepository::upsert_flavor(const Flavor& flavor) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params(
        "INSERT INTO flavors (id, name, ram_mb, vcpus, disk_gb) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, ram_mb = EXCLUDED.ram_mb,"
        " vcpus = EXCLUDED.vcpus, disk_gb = EXCLUDED.disk_gb",
        flavor.id, flavor.name, flavor.ram_mb, flavor.vcpus, flavor.disk_gb);
    t.commit();
  });
}

}  // namespace automat::db
