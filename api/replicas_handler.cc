#include "api/replicas_handler.h"

#include "api/operation_requests.h"
#include "api/quota_charge.h"
#include "api/responses.h"
#include "api/views.h"
#include "automat/operations.pb.h"
#include "common/client_text.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;

namespace task = common::task;

struct ActionSpec {
  const char* operation;  // "instance.detach"
  const char* task;       // the instance's task while it runs
  const char* verb;       // for messages
};

ActionSpec spec_of(InstanceAction action) {
  switch (action) {
    case InstanceAction::kDetach:
      return {"instance.detach", task::kDetaching, "detach"};
    case InstanceAction::kPromote:
      return {"instance.promote", task::kPromoting, "promote"};
    case InstanceAction::kEject:
      return {"instance.eject", task::kEjecting, "eject the replica source of"};
  }
  return {"", "", ""};
}

db::Instance require(const ApiServices& services, const RequestContext& ctx,
                     const std::string& id) {
  auto inst = services.instances->find(ctx.tenant_id(), id);
  if (!inst) throw common::not_found("instance " + common::excerpt(id) + " was not found");
  return *inst;
}

// Refuses an action the instance's place in replication does not allow.
void check_allowed(const db::Instance& inst, InstanceAction action) {
  switch (action) {
    case InstanceAction::kDetach:
    case InstanceAction::kPromote:
      if (!inst.slave_of) {
        throw common::bad_request("instance " + inst.id +
                                  " is not a replica; only a replica can be " +
                                  (action == InstanceAction::kDetach ? "detached" : "promoted"));
      }
      return;
    case InstanceAction::kEject:
      if (inst.replica_ids.empty()) {
        throw common::bad_request("instance " + inst.id +
                                  " has no replicas; eject_replica_source applies to a master");
      }
      if (inst.service_status != common::service_status::kFailedTimeoutGuestagent) {
        throw common::conflict("the guest of instance " + inst.id + " is still reporting (status " +
                               common::user_status(inst.task, inst.service_status) +
                               "); eject is for an unreachable master: promote a replica "
                               "with promote_to_replica_source instead");
      }
      return;
  }
}

}  // namespace

Response ReplicasHandler::create(const RequestContext& ctx, const json& doc) const {
  const ReplicaCreateRequest req = parse_replica_create(doc);
  const auto master = services_.instances->find(ctx.tenant_id(), req.master_id);
  if (!master) {
    throw common::bad_request("replica_of: instance " + common::excerpt(req.master_id) +
                              " was not found");
  }
  if (master->slave_of) {
    throw common::bad_request("instance " + master->id + " is itself a replica of " +
                              *master->slave_of + "; make a replica of " + *master->slave_of +
                              " instead");
  }
  const auto version = services_.catalog->find_version_by_id(master->datastore_version_id);
  if (!version) throw common::internal_error("the datastore version of " + master->id + " is gone");
  if ((req.datastore_type && *req.datastore_type != version->datastore_name) ||
      (req.datastore_version && *req.datastore_version != version->name)) {
    throw common::bad_request("instance.datastore: a replica runs its master's datastore (" +
                              version->datastore_name + " " + version->name + ")");
  }
  if (!version->enabled_replication) {
    throw common::bad_request("datastore " + version->datastore_name + " " + version->name +
                              " does not support replication");
  }
  const std::string status = common::user_status(master->task, master->service_status);
  if (master->task != task::kNone || status != "ACTIVE") {
    throw common::conflict("instance " + master->id + " is " + status +
                           "; replicas can be made of an ACTIVE master only");
  }

  // One backup of the master serves the whole batch.
  const std::string backup_key = common::crypto::uuid4();
  std::vector<std::pair<db::Instance, db::Operation>> batch;
  for (int i = 0; i < req.count; ++i) {
    db::Instance in;
    in.id = common::crypto::uuid4();
    in.tenant_id = ctx.tenant_id();
    in.name = i == 0 ? req.name : req.name + "-" + std::to_string(i + 1);
    in.flavor_id = master->flavor_id;
    in.volume_size_gb = master->volume_size_gb;
    in.datastore_version_id = master->datastore_version_id;
    in.availability_zone = master->availability_zone;
    in.task = task::kBuilding;
    in.slave_of = master->id;
    db::Operation op = new_operation(ctx.tenant_id(), "instance.create", "instance", in.id);
    proto::InstanceCreateInput input;
    input.set_replica_of(master->id);
    input.set_backup_key(backup_key);
    op.input = common::proto_json::encode(input);
    batch.emplace_back(std::move(in), std::move(op));
  }
  const db::QuotaCharge quota = instances_charge(services_, req.count, master->volume_size_gb,
                                                 flavor_ram_mb(services_, master->flavor_id));
  if (!services_.instances->create_replicas(master->id, batch, quota)) {
    throw common::conflict("instance " + master->id +
                           " changed while the replicas were being created; retry");
  }
  json views = json::array();
  json ops = json::array();
  for (const auto& [in, op] : batch) {
    common::log::info(
        "replica.create.accepted",
        {{"tenant", ctx.tenant_id()}, {"instance", in.id}, {"master", master->id}, {"op", op.id}});
    publish_task(services_, op.id);
    const auto stored = services_.instances->find(ctx.tenant_id(), in.id);
    views.push_back(instance_view(stored.value_or(in), ctx.links));
    ops.push_back(operation_ref(op));
  }
  return accepted({{"instance", views[0]}, {"instances", views}, {"operations", ops}},
                  batch.front().second);
}

Response ReplicasHandler::update(const RequestContext& ctx, const std::string& id) const {
  const json doc = ctx.body();
  return start(ctx, id, parse_instance_update(doc));
}

Response ReplicasHandler::action(const RequestContext& ctx, const std::string& id) const {
  const json doc = ctx.body();
  return start(ctx, id, parse_instance_action(doc));
}

Response ReplicasHandler::start(const RequestContext& ctx, const std::string& id,
                                InstanceAction action) const {
  const db::Instance inst = require(services_, ctx, id);
  check_allowed(inst, action);
  const ActionSpec spec = spec_of(action);
  const db::Operation op = new_operation(ctx.tenant_id(), spec.operation, "instance", id);
  if (!services_.instances->start_operation(id, spec.task, {task::kNone}, op)) {
    const auto now = services_.instances->find(ctx.tenant_id(), id);
    if (!now) throw common::not_found("instance " + common::excerpt(id) + " was not found");
    throw common::Error(common::ErrorCode::kUnprocessable,
                        "cannot " + std::string(spec.verb) + " instance " + id + " while it is " +
                            now->task + "; wait until its current task finishes");
  }
  common::log::info(
      "instance.action.accepted",
      {{"tenant", ctx.tenant_id()}, {"instance", id}, {"op", op.id}, {"type", spec.operation}});
  publish_task(services_, op.id);
  return accepted(json::object(), op);
}

}  // namespace automat::api
