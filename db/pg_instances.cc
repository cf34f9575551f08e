#include <algorithm>

#include "common/status.h"
#include "db/pg_instance_rows.h"
#include "db/pg_operation_rows.h"
#include "db/pg_quota_rows.h"
#include "db/pg_repositories.h"
#include "db/pg_statements.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

std::string select_instances(const std::string& where) {
  return "SELECT i.id, i.tenant_id, i.name, i.flavor_id, i.volume_size_gb,"
         " i.datastore_version_id, i.task, i.address, i.availability_zone, i.slave_of,"
         " i.cluster_id, i.fault, " +
         pg::iso("i.created") + ", " + pg::iso("i.updated") +
         ", COALESCE(s.status, ''), d.name, v.name,"
         " (SELECT string_agg(r.id, ',' ORDER BY r.created, r.id) FROM instances r"
         "   WHERE r.slave_of = i.id AND NOT r.deleted), s.detail->>'fault', " +
         pg::iso("i.fault_at") + ", " + pg::iso("s.updated") +
         ", i.guest_port, (s.detail->'volume'->>'used_bytes')::bigint,"
         " (s.detail->'volume'->>'total_bytes')::bigint"
         " FROM instances i"
         " LEFT JOIN service_statuses s ON s.instance_id = i.id"
         " JOIN datastore_versions v ON v.id = i.datastore_version_id"
         " JOIN datastores d ON d.id = v.datastore_id"
         " WHERE NOT i.deleted AND " +
         where + " ORDER BY i.created, i.id";
}

Instance instance_from(const pqxx::row& r) {
  Instance i;
  i.id = r[0].as<std::string>();
  i.tenant_id = r[1].as<std::string>();
  i.name = r[2].as<std::string>();
  i.flavor_id = r[3].as<std::string>();
  i.volume_size_gb = r[4].as<int>();
  i.datastore_version_id = r[5].as<std::string>();
  i.task = r[6].as<std::string>();
  i.address = pg::opt_text(r[7]);
  i.availability_zone = r[8].as<std::string>();
  i.slave_of = pg::opt_text(r[9]);
  i.cluster_id = pg::opt_text(r[10]);
  i.fault = pg::opt_text(r[11]);
  i.created = r[12].as<std::string>();
  i.updated = r[13].as<std::string>();
  i.service_status = r[14].as<std::string>();
  i.datastore_name = r[15].as<std::string>();
  i.datastore_version_name = r[16].as<std::string>();
  if (!r[17].is_null()) {
    std::string ids = r[17].as<std::string>();  // uuids, comma separated
    for (size_t start = 0; start <= ids.size();) {
      const size_t comma = std::min(ids.find(',', start), ids.size());
      i.replica_ids.push_back(ids.substr(start, comma - start));
      start = comma + 1;
    }
  }
  i.service_fault = pg::opt_text(r[18]);
  i.fault_created = pg::opt_text(r[19]);
  i.service_status_updated = pg::opt_text(r[20]);
  if (!r[21].is_null()) i.guest_port = r[21].as<int>();
  if (!r[22].is_null()) i.volume_used_bytes = r[22].as<int64_t>();
  if (!r[23].is_null()) i.volume_total_bytes = r[23].as<int64_t>();
  return i;
}

std::vector<Instance> instances_from(const pqxx::result& rows) {
  std::vector<Instance> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(instance_from(r));
  return out;
}

}  // namespace

void pg::prepare_instance_statements(pqxx::connection& conn) {
  conn.prepare("instance_find", select_instances("i.tenant_id = $1 AND i.id = $2"));
  conn.prepare("instance_find_any", select_instances("i.id = $1"));
  conn.prepare("instance_list", select_instances("i.tenant_id = $1"));
  conn.prepare("instance_replicas", select_instances("i.slave_of = $1"));
  conn.prepare("instance_set_service_status",
               "INSERT INTO service_statuses (instance_id, status, updated)"
               " SELECT id, $2, now() FROM instances WHERE id = $1 AND NOT deleted"
               " ON CONFLICT (instance_id) DO UPDATE SET status = EXCLUDED.status,"
               " updated = now()");
}

bool pg::claim_instance_task(pqxx::transaction_base& t, const std::string& instance_id,
                             const std::string& task,
                             const std::vector<std::string>& allowed_tasks) {
  return !t.exec_params(
               "UPDATE instances SET task = $2, updated = now()"
               " WHERE id = $1 AND NOT deleted"
               " AND (cardinality($3::text[]) = 0 OR task = ANY($3::text[])) RETURNING id",
               instance_id, task, pg::text_array(allowed_tasks))
              .empty();
}

void pg::insert_instance(pqxx::transaction_base& t, const Instance& instance) {
  t.exec_params(
      "INSERT INTO instances (id, tenant_id, name, flavor_id, volume_size_gb,"
      " datastore_version_id, task, address, availability_zone, slave_of, cluster_id, fault)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      instance.id, instance.tenant_id, instance.name, instance.flavor_id, instance.volume_size_gb,
      instance.datastore_version_id, instance.task, instance.address, instance.availability_zone,
      instance.slave_of, instance.cluster_id, instance.fault);
  t.exec_params("INSERT INTO service_statuses (instance_id, status) VALUES ($1, $2)", instance.id,
                common::service_status::kNew);
}

void PgInstanceRepository::create_with_operation(const Instance& instance, const Operation& op,
                                                 const QuotaCharge& quota) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    pg::charge_quota(t, instance.tenant_id, quota);
    pg::insert_instance(t, instance);
    pg::insert_operation(t, op);
    t.commit();
  });
}

bool PgInstanceRepository::start_operation(const std::string& instance_id, const std::string& task,
                                           const std::vector<std::string>& allowed_tasks,
                                           const Operation& op, const QuotaCharge& quota) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    if (!pg::claim_instance_task(t, instance_id, task, allowed_tasks)) {
      return false;  // the transaction rolls back unwritten
    }
    if (!quota.empty()) {
      auto owner = t.exec_params("SELECT tenant_id FROM instances WHERE id = $1", instance_id);
      pg::charge_quota(t, owner[0][0].as<std::string>(), quota);
    }
    pg::insert_operation(t, op);
    t.commit();
    return true;
  });
}

std::optional<Instance> PgInstanceRepository::find(const std::string& tenant_id,
                                                   const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Instance> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("instance_find", tenant_id, id);
    if (r.empty()) return std::nullopt;
    return instance_from(r[0]);
  });
}

std::optional<Instance> PgInstanceRepository::find_any(const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Instance> {
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared("instance_find_any", id);
    if (r.empty()) return std::nullopt;
    return instance_from(r[0]);
  });
}

std::vector<Instance> PgInstanceRepository::list(const std::string& tenant_id) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return instances_from(t.exec_prepared("instance_list", tenant_id));
  });
}

std::vector<Instance> PgInstanceRepository::replicas_of(const std::string& instance_id) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return instances_from(t.exec_prepared("instance_replicas", instance_id));
  });
}

void PgInstanceRepository::set_task(const std::string& id, const std::string& task) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params("UPDATE instances SET task = $2, updated = now() WHERE id = $1 AND NOT deleted",
                  id, task);
  });
}

void PgInstanceRepository::set_volume_size(const std::string& id, int size_gb) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params(
        "UPDATE instances SET volume_size_gb = $2, updated = now() WHERE id = $1 AND NOT deleted",
        id, size_gb);
  });
}

void PgInstanceRepository::set_flavor(const std::string& id, const std::string& flavor_id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params(
        "UPDATE instances SET flavor_id = $2, updated = now() WHERE id = $1 AND NOT deleted", id,
        flavor_id);
  });
}

void PgInstanceRepository::set_address(const std::string& id,
                                       const std::optional<std::string>& address,
                                       std::optional<int> guest_port) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params(
        "UPDATE instances SET address = $2, guest_port = $3, updated = now()"
        " WHERE id = $1 AND NOT deleted",
        id, address, guest_port);
  });
}

void PgInstanceRepository::set_fault(const std::string& id,
                                     const std::optional<std::string>& fault) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params(
        "UPDATE instances SET fault = $2, fault_at = CASE WHEN $2::text IS NULL THEN NULL"
        " ELSE now() END, updated = now() WHERE id = $1 AND NOT deleted",
        id, fault);
  });
}

void PgInstanceRepository::set_service_status(const std::string& id, const std::string& status) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_prepared("instance_set_service_status", id, status);
  });
}

void PgInstanceRepository::mark_deleted(const std::string& id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("UPDATE instances SET deleted = true, updated = now() WHERE id = $1", id);
    t.exec_params("DELETE FROM service_statuses WHERE instance_id = $1", id);
    t.exec_params("DELETE FROM agent_heartbeats WHERE instance_id = $1", id);
    t.exec_params("DELETE FROM conductor_lastseen WHERE instance_id = $1", id);
    t.commit();
  });
}

std::map<std::string, InstanceRepository::RecordState> PgInstanceRepository::record_states(
    const std::vector<std::string>& ids) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    // One statement, one snapshot: an operation finishing meanwhile is seen
    // either running (live) or finished, never neither.
    auto rows = t.exec_params(
        "SELECT c.id, CASE"
        "  WHEN EXISTS (SELECT 1 FROM operations o WHERE o.state IN ('SUBMITTED', 'RUNNING')"
        "    AND (o.resource_id = c.id OR o.resource_id = i.cluster_id)) THEN 'live'"
        "  WHEN i.id IS NULL THEN 'missing'"
        "  WHEN i.deleted THEN 'deleted'"
        "  ELSE 'live' END"
        " FROM unnest($1::text[]) AS c(id) LEFT JOIN instances i ON i.id = c.id",
        pg::text_array(ids));
    std::map<std::string, RecordState> out;
    for (const auto& id : ids) out[id] = RecordState::kLive;  // unless the database says otherwise
    for (const auto& r : rows) {
      const std::string state = r[1].as<std::string>();
      out[r[0].as<std::string>()] = state == "missing"   ? RecordState::kMissing
                                    : state == "deleted" ? RecordState::kDeleted
                                                         : RecordState::kLive;
    }
    return out;
  });
}

}  // namespace automat::db
