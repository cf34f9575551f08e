#include "common/status.h"
#include "db/pg_repositories.h"
#include "db/pg_statements.h"
#include "db/pg_support.h"

namespace automat::db {

void pg::prepare_heartbeat_statements(pqxx::connection& conn) {
  // $1: a JSON array of {instance_id, method, sent_us, status, detail}.
  // newest: one message per (instance, method), the newest of the batch, for
  // live instances only. seen: the stale-drop watermark moves only forward;
  // its RETURNING lists exactly the accepted messages. Rows are written in
  // key order so concurrent conductors lock them in the same order.
  conn.prepare(
      "heartbeat_record_batch",
      "WITH input AS ("
      "  SELECT DISTINCT ON (r.instance_id, r.method) r.instance_id, r.method, r.sent_us,"
      "    r.status, r.detail"
      "  FROM jsonb_to_recordset($1::jsonb) AS r(instance_id text, method text, sent_us bigint,"
      "    status text, detail jsonb)"
      "  ORDER BY r.instance_id, r.method, r.sent_us DESC),"
      " newest AS ("
      "  SELECT input.* FROM input JOIN instances i ON i.id = input.instance_id AND NOT i.deleted),"
      " seen AS ("
      "  INSERT INTO conductor_lastseen AS c (instance_id, method, sent_us)"
      "  SELECT instance_id, method, sent_us FROM newest ORDER BY instance_id, method"
      "  ON CONFLICT (instance_id, method) DO UPDATE SET sent_us = EXCLUDED.sent_us"
      "  WHERE c.sent_us < EXCLUDED.sent_us"
      "  RETURNING c.instance_id, c.method),"
      " accepted AS ("
      "  SELECT newest.* FROM newest JOIN seen USING (instance_id, method)),"
      " statuses AS ("
      "  INSERT INTO service_statuses AS s (instance_id, status, detail, updated)"
      "  SELECT DISTINCT ON (instance_id) instance_id, status, COALESCE(detail, '{}'), now()"
      "  FROM accepted WHERE COALESCE(status, '') <> '' ORDER BY instance_id, sent_us DESC"
      "  ON CONFLICT (instance_id) DO UPDATE SET status = EXCLUDED.status,"
      "    detail = EXCLUDED.detail, updated = now()),"
      " beats AS ("
      "  INSERT INTO agent_heartbeats AS h (instance_id, sent_us, received)"
      "  SELECT instance_id, max(sent_us), now() FROM accepted GROUP BY instance_id"
      "  ORDER BY instance_id"
      "  ON CONFLICT (instance_id) DO UPDATE SET"
      "    sent_us = GREATEST(h.sent_us, EXCLUDED.sent_us), received = now())"
      " SELECT count(*) FROM accepted");
  conn.prepare("heartbeat_mark_expired",
               "UPDATE service_statuses s SET status = 'FAILED_TIMEOUT_GUESTAGENT', updated = now()"
               " FROM instances i LEFT JOIN agent_heartbeats h ON h.instance_id = i.id"
               " WHERE s.instance_id = i.id AND NOT i.deleted"
               " AND i.task NOT IN ('BUILDING', 'DELETING')"
               " AND s.status <> 'FAILED_TIMEOUT_GUESTAGENT'"
               " AND COALESCE(h.received, i.created) < now() - make_interval(secs => $1::int)"
               // Re-checked on the latest row version if a heartbeat races us.
               " AND s.updated < now() - make_interval(secs => $1::int)"
               " RETURNING s.instance_id");
}

size_t PgHeartbeatRepository::record_batch(const std::vector<HeartbeatRecord>& records) {
  if (records.empty()) return 0;
  nlohmann::json batch = nlohmann::json::array();
  for (const auto& r : records) {
    batch.push_back({{"instance_id", r.instance_id},
                     {"method", r.method},
                     {"sent_us", r.sent_us},
                     {"status", r.service_status},
                     {"detail", r.detail}});
  }
  const std::string payload = batch.dump();
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);  // one statement: atomic on its own
    return t.exec_prepared("heartbeat_record_batch", payload)[0][0].as<size_t>();
  });
}

std::vector<std::string> PgHeartbeatRepository::mark_expired(std::chrono::seconds expiry) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    std::vector<std::string> ids;
    for (const auto& r :
         t.exec_prepared("heartbeat_mark_expired", static_cast<int>(expiry.count()))) {
      ids.push_back(r[0].as<std::string>());
    }
    return ids;
  });
}

}  // namespace automat::db
