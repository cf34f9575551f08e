#include "db/migrator.h"

#include <set>

#include "common/log.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

constexpr int64_t kMigrationLock = 0x6d6967726174;  // "migrat"

const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())";

std::set<std::string> recorded(pqxx::transaction_base& t) {
  std::set<std::string> out;
  for (const auto& r : t.exec("SELECT version FROM schema_migrations")) {
    out.insert(r[0].as<std::string>());
  }
  return out;
}

}  // namespace

std::vector<std::string> Migrator::sync() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    t.exec(kCreateTable);
    const std::set<std::string> done = recorded(t);
    std::vector<std::string> applied_now;
    for (const auto& m : migrations_) {
      if (done.count(m.version)) continue;
      try {
        t.exec(m.sql);
      } catch (const pqxx::sql_error& e) {
        throw common::internal_error("migration " + m.version +
                                     " failed: " + pg::translate(e).what());
      }
      t.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
      applied_now.push_back(m.version);
    }
    t.commit();
    for (const auto& v : applied_now) common::log::info("db.migrated", {{"version", v}});
    return applied_now;
  });
}

std::vector<std::string> Migrator::applied() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec(kCreateTable);
    const std::set<std::string> done = recorded(t);
    t.commit();
    return std::vector<std::string>(done.begin(), done.end());
  });
}

}  // namespace automat::db
