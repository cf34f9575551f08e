#include "api/instances_handler.h"

#include "api/cluster_operations.h"
#include "api/create_plan.h"
#include "api/instance_request.h"
#include "api/operation_requests.h"
#include "api/pagination.h"
#include "api/query_params.h"
#include "api/quota_charge.h"
#include "api/replica_request.h"
#include "api/replicas_handler.h"
#include "api/responses.h"
#include "api/restore_point.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;

common::Error instance_not_found(const std::string& id) {
  return common::not_found("instance " + common::excerpt(id) + " was not found");
}

db::Instance new_instance(const CreatePlan& plan, const std::string& tenant_id) {
  db::Instance in;
  in.id = common::crypto::uuid4();
  in.tenant_id = tenant_id;
  in.name = plan.request.name;
  in.flavor_id = plan.flavor.id;
  in.volume_size_gb = plan.request.volume_size_gb;
  in.datastore_version_id = plan.version.id;
  in.task = common::task::kBuilding;
  if (plan.request.availability_zone) in.availability_zone = *plan.request.availability_zone;
  in.service_status = common::service_status::kNew;
  in.datastore_name = plan.version.datastore_name;
  in.datastore_version_name = plan.version.name;
  return in;
}

// A master cannot be deleted while replicas follow it: they would lose
// their source silently.
void refuse_master_with_replicas(const std::string& id, const std::vector<std::string>& replicas) {
  if (replicas.empty()) return;
  std::string ids;
  for (const auto& r : replicas) ids += (ids.empty() ? "" : ", ") + r;
  throw common::conflict("instance " + id + " is the replication source of " + ids +
                         "; detach or delete its replicas first");
}

}  // namespace

Response InstancesHandler::create(const RequestContext& ctx) const {
  const json doc = ctx.body();
  if (is_replica_create(doc)) return ReplicasHandler(services_).create(ctx, doc);
  const ApiLimits& limits = services_.limits;
  InstanceCreateRequest req =
      parse_instance_create(doc, VolumeBounds{limits.min_volume_gb, limits.max_volume_gb});
  const CreatePlan plan = resolve_create(std::move(req), services_);

  const auto restore = resolve_restore_point(doc.at("instance"), plan, services_, ctx.tenant_id());

  const db::Instance instance = new_instance(plan, ctx.tenant_id());
  db::Operation op = new_operation(ctx.tenant_id(), "instance.create", "instance", instance.id);
  proto::InstanceCreateInput input = create_operation_input(plan.request);
  if (restore) input.set_restore_backup_id(restore->id);
  op.input = common::proto_json::encode(input);
  services_.instances->create_with_operation(
      instance, op,
      instances_charge(services_, 1, plan.request.volume_size_gb, plan.flavor.ram_mb));
  common::log::info("instance.create.accepted", {{"tenant", ctx.tenant_id()},
                                                 {"instance", instance.id},
                                                 {"op", op.id},
                                                 {"flavor", plan.flavor.id},
                                                 {"datastore_version", plan.version.id},
                                                 {"restore_from", restore ? restore->id : ""}});
  publish_task(services_, op.id);

  // Read back what was stored (timestamps); the built row if it vanished.
  const auto stored = services_.instances->find(ctx.tenant_id(), instance.id);
  return accepted({{"instance", instance_view(stored.value_or(instance), ctx.links)}}, op);
}

Response InstancesHandler::list(const RequestContext& ctx) const {
  const bool include_clustered =
      QueryParams::parse(ctx.request.target).get_bool("include_clustered").value_or(false);
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  std::vector<db::Instance> all = services_.instances->list(ctx.tenant_id());
  if (!include_clustered) {
    std::erase_if(all, [](const db::Instance& i) { return i.cluster_id.has_value(); });
  }
  const auto page = page_of(
      all, request, [](const db::Instance& i) { return i.id; }, "an instance");
  return json_response(
      200, paged_body(ctx, "instances", instances_view(page.items, ctx.links)["instances"],
                      page.next_marker));
}

Response InstancesHandler::show(const RequestContext& ctx, const std::string& id) const {
  auto instance = services_.instances->find(ctx.tenant_id(), id);
  if (!instance) throw instance_not_found(id);
  return json_response(200, {{"instance", instance_view(*instance, ctx.links)}});
}

Response InstancesHandler::remove(const RequestContext& ctx, const std::string& id) const {
  const auto instance = services_.instances->find(ctx.tenant_id(), id);
  if (!instance) throw instance_not_found(id);
  refuse_cluster_node(*instance);
  const db::Operation op = new_operation(ctx.tenant_id(), "instance.delete", "instance", id);
  // Checked under the row lock, so a replica created meanwhile also blocks.
  const auto outcome = services_.instances->start_operation_unless_replicas(
      id, common::task::kDeleting, {common::task::kNone, common::task::kBuildingError}, op);
  refuse_master_with_replicas(id, outcome.live_replicas);
  if (!outcome.started) {
    const auto now = services_.instances->find(ctx.tenant_id(), id);
    if (!now) throw instance_not_found(id);
    throw common::conflict("instance " + id + " is " + now->task + "; wait until it finishes");
  }
  common::log::info("instance.delete.accepted",
                    {{"tenant", ctx.tenant_id()}, {"instance", id}, {"op", op.id}});
  publish_task(services_, op.id);
  return accepted(json::object(), op);
}

}  // namespace automat::api
