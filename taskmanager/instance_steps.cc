#include "taskmanager/instance_steps.h"

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"

namespace automat::taskmanager {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kPollInterval{500};
constexpr milliseconds kPingDeadline{2000};
constexpr milliseconds kPreparePoll{500};  // a MySQL prepare ends within seconds

db::Instance require_instance(StepContext& ctx, const std::string& id) {
  auto inst = ctx.services.instances->find_any(id);
  if (!inst) throw common::not_found("instance " + id + " no longer exists");
  return *inst;
}
db::Instance require_instance(StepContext& ctx) {
  return require_instance(ctx, ctx.operation.resource_id);
}

compute::Server require_server(StepContext& ctx, const std::string& id) {
  auto server = ctx.services.compute->find(id);
  if (!server) throw common::internal_error("instance " + id + " has no server");
  return *server;
}
compute::Server require_server(StepContext& ctx) {
  return require_server(ctx, ctx.operation.resource_id);
}

milliseconds config_seconds(StepContext& ctx, const char* key, int fallback) {
  const int s =
      ctx.services.config ? ctx.services.config->get_int("taskmanager", key, fallback) : fallback;
  return std::chrono::duration_cast<milliseconds>(seconds(s));
}

std::string endpoint(const compute::Server& s) {
  return s.address + ":" + std::to_string(s.guest_port);
}

}  // namespace

compute::ServerSpec server_spec(Services& services, const db::Instance& inst) {
  auto version = services.catalog->find_version_by_id(inst.datastore_version_id);
  if (!version)
    throw common::not_found("the datastore version of instance " + inst.id + " is gone");
  auto flavor = services.catalog->find_flavor(inst.flavor_id);
  if (!flavor) throw common::not_found("flavor " + inst.flavor_id + " no longer exists");
  compute::ServerSpec spec;
  spec.instance_id = inst.id;
  spec.manager = version->manager;
  spec.datastore_version = version->name;
  spec.image_location = version->image_location;
  spec.ram_mb = flavor->ram_mb;
  spec.vcpus = flavor->vcpus;
  spec.volume_gb = inst.volume_size_gb;
  spec.availability_zone = inst.availability_zone;
  return spec;
}

StepResult AllocateServerStep::run_on(StepContext& ctx, const std::string& instance_id) {
  const db::Instance inst = require_instance(ctx, instance_id);
  const compute::Server server = ctx.services.compute->create(server_spec(ctx.services, inst));
  if (inst.address != server.address || inst.guest_port != server.guest_port) {
    ctx.services.instances->set_address(inst.id, server.address, server.guest_port);
  }
  common::log::info("instance.server_allocated",
                    {{"op", ctx.operation.id}, {"instance", inst.id}, {"address", server.address}});
  return StepResult::next();
}

StepResult WaitForGuestStep::run_on(StepContext& ctx, const std::string& instance_id) {
  const compute::Server server = require_server(ctx, instance_id);
  if (!ctx.services.compute->guest_running(server.instance_id)) {
    return StepResult::failed(server.address, "the guest agent of instance " + server.instance_id +
                                                  " is not running (it exited; see its log)");
  }
  try {
    auto guest = ctx.services.guests->connect(server);
    const proto::PingReply reply = guest->ping(kPingDeadline);
    if (reply.instance_id() != server.instance_id) {
      return StepResult::failed(server.address, "the guest agent at " + endpoint(server) +
                                                    " answers for instance " + reply.instance_id() +
                                                    ", not " + server.instance_id);
    }
    return StepResult::next();
  } catch (const common::Error& e) {
    return guest_call_failed(
        {server.address, "pinging the guest agent", Repeat::kIdempotent, kPollInterval,
         "waiting for the guest agent at " + endpoint(server) + " to answer"},
        e);
  }
}

StepResult PrepareDatastoreStep::run(StepContext& ctx) {
  db::Operation& op = ctx.operation;
  auto checkpoint = checkpoint_of<proto::InstanceCreateCheckpoint>(op);
  if (checkpoint.prepared()) return StepResult::next();
  const auto input = input_of<proto::InstanceCreateInput>(op);
  const db::Instance inst = require_instance(ctx);
  const compute::Server server = require_server(ctx);
  proto::PrepareRequest req = prepare_request_from(input);
  if (auto flavor = ctx.services.catalog->find_flavor(inst.flavor_id)) {
    req.set_memory_mb(flavor->ram_mb);
  }
  if (settings_) {
    // An empty Any is "no settings": the request then carries none.
    google::protobuf::Any settings = settings_(ctx);
    if (!settings.type_url().empty()) *req.mutable_settings() = std::move(settings);
  }
  // Prepare is a keyed job: asked again once the guest answers. While it
  // runs the guest prepares on its own; the worker is free until the next look.
  GuestJobState job;
  const JobFollow follow{
      {server.address, "preparing " + label_.name, Repeat::kIdempotent, seconds(2),
       "waiting for the guest agent at " + endpoint(server) + " to prepare " + label_.name},
      kPreparePoll,
      "preparing " + label_.name};
  if (auto pending =
          follow_guest_job([&] { return drive_prepare(ctx, inst.id, req); }, follow, job)) {
    return *pending;
  }
  if (job.kind == GuestJobState::Kind::kFailed) {
    return StepResult::failed(server.address, label_.name + " failed to start" +
                                                  (job.message.empty() ? "" : ": " + job.message));
  }
  // The guest has the passwords now; they never stay in the database.
  set_input(op, without_passwords(input));
  checkpoint.set_prepared(true);
  save_checkpoint(ctx, checkpoint);
  common::log::info("instance.prepared", {{"op", op.id}, {"instance", inst.id}});
  return StepResult::next();
}

StepResult WaitForRunningStep::run(StepContext& ctx) {
  const db::Instance inst = require_instance(ctx);
  const std::string& status = inst.service_status;
  if (status == common::service_status::kRunning) return StepResult::next();
  if (status == common::service_status::kFailed) {
    std::string reason;
    try {
      auto guest = ctx.services.guests->connect(require_server(ctx));
      reason = guest->get_status(config_seconds(ctx, "guest_call_timeout", 15)).report().fault();
    } catch (const common::Error&) {
      // The status alone says enough.
    }
    return StepResult::failed(inst.address.value_or(inst.id),
                              label_.name + " failed: the guest reports status FAILED" +
                                  (reason.empty() ? "" : " (" + reason + ")"));
  }
  return StepResult::retry(kPollInterval, "waiting for " + label_.name +
                                              " to report RUNNING (now " +
                                              (status.empty() ? "unknown" : status) + ")");
}

StepResult MarkActiveStep::run_on(StepContext& ctx, const std::string& id) {
  ctx.services.instances->set_task(id, common::task::kNone);
  ctx.services.instances->set_fault(id, std::nullopt);
  return StepResult::next();
}

void mark_instance_operation_failed(Services& services, const db::Operation& op,
                                    const std::string& message) {
  if (op.resource_type != "instance" || !services.instances->find_any(op.resource_id)) return;
  services.instances->set_fault(op.resource_id, message);
  services.instances->set_task(op.resource_id, op.type == "instance.create"
                                                   ? common::task::kBuildingError
                                                   : common::task::kNone);
}

proto::InstanceCreateInput without_passwords(proto::InstanceCreateInput input) {
  for (auto& user : *input.mutable_users()) user.clear_password();
  return input;
}

proto::PrepareRequest prepare_request_from(const proto::InstanceCreateInput& input) {
  proto::PrepareRequest req;
  *req.mutable_databases() = input.databases();
  *req.mutable_users() = input.users();
  for (auto& user : *req.mutable_users()) {
    if (user.host().empty()) user.set_host("%");
  }
  return req;
}

}  // namespace automat::taskmanager
