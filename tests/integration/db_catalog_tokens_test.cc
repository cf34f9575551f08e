// Tokens resolve to their tenant and roles; the catalog registers and finds
// datastores, versions and flavors by name or id.
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/error.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

TEST(DbTokens, RoundTripStoresOnlyTheHash) {
  auto& db = PgTestDb::get();
  db::PgTokenRepository tokens(db.pool());
  const std::string tenant = tokens.ensure_tenant("alice-" + common::crypto::random_hex(4));
  const std::string token = common::crypto::random_hex(32);
  tokens.add_token(common::crypto::sha256_hex(token), tenant, {"member", "admin"});

  auto p = tokens.find_by_hash(common::crypto::sha256_hex(token));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenant_id, tenant);
  EXPECT_EQ(p->roles, (std::vector<std::string>{"member", "admin"}));
  EXPECT_TRUE(p->is_admin());
  EXPECT_FALSE(tokens.find_by_hash(token)) << "the raw token is not a key";
  EXPECT_EQ(
      db.query("SELECT count(*) FROM tokens WHERE token_hash = '" + token + "'")[0][0].as<int>(),
      0);
}

TEST(DbTokens, TenantsAreStableAndTokensScoped) {
  auto& db = PgTestDb::get();
  db::PgTokenRepository tokens(db.pool());
  const std::string name = "bob-" + common::crypto::random_hex(4);
  const std::string bob = tokens.ensure_tenant(name);
  EXPECT_EQ(tokens.ensure_tenant(name), bob) << "ensure_tenant is idempotent";
  const std::string carol = tokens.ensure_tenant(name + "-carol");
  EXPECT_NE(carol, bob);
  tokens.add_token("hash-bob-" + bob, bob, {"member"});
  auto p = tokens.find_by_hash("hash-bob-" + bob);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenant_id, bob);
  EXPECT_FALSE(p->is_admin());

  db.query("UPDATE tokens SET expires = now() - interval '1 second' WHERE token_hash = 'hash-bob-" +
           bob + "'");
  EXPECT_FALSE(tokens.find_by_hash("hash-bob-" + bob)) << "expired tokens are unknown";
}

TEST(DbTokens, DuplicateTokenIsAConflict) {
  auto& db = PgTestDb::get();
  db::PgTokenRepository tokens(db.pool());
  const std::string t = tokens.ensure_tenant("dup-" + common::crypto::random_hex(4));
  tokens.add_token("dup-hash-" + t, t, {"member"});
  try {
    tokens.add_token("dup-hash-" + t, t, {"member"});
    FAIL() << "expected a conflict";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
  try {
    tokens.add_token("orphan", "no-such-tenant", {"member"});
    FAIL() << "expected an unknown reference";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
  }
}

TEST(DbCatalog, RegisterAndFindVersions) {
  auto& db = PgTestDb::get();
  db::PgCatalogRepository catalog(db.pool());
  const std::string ds = "cassandra-" + common::crypto::random_hex(4);
  db::DatastoreVersion v4;
  v4.name = "4.1";
  v4.manager = "cassandra";
  v4.enabled_cluster = true;
  v4.min_ram_mb = 2048;
  const std::string v4_id = catalog.register_version(ds, v4, true);
  db::DatastoreVersion v5 = v4;
  v5.name = "5.0";
  const std::string v5_id = catalog.register_version(ds, v5, false);

  auto found = catalog.find_datastore(ds);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->default_version_id, v4_id) << "only --default moves the default";
  ASSERT_EQ(found->versions.size(), 2u);
  EXPECT_EQ(found->versions[0].name, "4.1");
  EXPECT_TRUE(catalog.find_datastore(found->id));

  auto by_name = catalog.find_version(ds, "5.0");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, v5_id);
  EXPECT_EQ(by_name->datastore_name, ds);
  EXPECT_TRUE(by_name->enabled_cluster);
  EXPECT_EQ(by_name->min_ram_mb, 2048);
  EXPECT_TRUE(catalog.find_version(found->id, v4_id));
  EXPECT_FALSE(catalog.find_version(ds, "9.9"));
  EXPECT_FALSE(catalog.find_version("mysql-nope", "5.0"));
  ASSERT_TRUE(catalog.find_version_by_id(v4_id));
  EXPECT_EQ(catalog.find_version_by_id(v4_id)->manager, "cassandra");

  // Registering again updates in place and can move the default.
  v5.image_location = "/opt/cassandra-5.0";
  EXPECT_EQ(catalog.register_version(ds, v5, true), v5_id);
  EXPECT_EQ(catalog.find_datastore(ds)->default_version_id, v5_id);
  EXPECT_EQ(catalog.find_version_by_id(v5_id)->image_location, "/opt/cassandra-5.0");

  bool listed = false;
  for (const auto& d : catalog.list_datastores()) listed |= d.name == ds && d.versions.size() == 2;
  EXPECT_TRUE(listed);
}

TEST(DbCatalog, FlavorsByIdOrNameInNaturalOrder) {
  auto& db = PgTestDb::get();
  db::PgCatalogRepository catalog(db.pool());
  catalog.upsert_flavor({"10", "x.ten", 10240, 4, 40});
  catalog.upsert_flavor({"2", "x.two", 1024, 1, 10});
  catalog.upsert_flavor({"2", "x.two", 2048, 2, 20});  // update in place
  auto two = catalog.find_flavor("x.two");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->id, "2");
  EXPECT_EQ(two->ram_mb, 2048);
  EXPECT_EQ(catalog.find_flavor("10")->name, "x.ten");
  EXPECT_FALSE(catalog.find_flavor("nope"));

  std::vector<std::string> ids;
  for (const auto& f : catalog.list_flavors()) ids.push_back(f.id);
  auto pos2 = std::find(ids.begin(), ids.end(), "2");
  auto pos10 = std::find(ids.begin(), ids.end(), "10");
  ASSERT_NE(pos2, ids.end());
  ASSERT_NE(pos10, ids.end());
  EXPECT_LT(pos2, pos10);

  try {
    catalog.upsert_flavor({"11", "x.ten", 1, 1, 1});
    FAIL() << "flavor names are unique";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
  }
}

}  // namespace
}  // namespace automat::testing
