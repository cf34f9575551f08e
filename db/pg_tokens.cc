#include "common/crypto.h"
#include "db/pg_repositories.h"
#include "db/pg_statements.h"
#include "db/pg_support.h"

namespace automat::db {

void pg::prepare_token_statements(pqxx::connection& conn) {
  conn.prepare("token_find",
               "SELECT tenant_id, roles FROM tokens WHERE token_hash = $1"
               " AND (expires IS NULL OR expires > now())");
}

std::string PgTokenRepository::ensure_tenant(const std::string& tenant_name) {
  if (tenant_name.empty()) throw common::bad_request("tenant name must not be empty");
  return pg::run(pool_, [&](pqxx::connection& c) {
    // A concurrent creator may commit between our insert and select: retry.
    for (int attempt = 0; attempt < 5; ++attempt) {
      pqxx::work t(c);
      auto r = t.exec_params(
          "WITH ins AS (INSERT INTO tenants (id, name) VALUES ($1, $2)"
          " ON CONFLICT (name) DO NOTHING RETURNING id)"
          " SELECT id FROM ins UNION ALL SELECT id FROM tenants WHERE name = $2",
          common::crypto::random_hex(16), tenant_name);
      t.commit();
      if (!r.empty()) return r[0][0].as<std::string>();
    }
    throw common::internal_error("could not create tenant '" + tenant_name + "'");
  });
}

void PgTokenRepository::add_token(const std::string& token_hash, const std::string& tenant_id,
                                  const std::vector<std::string>& roles) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("INSERT INTO tokens (token_hash, tenant_id, roles) VALUES ($1, $2, $3)",
                  token_hash, tenant_id, pg::join_roles(roles));
    t.commit();
  });
}

std::optional<Principal> PgTokenRepository::find_by_hash(const std::string& token_hash) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Principal> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("token_find", token_hash);
    if (r.empty()) return std::nullopt;
    return Principal{r[0][0].as<std::string>(), pg::split_roles(r[0][1].as<std::string>())};
  });
}

}  // namespace automat::db
