#include "taskmanager/operation_runner.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "taskmanager/instance_steps.h"

namespace automat::taskmanager {
namespace {

constexpr std::chrono::milliseconds kMinRetryWait{10};

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

}  // namespace

struct OperationRunner::Progress {
  db::Operation& op;
  WorkflowFactory& factory;
  StepList steps;
  LeaseKeeper& keeper;

  int total() const { return static_cast<int>(steps.size()); }
};

OperationRunner::OperationRunner(Services& services, WorkflowLookup lookup, RunnerOptions options,
                                 common::StopSignal& stop)
    : services_(services), lookup_(std::move(lookup)), options_(std::move(options)), stop_(stop) {}

OperationRunner::Outcome OperationRunner::run(db::Operation op) {
  try {
    return run_workflow(op);
  } catch (const std::exception& e) {
    // The database (or something under the steps) failed outside a step:
    // leave the cursor where it is; the operation resumes later.
    return abandon(op, nullptr, e.what());
  }
}

OperationRunner::Outcome OperationRunner::run_workflow(db::Operation& op) {
  LeaseKeeper keeper(*services_.operations, op.id, options_.owner, options_.lease);
  common::log::info("operation.started", {{"op", op.id},
                                          {"type", op.type},
                                          {"instance", op.resource_id},
                                          {"step", std::to_string(op.step)}});
  std::string version_id;
  if (op.resource_type == "instance") {
    auto instance = services_.instances->find_any(op.resource_id);
    if (!instance) {
      if (op.type == "instance.delete") return complete(op, keeper, "the instance is deleted");
      return fail(
          op, nullptr, keeper,
          StepResult::failed(op.resource_id, "instance " + op.resource_id + " no longer exists"));
    }
    version_id = instance->datastore_version_id;
  } else if (op.resource_type == "cluster" && services_.clusters) {
    auto cluster = services_.clusters->find_any(op.resource_id);
    if (!cluster) {
      if (op.type == "cluster.delete") return complete(op, keeper, "the cluster is deleted");
      return fail(
          op, nullptr, keeper,
          StepResult::failed(op.resource_id, "cluster " + op.resource_id + " no longer exists"));
    }
    version_id = cluster->datastore_version_id;
  } else {
    return fail(op, nullptr, keeper,
                StepResult::failed(op.resource_id, "operations on " + op.resource_type +
                                                       " resources are not supported"));
  }
  auto version = services_.catalog->find_version_by_id(version_id);
  auto factory = version ? lookup_(version->manager) : nullptr;
  if (!factory) {
    const std::string why =
        version ? "no workflow is registered for datastore manager '" + version->manager + "'"
                : "the datastore version of " + op.resource_type + " " + op.resource_id +
                      " no longer exists";
    return fail(op, nullptr, keeper, StepResult::failed(op.resource_id, why));
  }
  StepList steps;
  try {
    steps = factory->steps_for(op);
  } catch (const common::Error& e) {
    return fail(op, factory.get(), keeper, StepResult::failed(op.resource_id, e.what()));
  }
  Progress p{op, *factory, std::move(steps), keeper};
  return run_steps(p);
}

OperationRunner::Outcome OperationRunner::run_steps(Progress& p) {
  const int total = p.total();
  int index = std::clamp(p.op.step, 0, total);
  // Also proves the lease is still ours before anything runs.
  if (!save(p, index, index < total ? p.steps[index]->description() : "all steps done")) {
    return Outcome::kLeaseLost;
  }
  for (; index < total; ++index) {
    StepResult last;
    switch (run_step(p, index, last)) {
      case StepEnd::kFailed:
        return fail(p.op, &p.factory, p.keeper, last);
      case StepEnd::kLeaseLost:
        return Outcome::kLeaseLost;
      case StepEnd::kStopped:
        return abandon(p.op, &p.keeper, "the taskmanager is stopping");
      case StepEnd::kNext:
        break;
    }
    const int next = index + 1;
    const std::string message = next < total ? p.steps[next]->description() : "all steps done";
    if (!save(p, next, message)) return Outcome::kLeaseLost;
  }
  return complete(p.op, p.keeper, "completed");
}

OperationRunner::StepEnd OperationRunner::run_step(Progress& p, int index, StepResult& last) {
  Step& step = *p.steps[index];
  const auto started = options_.now();
  common::log::info("operation.step_started",
                    {{"op", p.op.id}, {"instance", p.op.resource_id}, {"step", step.name()}});
  while (true) {
    if (stop_.requested()) return StepEnd::kStopped;
    if (p.keeper.lost()) return StepEnd::kLeaseLost;
    try {
      last = run_once(step, p.op);
    } catch (const LeaseLost&) {
      p.keeper.mark_lost();
      common::log::warn("operation.lease_lost",
                        {{"op", p.op.id}, {"owner", options_.owner}, {"step", step.name()}});
      return StepEnd::kLeaseLost;
    }
    if (last.kind == StepResult::Kind::kNext) {
      common::log::info("operation.step_done",
                        {{"op", p.op.id}, {"instance", p.op.resource_id}, {"step", step.name()}});
      return StepEnd::kNext;
    }
    if (last.kind == StepResult::Kind::kFailed) return StepEnd::kFailed;
    if (options_.now() - started >= step.timeout()) {
      last = StepResult::failed(
          p.op.resource_id,
          step.name() + " timed out after " + seconds_text(step.timeout()) + ": " + last.message);
      return StepEnd::kFailed;
    }
    if (!save(p, index, last.message)) return StepEnd::kLeaseLost;
    if (options_.pause(stop_, std::max(last.retry_after, kMinRetryWait))) return StepEnd::kStopped;
  }
}

void save_params(StepContext& ctx) {
  const db::Operation& op = ctx.operation;
  if (!ctx.services.operations->save_params(op.id, op.owner.value_or(""), op.params)) {
    throw LeaseLost("operation " + op.id + " is no longer held by " + op.owner.value_or("anyone"));
  }
}

StepResult OperationRunner::run_once(Step& step, db::Operation& op) {
  StepContext ctx{services_, op};
  try {
    return step.run(ctx);
  } catch (const LeaseLost&) {
    throw;  // run_step stops the operation
  } catch (const db::DatabaseUnavailable&) {
    // Not the step's fault: the operation is let go and resumes from its
    // cursor once the database is back (see run()).
    throw;
  } catch (const common::Error& e) {
    return StepResult::failed(op.resource_id, e.what());
  } catch (const std::exception& e) {
    return StepResult::failed(op.resource_id, step.name() + " failed unexpectedly: " + e.what());
  }
}

bool OperationRunner::save(Progress& p, int index, const std::string& message) {
  if (p.keeper.lost()) return false;
  const int total = p.total();
  const std::string name = index < total ? p.steps[index]->name() : "done";
  const double progress = total == 0 ? 1.0 : static_cast<double>(index) / total;
  if (!services_.operations->save_progress(p.op.id, options_.owner, index, name, progress,
                                           message)) {
    p.keeper.mark_lost();
    common::log::warn("operation.lease_lost", {{"op", p.op.id}, {"owner", options_.owner}});
    return false;
  }
  p.op.step = index;
  p.op.step_name = name;
  p.op.progress = progress;
  p.op.message = message;
  return true;
}

bool OperationRunner::still_held(const db::Operation& op, LeaseKeeper& keeper) {
  if (keeper.renew_now()) return true;
  common::log::warn("operation.lease_lost", {{"op", op.id}, {"owner", options_.owner}});
  return false;
}

OperationRunner::Outcome OperationRunner::fail(db::Operation& op, WorkflowFactory* factory,
                                               LeaseKeeper& keeper, const StepResult& why) {
  if (!still_held(op, keeper)) return Outcome::kLeaseLost;
  const std::string host = why.host.empty() ? op.resource_id : why.host;
  common::log::warn("operation.failed", {{"op", op.id},
                                         {"instance", op.resource_id},
                                         {"step", op.step_name},
                                         {"host", host},
                                         {"message", why.message}});
  if (factory) {
    factory->on_failure(services_, op, why.message);
  } else {
    mark_instance_operation_failed(services_, op, why.message);
  }
  keeper.stop();
  services_.operations->finish(op.id, options_.owner, common::op_state::kFailed,
                               {db::HostError{host, why.message}}, why.message);
  return Outcome::kFailed;
}

OperationRunner::Outcome OperationRunner::complete(db::Operation& op, LeaseKeeper& keeper,
                                                   const std::string& message) {
  if (!still_held(op, keeper)) return Outcome::kLeaseLost;
  keeper.stop();
  services_.operations->finish(op.id, options_.owner, common::op_state::kCompleted, {}, message);
  common::log::info("operation.completed",
                    {{"op", op.id}, {"type", op.type}, {"instance", op.resource_id}});
  return Outcome::kCompleted;
}

OperationRunner::Outcome OperationRunner::abandon(const db::Operation& op, LeaseKeeper* keeper,
                                                  const std::string& why) {
  if (keeper) {
    if (keeper->lost()) return Outcome::kLeaseLost;
    keeper->stop();
  }
  common::log::warn("operation.abandoned",
                    {{"op", op.id}, {"instance", op.resource_id}, {"reason", why}});
  try {
    // A zero-length lease lapses at once: whoever scans next resumes it.
    services_.operations->renew_lease(op.id, options_.owner, std::chrono::seconds(0));
  } catch (const std::exception&) {
    // The lease lapses by itself.
  }
  return Outcome::kAbandoned;
}

}  // namespace automat::taskmanager
