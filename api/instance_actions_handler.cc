#include "api/instance_actions_handler.h"

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

// 409 naming what the instance is doing, unless it is ACTIVE with no task.
void require_active_and_idle(const db::Instance& inst) {
  const std::string status = common::user_status(inst.task, inst.service_status);
  if (inst.task != task::kNone || status != "ACTIVE") {
    throw common::conflict(
        "instance " + inst.id + " is " + status +
        (inst.task != task::kNone && inst.task != status ? " (task " + inst.task + ")" : "") +
        "; its volume can grow only while it is ACTIVE with no task running");
  }
}

}  // namespace

Response InstanceActionsHandler::action(const RequestContext& ctx, const std::string& id) const {
  const nlohmann::json doc = ctx.body();
  if (is_instance_resize(doc)) return resize_volume(ctx, id, parse_instance_resize(doc));
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
  require_active_and_idle(*inst);

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

}  // namespace automat::api
