#include "api/instance_actions_handler.h"

#include "api/datastore_strategy.h"
#include "api/operation_requests.h"
#include "api/quota_charge.h"
#include "api/volume_resize_request.h"
#include "automat/operations.pb.h"
#include "common/client_text.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"

namespace automat::api {
namespace {

namespace task = common::task;

// 409 naming what the instance is doing, unless it is ACTIVE with no task;
// `change` says what waits for that ("its volume can grow").
void require_active_and_idle(const db::Instance& inst, const std::string& change) {
  const std::string status = common::user_status(inst.task, inst.service_status);
  if (inst.task != task::kNone || status != "ACTIVE") {
    throw common::conflict(
        "instance " + inst.id + " is " + status +
        (inst.task != task::kNone && inst.task != status ? " (task " + inst.task + ")" : "") +
        "; " + change + " only while it is ACTIVE with no task running");
  }
}

}  // namespace

Response InstanceActionsHandler::action(const RequestContext& ctx, const std::string& id) const {
  const nlohmann::json doc = ctx.body();
  if (is_instance_resize(doc)) {
    const InstanceResize resize = parse_instance_resize(doc);
    if (resize.flavor_id) return resize_flavor(ctx, id, *resize.flavor_id);
    return resize_volume(ctx, id, *resize.volume_gb);
  }
  return replicas_.action(ctx, id);
}

Response InstanceActionsHandler::resize_volume(const RequestContext& ctx, const std::string& id,
                                               int size_gb) const {
  const auto inst = services_.instances->find(ctx.tenant_id(), id);
  if (!inst) throw common::not_found("instance " + common::excerpt(id) + " was not found");
  if (inst->cluster_id) {
    throw common::bad_request("instance " + inst->id + " is a node of cluster " +
                              *inst->cluster_id +
                              "; a cluster's nodes share one volume size: grow them all with "
                              "the cluster's action {\"resize_volume\": {\"size\": N}}");
  }
  check_volume_bound("resize.volume.size", size_gb, services_.limits.max_volume_gb);
  check_volume_grows("resize.volume.size", "instance " + inst->id + "'s volume",
                     inst->volume_size_gb, size_gb);
  require_active_and_idle(*inst, "its volume can grow");

  db::Operation op = new_operation(ctx.tenant_id(), "instance.resize_volume", "instance", id);
  proto::InstanceResizeVolumeInput input;
  input.set_size_gb(size_gb);
  op.input = common::proto_json::encode(input);
  const db::QuotaCharge quota = volumes_charge(services_, size_gb - inst->volume_size_gb);
  if (!services_.instances->start_operation(id, task::kResize, {task::kNone}, op, quota)) {
    const auto now = services_.instances->find(ctx.tenant_id(), id);
    if (!now) throw common::not_found("instance " + common::excerpt(id) + " was not found");
    throw common::conflict("instance " + id + " is " + now->task +
                           "; wait until its current task finishes");
  }
  common::log::info("instance.resize_volume.accepted", {{"tenant", ctx.tenant_id()},
                                                        {"instance", id},
                                                        {"op", op.id},
                                                        {"size_gb", std::to_string(size_gb)}});
  publish_task(services_, op.id);
  return accepted(nlohmann::json::object(), op);
}

Response InstanceActionsHandler::resize_flavor(const RequestContext& ctx, const std::string& id,
                                               const std::string& flavor_id) const {
  const auto inst = services_.instances->find(ctx.tenant_id(), id);
  if (!inst) throw common::not_found("instance " + common::excerpt(id) + " was not found");
  if (inst->cluster_id) {
    throw common::bad_request("instance " + inst->id + " is a node of cluster " +
                              *inst->cluster_id +
                              "; a cluster's nodes share one flavor: resize them all with the "
                              "cluster's action {\"resize\": {\"flavorRef\": F}}");
  }
  const auto flavor = services_.catalog->find_flavor(flavor_id);
  if (!flavor) {
    throw common::bad_request("resize.flavorRef " + common::in_quotes(flavor_id) +
                              " is not a known flavor");
  }
  if (flavor->id == inst->flavor_id) {
    throw common::bad_request("resize.flavorRef: instance " + inst->id + " already has flavor '" +
                              flavor->name + "'; name another flavor");
  }
  const auto version = services_.catalog->find_version_by_id(inst->datastore_version_id);
  const DatastoreStrategy* strategy =
      version && services_.strategies ? services_.strategies(version->manager) : nullptr;
  if (!version || !strategy) {
    throw common::bad_request("the datastore of instance " + inst->id +
                              " is not served by this API; its flavor cannot change");
  }
  db::DatastoreVersion named = *version;
  if (named.datastore_name.empty()) named.datastore_name = inst->datastore_name;
  strategy->validate_flavor(*flavor, named, "resize.flavorRef");
  require_active_and_idle(*inst, "its flavor can change");

  const int64_t old_ram_mb = flavor_ram_mb(services_, inst->flavor_id);
  db::Operation op = new_operation(ctx.tenant_id(), "instance.resize_flavor", "instance", id);
  proto::InstanceResizeFlavorInput input;
  input.set_flavor_id(flavor->id);
  input.set_ram_mb(flavor->ram_mb);
  input.set_old_flavor_id(inst->flavor_id);
  op.input = common::proto_json::encode(input);
  const db::QuotaCharge quota = ram_charge(services_, flavor->ram_mb - old_ram_mb);
  if (!services_.instances->start_operation(id, task::kResize, {task::kNone}, op, quota)) {
    const auto now = services_.instances->find(ctx.tenant_id(), id);
    if (!now) throw common::not_found("instance " + common::excerpt(id) + " was not found");
    throw common::conflict("instance " + id + " is " + now->task +
                           "; wait until its current task finishes");
  }
  common::log::info("instance.resize_flavor.accepted",
                    {{"tenant", ctx.tenant_id()},
                     {"instance", id},
                     {"op", op.id},
                     {"flavor", flavor->id},
                     {"ram_mb", std::to_string(flavor->ram_mb)}});
  publish_task(services_, op.id);
  return accepted(nlohmann::json::object(), op);
}

}  // namespace automat::api
