// automat-manage's commands, on fake repositories.
#include <gtest/gtest.h>

#include <sstream>

#include "common/crypto.h"
#include "manage/commands.h"
#include "tests/fakes/fake_repositories.h"

namespace automat::manage {
namespace {

using testing::FakeCatalogRepository;
using testing::FakeTokenRepository;

std::string last_word(const std::string& line) {
  std::istringstream in(line);
  std::string word, last;
  while (in >> word) last = word;
  return last;
}

TEST(ManageTokenCreate, PrintsTokenOnceAndStoresOnlyItsHash) {
  FakeTokenRepository tokens;
  std::ostringstream out;
  create_token(tokens, "alice", "admin", out);
  const std::string tenant_id = tokens.ensure_tenant("alice");
  const std::string token = last_word(out.str());
  EXPECT_EQ(out.str(), "Token for tenant alice (tenant_id " + tenant_id + "): " + token + "\n");
  EXPECT_EQ(token.size(), 64u);
  ASSERT_EQ(tokens.tokens.size(), 1u);
  EXPECT_EQ(tokens.tokens.begin()->first, common::crypto::sha256_hex(token));
  auto p = tokens.find_by_hash(common::crypto::sha256_hex(token));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->is_admin());

  std::ostringstream second;
  create_token(tokens, "alice", "member", second);
  EXPECT_NE(last_word(second.str()), token) << "every token is new";
  EXPECT_FALSE(
      tokens.find_by_hash(common::crypto::sha256_hex(last_word(second.str())))->is_admin());
}

TEST(ManageTokenCreate, RejectsUnknownRoleAndEmptyTenant) {
  FakeTokenRepository tokens;
  std::ostringstream out;
  EXPECT_THROW(create_token(tokens, "alice", "root", out), common::Error);
  EXPECT_THROW(create_token(tokens, "", "member", out), common::Error);
  EXPECT_TRUE(tokens.tokens.empty());
  EXPECT_TRUE(out.str().empty());
}

TEST(ManageTenantShow, PrintsTheSameIdAsTokenCreate) {
  FakeTokenRepository tokens;
  std::ostringstream token_out, show_out;
  create_token(tokens, "bob", "member", token_out);
  show_tenant(tokens, "bob", show_out);
  EXPECT_NE(token_out.str().find("(tenant_id " + show_out.str().substr(0, 32)), std::string::npos);
  EXPECT_EQ(tokens.tenants.size(), 1u);
}

TEST(ManageDatastoreRegister, CreatesDefaultVersionWithFlags) {
  FakeCatalogRepository catalog;
  std::ostringstream out;
  DatastoreSpec spec{"mysql", "10.11", "mysql", "", true, false, true, 512, "mariadb-server"};
  register_datastore(catalog, spec, out);
  auto v = catalog.find_version("mysql", "10.11");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->manager, "mysql");
  EXPECT_EQ(v->packages, "mariadb-server");
  EXPECT_TRUE(v->enabled_replication);
  EXPECT_FALSE(v->enabled_cluster);
  EXPECT_EQ(v->min_ram_mb, 512);
  EXPECT_EQ(catalog.find_datastore("mysql")->default_version_id, v->id);
  EXPECT_NE(out.str().find(v->id), std::string::npos);

  std::ostringstream listing;
  list_datastores(catalog, listing);
  EXPECT_NE(listing.str().find("default"), std::string::npos);
  EXPECT_NE(listing.str().find("10.11"), std::string::npos);

  spec.manager = "";
  EXPECT_THROW(register_datastore(catalog, spec, out), common::Error);
}

TEST(ManageFlavorCreate, ValidatesAndLists) {
  FakeCatalogRepository catalog;
  std::ostringstream out;
  create_flavor(catalog, {"1", "m1.tiny", 512, 1, 5}, out);
  create_flavor(catalog, {"2", "m1.small", 1024, 1, 10}, out);
  EXPECT_EQ(catalog.find_flavor("m1.tiny")->ram_mb, 512);
  EXPECT_THROW(create_flavor(catalog, {"3", "bad", 0, 1, 5}, out), common::Error);
  EXPECT_THROW(create_flavor(catalog, {"3", "bad", 512, 0, 5}, out), common::Error);
  EXPECT_THROW(create_flavor(catalog, {"", "bad", 512, 1, 5}, out), common::Error);
  EXPECT_FALSE(catalog.find_flavor("bad"));

  std::ostringstream listing;
  list_flavors(catalog, listing);
  EXPECT_LT(listing.str().find("m1.tiny"), listing.str().find("m1.small"));
}

}  // namespace
}  // namespace automat::manage
