#include "api/backups_handler.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "api/backup_checks.h"
#include "api/display_name.h"
#include "api/operation_requests.h"
#include "api/pagination.h"
#include "api/query_params.h"
#include "api/request_body.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "common/text.h"
#include "db/cluster_backup.h"
#include "db/instance_backup.h"

namespace automat::api {
namespace {

using nlohmann::json;

common::Error backup_not_found(const std::string& id) {
  return common::not_found("backup " + common::excerpt(id) + " was not found");
}

struct BackupCreateRequest {
  std::string name;
  std::string instance;
  std::string description;
  bool incremental = false;
  std::optional<std::string> parent_id;
};

// The body of POST /backups, once its schema (BackupCreateRequest in
// docs/openapi.yaml: types, required members, lengths) admitted it.
BackupCreateRequest parse_backup_create(const json& doc) {
  body::check(Method::kPost, "/v1.0/{tenant_id}/backups", doc);
  const json& b = doc.at("backup");
  BackupCreateRequest req;
  req.name = body::text(b, "name").value_or("");
  check_display_name(req.name, "backup.name");
  req.instance = body::text(b, "instance").value_or("");
  req.description = body::text(b, "description").value_or("");
  if (!common::well_formed(req.description)) {
    throw common::bad_request("backup.description must be UTF-8 text without control characters");
  }
  const json* inc = body::member(b, "incremental");
  req.incremental = inc && inc->get<bool>();
  if (auto parent = body::text(b, "parent_id")) {
    req.parent_id = *parent;
    req.incremental = true;  // Trove: a parent makes it incremental
  }
  return req;
}

// The tenant's instance named by id, else by name (which must be unique).
db::Instance find_instance(const ApiServices& services, const std::string& tenant,
                           const std::string& ref) {
  if (auto by_id = services.instances->find(tenant, ref)) return *by_id;
  std::optional<db::Instance> found;
  for (const auto& i : services.instances->list(tenant)) {
    if (i.name != ref) continue;
    if (found) {
      throw common::bad_request("backup.instance: more than one instance is named " +
                                common::in_quotes(ref) + "; give its id");
    }
    found = i;
  }
  if (!found) throw common::not_found("instance " + common::excerpt(ref) + " was not found");
  return *found;
}

// The parent of an incremental backup: checked to be a COMPLETED backup of
// the same instance, so the chain restores.
db::Backup resolve_parent(const ApiServices& services, const std::string& tenant,
                          const BackupCreateRequest& req, const db::Instance& instance) {
  if (!req.parent_id) {
    auto latest = services.backups->latest_completed(instance.id);
    if (!latest) {
      throw common::bad_request("instance " + instance.id +
                                " has no COMPLETED backup to base an incremental backup on;"
                                " create a full backup first");
    }
    return *latest;
  }
  auto parent = services.backups->find(tenant, *req.parent_id);
  if (!parent) {
    throw common::bad_request("backup.parent_id: backup " + common::excerpt(*req.parent_id) +
                              " was not found");
  }
  if (parent->instance_id != instance.id) {
    throw common::bad_request("backup.parent_id: backup " + parent->id +
                              " is not a backup of instance " + instance.id);
  }
  if (parent->status != db::backup_status::kCompleted) {
    throw common::bad_request("backup.parent_id: backup " + parent->id + " is " + parent->status +
                              "; an incremental backup needs a COMPLETED parent");
  }
  return *parent;
}

// What a COMPLETED cluster backup sent to the storage, as its datastore's
// cluster strategy reads the backup's facts; null otherwise.
json uploaded_bytes(const ApiServices& services, const db::Backup& b) {
  if (b.status != db::backup_status::kCompleted || !b.cluster_id || !services.cluster_strategies) {
    return nullptr;
  }
  const auto version = services.catalog->find_version_by_id(b.datastore_version_id);
  const ClusterStrategy* strategy =
      version ? services.cluster_strategies(version->manager) : nullptr;
  const std::optional<int64_t> bytes = strategy ? strategy->uploaded_bytes(b) : std::nullopt;
  return bytes ? json(*bytes) : json(nullptr);
}

}  // namespace

json BackupsHandler::view(const RequestContext& ctx, const db::Backup& b) const {
  const bool completed = b.status == db::backup_status::kCompleted;
  json errors = json::array();
  double progress = completed ? 1.0 : 0.0;
  // Progress and per-host errors are the operation's while it runs or
  // after it failed; a finished operation may have left GET /operations,
  // but its row stays readable here.
  if (!completed && !b.operation_id.empty()) {
    if (auto op = services_.operations->find(ctx.tenant_id(), b.operation_id)) {
      progress = op->progress;
      for (const auto& e : op->errors) errors.push_back({{"host", e.host}, {"message", e.message}});
    }
  }
  if (errors.empty() && b.fault) {
    errors.push_back(
        {{"host", b.instance_id.value_or(b.cluster_id.value_or(""))}, {"message", *b.fault}});
  }
  json size = nullptr;
  if (completed) size = std::round(static_cast<double>(b.size) / (1 << 30) * 1e6) / 1e6;
  return {{"id", b.id},
          {"name", b.name},
          {"description", b.description},
          {"instance_id", text_or_null(b.instance_id)},
          {"cluster_id", text_or_null(b.cluster_id)},
          {"parent_id", text_or_null(b.parent_id)},
          {"incremental", b.parent_id.has_value()},
          {"scheduled", b.scheduled},
          {"locationRef", completed ? json(b.location) : json(nullptr)},
          {"size", size},
          {"size_bytes", completed ? json(b.size) : json(nullptr)},
          {"status", b.status},
          {"progress", progress},
          {"errors", errors},
          {"datastore",
           {{"type", b.datastore_name},
            {"version", b.datastore_version_name},
            {"version_id", b.datastore_version_id}}},
          {"uploaded_bytes", uploaded_bytes(services_, b)},
          {"operation_id", b.operation_id},
          {"created", b.created},
          {"updated", b.updated}};
}

Response BackupsHandler::create(const RequestContext& ctx) const {
  const BackupCreateRequest req = parse_backup_create(ctx.body());
  const db::Instance instance = find_instance(services_, ctx.tenant_id(), req.instance);
  check_backs_up(services_, instance);
  if (instance.task != common::task::kNone ||
      instance.service_status != common::service_status::kRunning) {
    throw common::conflict("instance " + instance.id + " is " +
                           common::user_status(instance.task, instance.service_status) +
                           "; a backup needs it ACTIVE");
  }
  db::InstanceBackupRequest request;
  request.name = req.name;
  request.description = req.description;
  if (req.incremental) {
    request.parent_id = resolve_parent(services_, ctx.tenant_id(), req, instance).id;
  }
  const auto started =
      db::start_instance_backup(*services_.backups, instance, request, services_.quota_defaults);
  if (!started) {
    const auto now = services_.instances->find(ctx.tenant_id(), instance.id);
    if (!now) throw common::not_found("instance " + instance.id + " was not found");
    throw common::conflict("instance " + instance.id + " is " + now->task +
                           "; wait until it finishes");
  }
  const db::Backup& backup = started->backup;
  const db::Operation& op = started->operation;
  common::log::info("backup.create.accepted", {{"tenant", ctx.tenant_id()},
                                               {"backup", backup.id},
                                               {"instance", instance.id},
                                               {"op", op.id},
                                               {"parent", backup.parent_id.value_or("")}});
  publish_task(services_, op.id);
  const auto stored = services_.backups->find(ctx.tenant_id(), backup.id);
  return accepted({{"backup", view(ctx, stored.value_or(backup))}}, op);
}

Response BackupsHandler::create_for_cluster(const RequestContext& ctx,
                                            const std::string& cluster_id) const {
  body::check(Method::kPost, "/v1.0/{tenant_id}/clusters/{cluster_id}/backups", ctx.body());
  const json& b = ctx.body().at("backup");
  const std::string name = body::text(b, "name").value_or("");
  check_display_name(name, "backup.name");
  const std::string description = body::text(b, "description").value_or("");
  if (!common::well_formed(description)) {
    throw common::bad_request("backup.description must be UTF-8 text without control characters");
  }
  db::ClusterBackupRequest request;
  request.name = name;
  request.description = description;
  if (const json* keyspaces = body::member(b, "keyspaces")) {
    for (const auto& k : *keyspaces) {
      const std::string entry = k.get<std::string>();
      check_backup_keyspace(entry, "backup.keyspaces");
      request.keyspaces.push_back(entry);
    }
  }
  if (const auto mib = body::whole(b, "max_mib_per_second")) {
    request.max_bytes_per_second = static_cast<int64_t>(*mib) * 1024 * 1024;
  }
  const auto cluster = services_.clusters->find(ctx.tenant_id(), cluster_id);
  if (!cluster) {
    throw common::not_found("cluster " + common::excerpt(cluster_id) + " was not found");
  }
  const ClusterStrategy& strategy = check_backs_up(services_, *cluster);
  for (const auto& entry : request.keyspaces) {
    strategy.check_keyspace_backs_up(entry, "backup.keyspaces");
  }
  if (cluster->status != common::cluster_status::kActive ||
      cluster->task != common::cluster_task::kNone) {
    throw common::unprocessable("cluster " + cluster->name + " is " + cluster->status + " (task " +
                                cluster->task + "); a backup needs it ACTIVE and idle");
  }
  const auto started =
      db::start_cluster_backup(*services_.backups, *cluster, request, services_.quota_defaults);
  if (!started) {
    throw common::unprocessable("cluster " + cluster->name +
                                " changed while this request was handled; retry it");
  }
  const db::Backup& backup = started->backup;
  const db::Operation& op = started->operation;
  common::log::info("backup.create.accepted", {{"tenant", ctx.tenant_id()},
                                               {"backup", backup.id},
                                               {"cluster", cluster->id},
                                               {"op", op.id}});
  publish_task(services_, op.id);
  const auto stored = services_.backups->find(ctx.tenant_id(), backup.id);
  return accepted({{"backup", view(ctx, stored.value_or(backup))}}, op);
}

Response BackupsHandler::list_of_cluster(const RequestContext& ctx,
                                         const std::string& cluster_id) const {
  if (!services_.clusters->find(ctx.tenant_id(), cluster_id)) {
    throw common::not_found("cluster " + common::excerpt(cluster_id) + " was not found");
  }
  db::BackupFilter filter;
  filter.cluster_id = cluster_id;
  return page(ctx, filter);
}

Response BackupsHandler::page(const RequestContext& ctx, const db::BackupFilter& filter) const {
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const auto all = services_.backups->list(ctx.tenant_id(), filter);
  const auto p = page_of(
      all, request, [](const db::Backup& b) { return b.id; }, "a backup");
  json items = json::array();
  for (const auto& b : p.items) items.push_back(view(ctx, b));
  return json_response(200, paged_body(ctx, "backups", std::move(items), p.next_marker));
}

Response BackupsHandler::list(const RequestContext& ctx) const {
  const QueryParams query = QueryParams::parse(ctx.request.target);
  db::BackupFilter filter;
  filter.instance_id = query.get_text("instance_id");
  filter.datastore = query.get_text("datastore");
  return page(ctx, filter);
}

Response BackupsHandler::list_of_instance(const RequestContext& ctx,
                                          const std::string& instance_id) const {
  if (!services_.instances->find(ctx.tenant_id(), instance_id)) {
    throw common::not_found("instance " + common::excerpt(instance_id) + " was not found");
  }
  db::BackupFilter filter;
  filter.instance_id = instance_id;
  return page(ctx, filter);
}

Response BackupsHandler::show(const RequestContext& ctx, const std::string& id) const {
  auto backup = services_.backups->find(ctx.tenant_id(), id);
  if (!backup) throw backup_not_found(id);
  return json_response(200, {{"backup", view(ctx, *backup)}});
}

Response BackupsHandler::remove(const RequestContext& ctx, const std::string& id) const {
  const auto backup = services_.backups->find(ctx.tenant_id(), id);
  if (!backup) throw backup_not_found(id);
  if (backup->status == db::backup_status::kNew || backup->status == db::backup_status::kBuilding) {
    throw common::conflict("backup " + id + " is " + backup->status +
                           "; wait until it is COMPLETED or FAILED");
  }
  const db::Operation op = new_operation(ctx.tenant_id(), "backup.delete", "backup", id);
  const auto outcome = services_.backups->start_delete(id, op);
  if (!outcome.dependents.children.empty()) {
    throw common::conflict("backup " + id + " is the parent of incremental backup(s) " +
                           common::joined(outcome.dependents.children, ", ") +
                           "; delete those first");
  }
  if (!outcome.dependents.restores.empty()) {
    throw common::conflict(common::joined(outcome.dependents.restores, ", ") +
                           " (instance or cluster) " + "are being restored from backup " + id +
                           "; delete it once their restore has ended");
  }
  if (!outcome.started) {
    if (!services_.backups->find(ctx.tenant_id(), id)) throw backup_not_found(id);
    throw common::conflict("backup " + id + " is already being deleted");
  }
  common::log::info("backup.delete.accepted",
                    {{"tenant", ctx.tenant_id()}, {"backup", id}, {"op", op.id}});
  publish_task(services_, op.id);
  return accepted(json::object(), op);
}

}  // namespace automat::api
