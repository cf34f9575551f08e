#pragma once
// /v1.0/{tenant}/backups (Trove v1.0's form) and /instances/{id}/backups:
// a tenant's backups of its instances. Creating one is an operation
// (backup.create) that streams the instance's data to the backup storage;
// deleting one (backup.delete) removes its objects. Scoped to the tenant:
// another tenant's backup is a 404.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class BackupsHandler {
 public:
  explicit BackupsHandler(const ApiServices& services) : services_(services) {}
  // POST /backups {"backup": {name, instance, description?, incremental?,
  // parent_id?}} -> 202 {"backup": view}. `instance` is an id or the name
  // of one of the tenant's instances. An incremental backup's parent is
  // `parent_id`, else the instance's newest COMPLETED backup. 400: a bad
  // field, a cluster node, a datastore without backups, a parent that is
  // not a COMPLETED backup of the same instance; 404: unknown instance;
  // 409: the instance is busy or not running; 413 overLimit, nothing
  // written: the tenant's backups quota is used up (db/quota.h).
  Response create(const RequestContext& ctx) const;
  // GET /backups[?instance_id=&datastore=&limit=&marker=], oldest first.
  Response list(const RequestContext& ctx) const;
  // GET /instances/{id}/backups; 404 when the instance is not the tenant's.
  Response list_of_instance(const RequestContext& ctx, const std::string& instance_id) const;
  // POST /clusters/{id}/backups {"backup": {name, description?,
  // keyspaces?}} -> 202 {"backup": view}: every node of the cluster,
  // through its datastore's workflow (the cluster's task BACKUP
  // meanwhile). 400: a bad field or keyspace name, a datastore without
  // cluster backups; 404: not the tenant's cluster; 422: the cluster is
  // not ACTIVE or busy; 413 overLimit as for create (one backup, whatever
  // the cluster's size).
  Response create_for_cluster(const RequestContext& ctx, const std::string& cluster_id) const;
  // GET /clusters/{id}/backups; 404 when the cluster is not the tenant's.
  Response list_of_cluster(const RequestContext& ctx, const std::string& cluster_id) const;
  Response show(const RequestContext& ctx, const std::string& id) const;
  // DELETE /backups/{id} -> 202; 409 naming the incremental backups that
  // depend on it, or the instances being restored from it.
  Response remove(const RequestContext& ctx, const std::string& id) const;

 private:
  Response page(const RequestContext& ctx, const db::BackupFilter& filter) const;
  nlohmann::json view(const RequestContext& ctx, const db::Backup& backup) const;
  const ApiServices& services_;
};

}  // namespace automat::api
