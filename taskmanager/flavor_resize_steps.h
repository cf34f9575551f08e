#pragma once
// Moving a standalone instance to another flavor, for any datastore whose
// guest can change its memory (DatastoreManager::resize):
//   instance.resize_flavor  input InstanceResizeFlavorInput; task RESIZE
// (proto/automat/operations.proto). The steps, in order: the server's guest
// config gets the new RAM (so a restarted guest keeps it), the guest
// restarts the datastore with settings derived from it as a job polled
// without holding a worker, the new flavor is recorded on the instance row;
// the datastore's workflow then waits for RUNNING and marks it active. Each
// observes real state first, so a resumed step simply runs again.
#include <string>

#include "taskmanager/instance_steps.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

// Rewrites the server's record of the instance (ComputeDriver::create on its
// running server) with the input's RAM.
class ApplyFlavorToServerStep : public InstanceStep {
 public:
  std::string name() const override { return "apply-flavor-to-server"; }
  std::string description() const override { return "giving the server the new flavor"; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// Asks the guest to restart the datastore with the input's RAM (the guest
// job guest_job_key(op, "resize", instance)) and looks at the job again on
// each run until it ends; its failure fails the operation naming the host.
class RestartWithFlavorStep : public InstanceStep {
 public:
  explicit RestartWithFlavorStep(DatastoreLabel label) : label_(std::move(label)) {}
  std::string name() const override { return "restart-with-flavor"; }
  std::string description() const override {
    return "restarting " + label_.name + " with the new flavor's memory";
  }
  std::chrono::seconds timeout() const override { return std::chrono::seconds(600); }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;

 private:
  DatastoreLabel label_;
};

// Records the input's flavor on the instance row.
class RecordFlavorStep : public InstanceStep {
 public:
  std::string name() const override { return "record-flavor"; }
  std::string description() const override { return "recording the new flavor"; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// A failed instance.resize_flavor: the server's record goes back to the old
// flavor's RAM (the guest already restarted the datastore with its old
// settings); the instance row keeps its old flavor. Logs, never throws, when
// the driver refuses. Idempotent; a deleted instance is left alone.
void flavor_resize_failed(Services& services, const db::Operation& op);

}  // namespace automat::taskmanager
