#include "common/status.h"
#include "db/pg_operation_rows.h"
#include "db/pg_repositories.h"
#include "db/pg_statements.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

// Interval parameters are passed as whole seconds.
const char* kLease = "make_interval(secs => $3::int)";

}  // namespace

void pg::prepare_operation_statements(pqxx::connection& conn) {
  const std::string& cols = operation_columns();
  conn.prepare("operation_find",
               "SELECT " + cols + " FROM operations o WHERE o.tenant_id = $1 AND o.id = $2");
  conn.prepare("operation_find_any", "SELECT " + cols + " FROM operations o WHERE o.id = $1");
  conn.prepare("operation_claim",
               "UPDATE operations o SET state = 'RUNNING', owner = $2, lease_until = now() + " +
                   std::string(kLease) +
                   ", started = COALESCE(o.started, now()), updated = now()"
                   " WHERE o.id = $1 AND (o.state = 'SUBMITTED' OR (o.state = 'RUNNING' AND"
                   " (o.owner = $2 OR o.lease_until IS NULL OR o.lease_until < now())))"
                   " RETURNING " +
                   cols);
  conn.prepare("operation_renew", "UPDATE operations SET lease_until = now() + " +
                                      std::string(kLease) +
                                      " WHERE id = $1 AND owner = $2 AND state = 'RUNNING'");
  conn.prepare("operation_progress",
               "UPDATE operations SET step = $3, step_name = $4, progress = $5, message = $6,"
               " updated = now() WHERE id = $1 AND owner = $2 AND state = 'RUNNING'");
}

std::vector<Operation> PgOperationRepository::list(const std::string& tenant_id,
                                                   const OperationFilter& filter) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    auto rows = t.exec_params(
        "SELECT " + pg::operation_columns() +
            " FROM operations o WHERE o.tenant_id = $1"
            " AND ($2::text IS NULL OR o.state = $2) AND ($3::text IS NULL OR o.type = $3)"
            " AND ($4::text IS NULL OR o.resource_id = $4)"
            " AND (o.finished IS NULL OR o.finished > now() - make_interval(secs => $5::int))"
            " ORDER BY o.created, o.id",
        tenant_id, filter.state, filter.type, filter.resource_id,
        static_cast<int>(filter.finished_within.count()));
    std::vector<Operation> out;
    for (const auto& r : rows) out.push_back(pg::operation_from(r));
    return out;
  });
}

std::optional<Operation> PgOperationRepository::find(const std::string& tenant_id,
                                                     const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Operation> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("operation_find", tenant_id, id);
    if (r.empty()) return std::nullopt;
    return pg::operation_from(r[0]);
  });
}

std::optional<Operation> PgOperationRepository::find_any(const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Operation> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("operation_find_any", id);
    if (r.empty()) return std::nullopt;
    return pg::operation_from(r[0]);
  });
}

std::optional<Operation> PgOperationRepository::claim(const std::string& id,
                                                      const std::string& owner,
                                                      std::chrono::seconds lease) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Operation> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("operation_claim", id, owner, static_cast<int>(lease.count()));
    if (r.empty()) return std::nullopt;
    return pg::operation_from(r[0]);
  });
}

std::vector<std::string> PgOperationRepository::list_resumable(std::chrono::seconds unclaimed_grace,
                                                               int limit) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    auto rows = t.exec_params(
        "SELECT id FROM operations WHERE state IN ('SUBMITTED', 'RUNNING') AND"
        " ((state = 'RUNNING' AND (lease_until IS NULL OR lease_until < now())) OR"
        " (state = 'SUBMITTED' AND created < now() - make_interval(secs => $1::int)))"
        " ORDER BY created, id LIMIT $2",
        static_cast<int>(unclaimed_grace.count()), limit);
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r[0].as<std::string>());
    return ids;
  });
}

bool PgOperationRepository::renew_lease(const std::string& id, const std::string& owner,
                                        std::chrono::seconds lease) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return t.exec_prepared("operation_renew", id, owner, static_cast<int>(lease.count()))
               .affected_rows() == 1;
  });
}

bool PgOperationRepository::save_progress(const std::string& id, const std::string& owner, int step,
                                          const std::string& step_name, double progress,
                                          const std::string& message) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return t.exec_prepared("operation_progress", id, owner, step, step_name, progress, message)
               .affected_rows() == 1;
  });
}

bool PgOperationRepository::save_record(const std::string& id, const std::string& owner,
                                        const nlohmann::json& input,
                                        const nlohmann::json& checkpoint) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return t.exec_params(
                "UPDATE operations SET input = $3::jsonb, checkpoint = $4::jsonb, updated = now()"
                " WHERE id = $1 AND owner = $2 AND state = 'RUNNING'",
                id, owner, input.dump(), checkpoint.dump())
               .affected_rows() == 1;
  });
}

void PgOperationRepository::finish(const std::string& id, const std::string& owner,
                                   const std::string& state, const std::vector<HostError>& errors,
                                   const std::string& message) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params(
        "UPDATE operations SET state = $3, errors = $4::jsonb, message = $5,"
        " progress = CASE WHEN $3 = 'COMPLETED' THEN 1 ELSE progress END,"
        " owner = NULL, lease_until = NULL, finished = now(), updated = now()"
        " WHERE id = $1 AND state IN ('SUBMITTED', 'RUNNING') AND (owner IS NULL OR owner = $2)",
        id, owner, state, pg::errors_json(errors).dump(), message);
  });
}

}  // namespace automat::db
