#include "db/pg_cluster_repository.h"

#include "common/status.h"
#include "db/pg_operation_rows.h"
#include "db/pg_quota_rows.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

// One row per (cluster, live node); a cluster without live nodes comes as
// one row whose node columns are NULL. Columns 0..10 are the cluster's,
// 11..17 the node's, 18 its status detail, 19..33 its instance's.
std::string select_clusters(const std::string& where) {
  return "SELECT c.id, c.tenant_id, c.name, c.datastore_version_id, c.task, c.status, " +
         pg::iso("c.created") + ", " + pg::iso("c.updated") +
         ", d.name, v.name,"
         " (SELECT COALESCE(max(a.ordinal), 0) + 1 FROM nodes a WHERE a.cluster_id = c.id),"
         " n.instance_id, n.type, n.role::text, n.zone, n.region, n.ordinal, n.phase,"
         " COALESCE(s.detail, '{}'::jsonb)::text,"
         " i.tenant_id, i.name, i.flavor_id, i.volume_size_gb, i.datastore_version_id, i.task,"
         " i.address, i.availability_zone, i.fault, " +
         pg::iso("i.created") + ", " + pg::iso("i.updated") +
         ", COALESCE(s.status, ''), i.guest_port, (s.detail->'volume'->>'used_bytes')::bigint,"
         " (s.detail->'volume'->>'total_bytes')::bigint"
         " FROM clusters c"
         " JOIN datastore_versions v ON v.id = c.datastore_version_id"
         " JOIN datastores d ON d.id = v.datastore_id"
         " LEFT JOIN (nodes n"
         "   JOIN instances i ON i.id = n.instance_id AND NOT i.deleted"
         "   LEFT JOIN service_statuses s ON s.instance_id = i.id)"
         " ON n.cluster_id = c.id"
         " WHERE NOT c.deleted AND " +
         where + " ORDER BY c.created, c.id, n.ordinal";
}

Cluster cluster_from(const pqxx::row& r) {
  Cluster c;
  c.id = r[0].as<std::string>();
  c.tenant_id = r[1].as<std::string>();
  c.name = r[2].as<std::string>();
  c.datastore_version_id = r[3].as<std::string>();
  c.task = r[4].as<std::string>();
  c.status = r[5].as<std::string>();
  c.created = r[6].as<std::string>();
  c.updated = r[7].as<std::string>();
  c.datastore_name = r[8].as<std::string>();
  c.datastore_version_name = r[9].as<std::string>();
  c.next_ordinal = r[10].as<int>();
  return c;
}

Node node_from(const pqxx::row& r, const Cluster& c) {
  Node n;
  n.instance_id = r[11].as<std::string>();
  n.cluster_id = c.id;
  n.type = r[12].as<std::string>();
  n.role = nlohmann::json::parse(r[13].as<std::string>());
  n.zone = r[14].as<std::string>();
  n.region = pg::opt_text(r[15]);
  n.ordinal = r[16].as<int>();
  n.phase = r[17].as<std::string>();
  n.detail = nlohmann::json::parse(r[18].as<std::string>());
  Instance& i = n.instance;
  i.id = n.instance_id;
  i.tenant_id = r[19].as<std::string>();
  i.name = r[20].as<std::string>();
  i.flavor_id = r[21].as<std::string>();
  i.volume_size_gb = r[22].as<int>();
  i.datastore_version_id = r[23].as<std::string>();
  i.task = r[24].as<std::string>();
  i.address = pg::opt_text(r[25]);
  i.availability_zone = r[26].as<std::string>();
  i.cluster_id = c.id;
  i.fault = pg::opt_text(r[27]);
  i.created = r[28].as<std::string>();
  i.updated = r[29].as<std::string>();
  i.service_status = r[30].as<std::string>();
  if (!r[31].is_null()) i.guest_port = r[31].as<int>();
  if (!r[32].is_null()) i.volume_used_bytes = r[32].as<int64_t>();
  if (!r[33].is_null()) i.volume_total_bytes = r[33].as<int64_t>();
  i.datastore_name = c.datastore_name;
  i.datastore_version_name = c.datastore_version_name;
  return n;
}

// Folds the joined rows (ordered by cluster) into clusters with their nodes.
std::vector<Cluster> clusters_from(const pqxx::result& rows) {
  std::vector<Cluster> out;
  for (const auto& r : rows) {
    if (out.empty() || out.back().id != r[0].as<std::string>()) out.push_back(cluster_from(r));
    if (!r[11].is_null()) out.back().nodes.push_back(node_from(r, out.back()));
  }
  return out;
}

// The node's instance (service status NEW) and nodes row, inside `t`.
// The instance takes the cluster's tenant, whatever `n.instance` says.
void insert_node(pqxx::transaction_base& t, const std::string& tenant_id,
                 const std::string& cluster_id, const Node& n) {
  const Instance& i = n.instance;
  t.exec_params(
      "INSERT INTO instances (id, tenant_id, name, flavor_id, volume_size_gb,"
      " datastore_version_id, task, address, availability_zone, cluster_id)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      n.instance_id, tenant_id, i.name, i.flavor_id, i.volume_size_gb, i.datastore_version_id,
      i.task, i.address, i.availability_zone, cluster_id);
  t.exec_params("INSERT INTO service_statuses (instance_id, status) VALUES ($1, $2)", n.instance_id,
                common::service_status::kNew);
  t.exec_params(
      "INSERT INTO nodes (instance_id, cluster_id, type, role, zone, region, ordinal, phase)"
      " VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)",
      n.instance_id, cluster_id, n.type, n.role.dump(), n.zone, n.region, n.ordinal, n.phase);
}

}  // namespace

void PgClusterRepository::create_with_operation(const Cluster& cluster, const Operation& op,
                                                const QuotaCharge& quota) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    pg::charge_quota(t, cluster.tenant_id, quota);
    t.exec_params(
        "INSERT INTO clusters (id, tenant_id, name, datastore_version_id, task, status)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        cluster.id, cluster.tenant_id, cluster.name, cluster.datastore_version_id, cluster.task,
        cluster.status);
    for (const Node& n : cluster.nodes) insert_node(t, cluster.tenant_id, cluster.id, n);
    pg::insert_operation(t, op);
    t.commit();
  });
}

bool PgClusterRepository::start_operation(const std::string& cluster_id, const std::string& task,
                                          const std::vector<std::string>& allowed_tasks,
                                          const std::vector<Node>& new_nodes, const Operation& op,
                                          const QuotaCharge& quota) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    auto r = t.exec_params(
        "UPDATE clusters SET task = $2, updated = now()"
        " WHERE id = $1 AND NOT deleted"
        " AND (cardinality($3::text[]) = 0 OR task = ANY($3::text[])) RETURNING tenant_id",
        cluster_id, task, pg::text_array(allowed_tasks));
    if (r.empty()) return false;  // the transaction rolls back unwritten
    const std::string tenant_id = r[0][0].as<std::string>();
    pg::charge_quota(t, tenant_id, quota);
    for (const Node& n : new_nodes) insert_node(t, tenant_id, cluster_id, n);
    pg::insert_operation(t, op);
    t.commit();
    return true;
  });
}

std::optional<Cluster> PgClusterRepository::find(const std::string& tenant_id,
                                                 const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Cluster> {
    pqxx::nontransaction t(c);
    auto found = clusters_from(
        t.exec_params(select_clusters("c.tenant_id = $1 AND c.id = $2"), tenant_id, id));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

std::optional<Cluster> PgClusterRepository::find_any(const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Cluster> {
    pqxx::nontransaction t(c);
    auto found = clusters_from(t.exec_params(select_clusters("c.id = $1"), id));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

std::vector<Cluster> PgClusterRepository::list(const std::string& tenant_id) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return clusters_from(t.exec_params(select_clusters("c.tenant_id = $1"), tenant_id));
  });
}

void PgClusterRepository::set_task(const std::string& id, const std::string& task) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params("UPDATE clusters SET task = $2, updated = now() WHERE id = $1 AND NOT deleted",
                  id, task);
  });
}

void PgClusterRepository::set_status(const std::string& id, const std::string& status) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params("UPDATE clusters SET status = $2, updated = now() WHERE id = $1 AND NOT deleted",
                  id, status);
  });
}

void PgClusterRepository::set_node_phase(const std::string& instance_id, const std::string& phase) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params("UPDATE nodes SET phase = $2, updated = now() WHERE instance_id = $1",
                  instance_id, phase);
  });
}

void PgClusterRepository::set_roles(const std::string& cluster_id,
                                    const std::map<std::string, nlohmann::json>& roles) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    for (const auto& [instance_id, role] : roles) {
      t.exec_params(
          "UPDATE nodes SET role = $3::jsonb, updated = now()"
          " WHERE cluster_id = $1 AND instance_id = $2 AND role IS DISTINCT FROM $3::jsonb",
          cluster_id, instance_id, role.dump());
    }
    t.commit();
  });
}

void PgClusterRepository::mark_deleted(const std::string& id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params("UPDATE clusters SET deleted = true, updated = now() WHERE id = $1", id);
  });
}

}  // namespace automat::db
