#pragma once
// See fake_repository_base.h for how the fakes behave.
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeTokenRepository : public db::TokenRepository, public FakeBase {
 public:
  struct TokenRow {
    std::string tenant_id;
    std::vector<std::string> roles;
    std::optional<TimePoint> expires;
  };
  std::map<std::string, db::Tenant> tenants;  // by id
  std::map<std::string, TokenRow> tokens;     // by token hash

  std::string ensure_tenant(const std::string& tenant_name) override {
    if (tenant_name.empty()) throw common::bad_request("tenant name must not be empty");
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (const auto& [id, t] : tenants) {
      if (t.name == tenant_name) return id;
    }
    const std::string id = common::crypto::uuid4();
    tenants[id] = db::Tenant{id, tenant_name};
    return id;
  }

  void add_token(const std::string& token_hash, const std::string& tenant_id,
                 const std::vector<std::string>& roles) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (!tenants.count(tenant_id)) throw common::bad_request("unknown tenant " + tenant_id);
    if (tokens.count(token_hash)) throw common::conflict("token already exists");
    tokens[token_hash] = TokenRow{tenant_id, roles, std::nullopt};
  }

  std::optional<db::Principal> find_by_hash(const std::string& token_hash) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = tokens.find(token_hash);
    if (it == tokens.end()) return std::nullopt;
    if (it->second.expires && *it->second.expires <= time->now()) return std::nullopt;
    return db::Principal{it->second.tenant_id, it->second.roles};
  }
};

}  // namespace automat::testing
