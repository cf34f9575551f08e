#pragma once
// Shared by the taskmanager unit tests: the collaborators of a runner, all
// fakes (tests/fakes/), plus a workflow whose steps a test scripts.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/crypto.h"
#include "common/stop_signal.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/operation_runner.h"
#include "taskmanager/workflow.h"
#include "tests/fakes/fake_compute_driver.h"
#include "tests/fakes/fake_guest_client.h"
#include "tests/fakes/fake_repositories.h"
#include "tests/fakes/gate.h"

namespace automat::testing {

// The steps a test wants, by name; every run of a step is recorded.
struct Script {
  struct Def {
    std::string name;
    std::function<taskmanager::StepResult(taskmanager::StepContext&)> fn;
    std::chrono::seconds timeout{300};
  };
  std::mutex mu;
  std::vector<Def> defs;
  std::vector<std::string> ran;       // step names, one per run() call
  std::vector<std::string> failures;  // messages given to on_failure

  void add(std::string name, std::function<taskmanager::StepResult(taskmanager::StepContext&)> fn,
           std::chrono::seconds timeout = std::chrono::seconds(300)) {
    defs.push_back({std::move(name), std::move(fn), timeout});
  }
  std::vector<std::string> runs() {
    std::lock_guard<std::mutex> l(mu);
    return ran;
  }
};

class ScriptedStep : public taskmanager::Step {
 public:
  ScriptedStep(Script& script, const Script::Def& def) : script_(script), def_(def) {}
  std::string name() const override { return def_.name; }
  std::string description() const override { return "doing " + def_.name; }
  std::chrono::seconds timeout() const override { return def_.timeout; }
  taskmanager::StepResult run(taskmanager::StepContext& ctx) override {
    {
      std::lock_guard<std::mutex> l(script_.mu);
      script_.ran.push_back(def_.name);
    }
    return def_.fn(ctx);
  }

 private:
  Script& script_;
  Script::Def def_;
};

class ScriptedWorkflow : public taskmanager::WorkflowFactory {
 public:
  explicit ScriptedWorkflow(Script& script) : script_(script) {}
  taskmanager::StepList steps_for(const db::Operation&) override {
    taskmanager::StepList steps;
    for (const auto& def : script_.defs)
      steps.push_back(std::make_unique<ScriptedStep>(script_, def));
    return steps;
  }
  void on_failure(taskmanager::Services& services, const db::Operation& op,
                  const std::string& message) override {
    {
      std::lock_guard<std::mutex> l(script_.mu);
      script_.failures.push_back(message);
    }
    taskmanager::mark_instance_operation_failed(services, op, message);
  }

 private:
  Script& script_;
};

// One taskmanager's collaborators, all in memory.
struct World {
  FakeOperationRepository ops;
  FakeCatalogRepository catalog;
  FakeInstanceRepository instances{&ops, &catalog};
  FakeComputeDriver compute;
  FakeGuestClientFactory guests;
  common::Config config = common::Config::from_string(
      "[DEFAULT]\nguest_secret = s3cret\n[taskmanager]\nguest_call_timeout = 15\n"
      "guest_prepare_timeout = 300\n");
  taskmanager::Services services{&config, &instances, &ops, &catalog, &compute, &guests};
  common::StopSignal stop;
  std::string version_id;
  std::string tenant_id = "tenant-1";

  explicit World(const std::string& manager = "mysql") {
    db::DatastoreVersion v;
    v.name = "10.11";
    v.manager = manager;
    version_id = catalog.register_version("mysql", v, true);
    catalog.upsert_flavor({"1", "m1.tiny", 512, 1, 5});
  }

  // A new instance (task BUILDING) with its create operation (its stored
  // input and checkpoint, proto::InstanceCreateInput/Checkpoint as JSON);
  // returns the op.
  db::Operation create_instance(nlohmann::json input = nlohmann::json::object(),
                                nlohmann::json checkpoint = nlohmann::json::object()) {
    db::Instance inst;
    inst.id = common::crypto::uuid4();
    inst.tenant_id = tenant_id;
    inst.name = "db1";
    inst.flavor_id = "1";
    inst.volume_size_gb = 1;
    inst.datastore_version_id = version_id;
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = tenant_id;
    op.type = "instance.create";
    op.resource_type = "instance";
    op.resource_id = inst.id;
    op.input = std::move(input);
    op.checkpoint = std::move(checkpoint);
    instances.create_with_operation(inst, op);
    return op;
  }

  // A delete operation of `instance_id` (task DELETING).
  db::Operation delete_instance(const std::string& instance_id) {
    db::Operation op;
    op.id = common::crypto::uuid4();
    op.tenant_id = tenant_id;
    op.type = "instance.delete";
    op.resource_type = "instance";
    op.resource_id = instance_id;
    instances.start_operation(instance_id, "DELETING", {}, op);
    return op;
  }

  db::Operation op(const std::string& id) { return *ops.find_any(id); }
  db::Instance instance(const std::string& id) {
    std::lock_guard<std::mutex> l(instances.mu);
    return instances.instances.at(id);
  }
};

}  // namespace automat::testing
