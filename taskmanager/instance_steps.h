#pragma once
// Steps on one instance (the operation's resource, or a cluster's node by
// id through InstanceStep::run_on) that any datastore's workflow can reuse: allocate the server,
// wait for its guest, prepare the datastore, wait until the conductor recorded it RUNNING, mark it
// active; and for delete: stop the datastore, destroy the server, mark it deleted. Each observes
// real state first, so running one twice is harmless.
#include <google/protobuf/any.pb.h>

#include <chrono>
#include <functional>
#include <string>

#include "automat/operations.pb.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

// Human names used in step descriptions and messages ("MariaDB").
struct DatastoreLabel {
  std::string name;
};

// A step on one instance named by its id: the operation's own resource
// when it runs as a step of an instance operation, or any node of a
// cluster operation (run_on), without copying the operation.
class InstanceStep : public Step {
 public:
  StepResult run(StepContext& ctx) final { return run_on(ctx, ctx.operation.resource_id); }
  virtual StepResult run_on(StepContext& ctx, const std::string& instance_id) = 0;
};

// Creates (or finds) the instance's server and records its address.
class AllocateServerStep : public InstanceStep {
 public:
  std::string name() const override { return "allocate-server"; }
  std::string description() const override { return "allocating the server"; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// Waits until the guest agent answers a ping for this instance.
class WaitForGuestStep : public InstanceStep {
 public:
  std::string name() const override { return "wait-for-guest"; }
  std::string description() const override { return "waiting for the guest agent"; }
  std::chrono::seconds timeout() const override { return std::chrono::seconds(60); }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// Asks the guest to install, start and secure the datastore with the
// databases and users of the operation's input (proto::InstanceCreateInput),
// then removes every password from the stored input. Skipped once done
// (checkpoint proto::InstanceCreateCheckpoint.prepared).
class PrepareDatastoreStep : public Step {
 public:
  // `settings` may give the request the datastore's own settings, packed
  // (PrepareRequest.settings).
  using Settings = std::function<google::protobuf::Any(StepContext&)>;
  explicit PrepareDatastoreStep(DatastoreLabel label, Settings settings = {})
      : label_(std::move(label)), settings_(std::move(settings)) {}
  std::string name() const override { return "prepare-datastore"; }
  std::string description() const override { return "installing and starting " + label_.name; }
  std::chrono::seconds timeout() const override { return std::chrono::seconds(900); }
  StepResult run(StepContext& ctx) override;

 private:
  DatastoreLabel label_;
  Settings settings_;
};

// Waits until the instance's service status (written by the conductor from
// heartbeats) is RUNNING; fails when the guest reports FAILED.
class WaitForRunningStep : public Step {
 public:
  explicit WaitForRunningStep(DatastoreLabel label) : label_(std::move(label)) {}
  std::string name() const override { return "wait-for-running"; }
  std::string description() const override {
    return "waiting for " + label_.name + " to report RUNNING";
  }
  std::chrono::seconds timeout() const override { return std::chrono::seconds(120); }
  StepResult run(StepContext& ctx) override;

 private:
  DatastoreLabel label_;
};

// Task NONE, fault cleared: the user sees ACTIVE.
class MarkActiveStep : public InstanceStep {
 public:
  std::string name() const override { return "mark-active"; }
  std::string description() const override { return "marking the instance active"; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// Asks the guest to stop the datastore gracefully, as the guest job
// guest_job_key(op, "stop", instance) looked at again on each run (a retry
// while it runs: the worker is not held). A stop that fails, is lost, runs
// past two minutes, or a guest that cannot be reached is only logged and
// the step goes on (the server's destruction stops every process anyway).
class StopDatastoreStep : public InstanceStep {
 public:
  explicit StopDatastoreStep(DatastoreLabel label) : label_(std::move(label)) {}
  std::string name() const override { return "stop-datastore"; }
  std::string description() const override { return "stopping " + label_.name; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;

 private:
  DatastoreLabel label_;
};

// Destroys the server (processes, files, address).
class DestroyServerStep : public InstanceStep {
 public:
  std::string name() const override { return "destroy-server"; }
  std::string description() const override { return "destroying the server"; }
  std::chrono::seconds timeout() const override { return std::chrono::seconds(120); }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// Marks the instance deleted; it disappears from every view.
class MarkDeletedStep : public InstanceStep {
 public:
  std::string name() const override { return "mark-deleted"; }
  std::string description() const override { return "removing the instance record"; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// The server the instance's row describes (its datastore version, its
// flavor's RAM and vCPUs, its volume, its zone). Throws common::Error
// (kNotFound) when the version or the flavor is gone.
compute::ServerSpec server_spec(Services& services, const db::Instance& inst);

// What a failed instance operation leaves for the user: the fault message
// and the task (BUILDING_ERROR after a create, NONE otherwise, so a delete
// can be retried). Idempotent; a deleted instance is left alone.
void mark_instance_operation_failed(Services& services, const db::Operation& op,
                                    const std::string& message);

// The input with every user's password removed.
proto::InstanceCreateInput without_passwords(proto::InstanceCreateInput input);

// The PrepareRequest for the databases and users of an instance.create
// (a user without a host gets "%").
proto::PrepareRequest prepare_request_from(const proto::InstanceCreateInput& input);

}  // namespace automat::taskmanager
