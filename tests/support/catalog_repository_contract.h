#pragma once
// The promises of db::CatalogRepository (db/repositories.h), checked on any
// implementation: the PostgreSQL one (db_integration_test) and the fake
// (db_fakes_test) run the same checks.
//
// The store may hold other datastores (names here are unique per call) and
// other flavors, but none named "x.two" or "x.ten" and none of id "11"
// (flavors "2" and "10" are written over).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "db/repositories.h"

namespace automat::testing {

inline void check_catalog_repository_contract(db::CatalogRepository& catalog) {
  // Versions: registered under a datastore created on first use; only
  // make_default moves the datastore's default.
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
  EXPECT_NE(v4_id, v5_id);

  auto found = catalog.find_datastore(ds);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, ds);
  EXPECT_EQ(found->default_version_id, v4_id) << "only make_default moves the default";
  ASSERT_EQ(found->versions.size(), 2u);
  EXPECT_EQ(found->versions[0].name, "4.1") << "versions by name";
  EXPECT_EQ(found->versions[1].name, "5.0");
  EXPECT_EQ(found->versions[1].datastore_name, ds);
  ASSERT_TRUE(catalog.find_datastore(found->id)) << "by id too";
  EXPECT_EQ(catalog.find_datastore(found->id)->name, ds);
  EXPECT_FALSE(catalog.find_datastore("no-such-" + ds));

  // A version by the datastore's name or id and the version's name or id.
  auto by_name = catalog.find_version(ds, "5.0");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, v5_id);
  EXPECT_EQ(by_name->datastore_id, found->id);
  EXPECT_EQ(by_name->datastore_name, ds);
  EXPECT_EQ(by_name->manager, "cassandra");
  EXPECT_TRUE(by_name->enabled_cluster);
  EXPECT_FALSE(by_name->enabled_replication);
  EXPECT_TRUE(by_name->active);
  EXPECT_EQ(by_name->min_ram_mb, 2048);
  ASSERT_TRUE(catalog.find_version(found->id, v4_id));
  EXPECT_EQ(catalog.find_version(found->id, v4_id)->name, "4.1");
  EXPECT_FALSE(catalog.find_version(ds, "9.9"));
  EXPECT_FALSE(catalog.find_version("no-such-" + ds, "5.0"));
  ASSERT_TRUE(catalog.find_version_by_id(v4_id));
  EXPECT_EQ(catalog.find_version_by_id(v4_id)->manager, "cassandra");
  EXPECT_EQ(catalog.find_version_by_id(v4_id)->datastore_name, ds);
  EXPECT_FALSE(catalog.find_version_by_id("no-such-version-" + ds));

  // A version belongs to its datastore: another datastore does not find it.
  const std::string other = "mysql-" + common::crypto::random_hex(4);
  db::DatastoreVersion m;
  m.name = "4.1";
  m.manager = "mysql";
  const std::string m_id = catalog.register_version(other, m, true);
  EXPECT_NE(m_id, v4_id) << "the same version name in another datastore is another version";
  EXPECT_FALSE(catalog.find_version(other, v4_id));
  EXPECT_EQ(catalog.find_version(other, "4.1")->id, m_id);
  EXPECT_EQ(catalog.find_version(ds, "4.1")->id, v4_id);

  // Registering again updates in place (same id) and can move the default.
  v5.image_location = "/opt/cassandra-5.0";
  v5.packages = "cassandra";
  v5.active = false;
  EXPECT_EQ(catalog.register_version(ds, v5, true), v5_id);
  EXPECT_EQ(catalog.find_datastore(ds)->default_version_id, v5_id);
  auto updated = catalog.find_version_by_id(v5_id);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->image_location, "/opt/cassandra-5.0");
  EXPECT_EQ(updated->packages, "cassandra");
  EXPECT_FALSE(updated->active);
  EXPECT_EQ(catalog.find_datastore(ds)->versions.size(), 2u);

  bool listed = false;
  for (const auto& d : catalog.list_datastores()) listed |= d.name == ds && d.versions.size() == 2;
  EXPECT_TRUE(listed);

  // A datastore name, a version name and a manager are required.
  const std::vector<std::tuple<std::string, std::string, std::string>> incomplete{
      {"", "1", "mysql"}, {ds, "", "mysql"}, {ds, "6.0", ""}};
  for (const auto& [name, version, manager] : incomplete) {
    db::DatastoreVersion bad;
    bad.name = version;
    bad.manager = manager;
    try {
      catalog.register_version(name, bad, false);
      ADD_FAILURE() << "registered '" << name << "' '" << version << "' '" << manager << "'";
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << e.what();
    }
  }
  EXPECT_FALSE(catalog.find_version(ds, "6.0"));

  // Flavors: by id or name, updated in place, listed in the natural order
  // of their ids ("2" before "10"), names unique.
  catalog.upsert_flavor({"10", "x.ten", 10240, 4, 40});
  catalog.upsert_flavor({"2", "x.two", 1024, 1, 10});
  catalog.upsert_flavor({"2", "x.two", 2048, 2, 20});  // update in place
  auto two = catalog.find_flavor("x.two");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->id, "2");
  EXPECT_EQ(two->ram_mb, 2048);
  EXPECT_EQ(two->vcpus, 2);
  EXPECT_EQ(two->disk_gb, 20);
  ASSERT_TRUE(catalog.find_flavor("10"));
  EXPECT_EQ(catalog.find_flavor("10")->name, "x.ten");
  EXPECT_FALSE(catalog.find_flavor("nope"));

  std::vector<std::string> ids;
  for (const auto& f : catalog.list_flavors()) ids.push_back(f.id);
  auto pos2 = std::find(ids.begin(), ids.end(), "2");
  auto pos10 = std::find(ids.begin(), ids.end(), "10");
  ASSERT_NE(pos2, ids.end());
  ASSERT_NE(pos10, ids.end());
  EXPECT_LT(pos2, pos10);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "2"), 1) << "updated, not added";

  try {
    catalog.upsert_flavor({"11", "x.ten", 1, 1, 1});
    ADD_FAILURE() << "flavor names are unique";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict) << e.what();
  }
  EXPECT_FALSE(catalog.find_flavor("11")) << "the refused flavor was not written";
}

}  // namespace automat::testing
