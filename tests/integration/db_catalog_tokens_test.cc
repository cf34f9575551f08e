// PgTokenRepository and PgCatalogRepository keep db/repositories.h's
// promises (tests/support/token_repository_contract.h,
// catalog_repository_contract.h, which the fakes pass too); and tokens
// are stored by their hash only.
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "tests/integration/db_seed.h"
#include "tests/support/catalog_repository_contract.h"
#include "tests/support/token_repository_contract.h"

namespace automat::testing {
namespace {

TEST(DbTokens, KeepsTheTokenRepositoryContract) {
  auto& db = PgTestDb::get();
  db::PgTokenRepository tokens(db.pool());
  TokenContractWorld w;
  w.tokens = &tokens;
  w.expire = [&](const std::string& hash) {
    db.query("UPDATE tokens SET expires = now() - interval '1 second' WHERE token_hash = '" + hash +
             "'");
  };
  check_token_repository_contract(w);
}

TEST(DbTokens, OnlyTheHashIsStored) {
  auto& db = PgTestDb::get();
  db::PgTokenRepository tokens(db.pool());
  const std::string tenant = tokens.ensure_tenant("alice-" + common::crypto::random_hex(4));
  const std::string token = common::crypto::random_hex(32);
  tokens.add_token(common::crypto::sha256_hex(token), tenant, {"member", "admin"});
  EXPECT_EQ(
      db.query("SELECT count(*) FROM tokens WHERE token_hash = '" + token + "'")[0][0].as<int>(),
      0);
  EXPECT_EQ(db.query("SELECT count(*) FROM tokens WHERE token_hash = '" +
                     common::crypto::sha256_hex(token) + "'")[0][0]
                .as<int>(),
            1);
}

TEST(DbCatalog, KeepsTheCatalogRepositoryContract) {
  auto& db = PgTestDb::get();
  db::PgCatalogRepository catalog(db.pool());
  check_catalog_repository_contract(catalog);
}

}  // namespace
}  // namespace automat::testing
