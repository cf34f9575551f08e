#include "db/pg_root_history.h"

#include <nlohmann/json.hpp>

#include "db/pg_support.h"

namespace automat::db {
namespace {

std::string id_array(const std::vector<std::string>& ids) { return nlohmann::json(ids).dump(); }

}  // namespace

void PgRootHistory::record_enabled(const std::vector<std::string>& instance_ids) {
  if (instance_ids.empty()) return;
  const std::string ids = id_array(instance_ids);
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params(
        "INSERT INTO root_enabled_history (instance_id, enabled_at, disabled_at)"
        " SELECT id, now(), NULL FROM jsonb_array_elements_text($1::jsonb) AS ids(id)"
        " ON CONFLICT (instance_id) DO UPDATE SET enabled_at = now(), disabled_at = NULL",
        ids);
    t.commit();
  });
}

void PgRootHistory::record_disabled(const std::string& instance_id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params(
        "UPDATE root_enabled_history SET disabled_at = now()"
        " WHERE instance_id = $1 AND disabled_at IS NULL",
        instance_id);
    t.commit();
  });
}

bool PgRootHistory::is_enabled(const std::vector<std::string>& instance_ids) {
  if (instance_ids.empty()) return false;
  const std::string ids = id_array(instance_ids);
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return t
        .exec_params(
            "SELECT EXISTS (SELECT 1 FROM root_enabled_history"
            " WHERE instance_id IN (SELECT jsonb_array_elements_text($1::jsonb))"
            " AND disabled_at IS NULL)",
            ids)[0][0]
        .as<bool>();
  });
}

}  // namespace automat::db
