#pragma once
// Catalog rows and model values the db integration tests build on.
#include <string>

#include "common/crypto.h"
#include "db/pg_repositories.h"
#include "tests/integration/pg_test_db.h"

namespace automat::testing {

struct Seed {
  std::string tenant_id;
  std::string other_tenant_id;
  std::string version_id;
  std::string flavor_id = "1";
};

// Two fresh tenants (unique per call, so tests do not see each other's
// rows), flavor "1" and the datastore mysql 10.11 (default).
inline Seed seed_catalog(db::ConnectionPool& pool) {
  db::PgTokenRepository tokens(pool);
  db::PgCatalogRepository catalog(pool);
  Seed s;
  const std::string suffix = common::crypto::random_hex(4);
  s.tenant_id = tokens.ensure_tenant("tenant-a-" + suffix);
  s.other_tenant_id = tokens.ensure_tenant("tenant-b-" + suffix);
  catalog.upsert_flavor({s.flavor_id, "m1.tiny", 512, 1, 5});
  db::DatastoreVersion v;
  v.name = "10.11";
  v.manager = "mysql";
  s.version_id = catalog.register_version("mysql", v, true);
  return s;
}

inline db::Instance new_instance(const Seed& s, const std::string& name = "db1") {
  db::Instance i;
  i.id = common::crypto::uuid4();
  i.tenant_id = s.tenant_id;
  i.name = name;
  i.flavor_id = s.flavor_id;
  i.volume_size_gb = 1;
  i.datastore_version_id = s.version_id;
  return i;
}

inline db::Operation new_operation(const db::Instance& i, const std::string& type) {
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = i.tenant_id;
  op.type = type;
  op.resource_type = "instance";
  op.resource_id = i.id;
  return op;
}

}  // namespace automat::testing
