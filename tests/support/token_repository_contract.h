#pragma once
// The promises of db::TokenRepository (db/repositories.h), checked on any
// implementation: the PostgreSQL one (db_integration_test) and the fake
// (db_fakes_test) run the same checks.
//
// The store may hold rows of other tests: tenant names and token hashes
// here are unique per call.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "db/repositories.h"

namespace automat::testing {

struct TokenContractWorld {
  db::TokenRepository* tokens = nullptr;
  // Makes the token of `token_hash` expire now (the API never does; an
  // operator's row does).
  std::function<void(const std::string& token_hash)> expire;
};

inline void check_token_repository_contract(const TokenContractWorld& w) {
  db::TokenRepository& tokens = *w.tokens;
  const std::string suffix = common::crypto::random_hex(4);

  // A tenant is created once: the same name gives the same id, another name
  // another id; a tenant needs a name.
  const std::string alice = tokens.ensure_tenant("alice-" + suffix);
  EXPECT_EQ(tokens.ensure_tenant("alice-" + suffix), alice) << "ensure_tenant is idempotent";
  const std::string bob = tokens.ensure_tenant("bob-" + suffix);
  EXPECT_NE(bob, alice);
  try {
    tokens.ensure_tenant("");
    ADD_FAILURE() << "a tenant without a name was created";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << e.what();
  }

  // A token is found by its hash only, with its tenant and roles in order.
  const std::string token = common::crypto::random_hex(32);
  const std::string hash = common::crypto::sha256_hex(token);
  tokens.add_token(hash, alice, {"member", "admin"});
  auto p = tokens.find_by_hash(hash);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenant_id, alice);
  EXPECT_EQ(p->roles, (std::vector<std::string>{"member", "admin"}));
  EXPECT_TRUE(p->is_admin());
  EXPECT_FALSE(tokens.find_by_hash(token)) << "the raw token is not a key";
  EXPECT_FALSE(tokens.find_by_hash("unknown-" + suffix));

  const std::string bob_hash = "hash-bob-" + suffix;
  tokens.add_token(bob_hash, bob, {"member"});
  p = tokens.find_by_hash(bob_hash);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tenant_id, bob);
  EXPECT_FALSE(p->is_admin());

  // An expired token is unknown; the others still resolve.
  w.expire(bob_hash);
  EXPECT_FALSE(tokens.find_by_hash(bob_hash)) << "expired tokens are unknown";
  EXPECT_TRUE(tokens.find_by_hash(hash));

  // A hash is stored once; a token names an existing tenant.
  try {
    tokens.add_token(hash, bob, {"member"});
    ADD_FAILURE() << "a duplicate token hash was stored";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict) << e.what();
  }
  EXPECT_EQ(tokens.find_by_hash(hash)->tenant_id, alice) << "the first token stands";
  try {
    tokens.add_token("orphan-" + suffix, "no-such-tenant-" + suffix, {"member"});
    ADD_FAILURE() << "a token of an unknown tenant was stored";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest) << e.what();
  }
  EXPECT_FALSE(tokens.find_by_hash("orphan-" + suffix));
}

}  // namespace automat::testing
