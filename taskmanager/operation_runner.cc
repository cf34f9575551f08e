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

OperationRunner::OperationRunner(Services& services, WorkflowLookup lookup, RunnerOptions options,
                                 common::StopSignal& stop)
    : services_(services), lookup_(std::move(lookup)), options_(std::move(options)), stop_(stop) {}

std::unique_ptr<OperationRunner::Run> OperationRunner::start(db::Operation op) {
  auto r = std::unique_ptr<Run>(new Run(*this, std::move(op)));
  try {
    // Renewed from the claim on, also while the run waits for a worker.
    r->keeper_ = std::make_unique<LeaseKeeper>(*services_.operations, r->op_.id, options_.owner,
                                               options_.lease, lease_timer());
  } catch (const std::exception&) {
    // begin() tries again, and abandons the run when it cannot.
  }
  return r;
}

OperationRunner::Outcome OperationRunner::run(db::Operation op) {
  auto r = start(std::move(op));
  // A stop requested during the pause is seen by the next advance().
  while (!r->advance()) options_.pause(stop_, r->retry_in());
  return r->outcome();
}

bool OperationRunner::Run::advance() {
  if (outcome_) return true;
  try {
    if (!begun_) outcome_ = runner_.begin(*this);
    if (!outcome_) outcome_ = runner_.advance_steps(*this);
  } catch (const std::exception& e) {
    // The database (or something under the steps) failed outside a step:
    // leave the cursor where it is; the operation resumes later.
    if (keeper_) keeper_->stop();
    outcome_ = runner_.abandon(op_, nullptr, e.what());
  }
  return outcome_.has_value();
}

std::optional<OperationRunner::Outcome> OperationRunner::begin(Run& r) {
  db::Operation& op = r.op_;
  if (!r.keeper_) {
    r.keeper_ = std::make_unique<LeaseKeeper>(*services_.operations, op.id, options_.owner,
                                              options_.lease, lease_timer());
  }
  LeaseKeeper& keeper = *r.keeper_;
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
  } else if (op.resource_type == "backup" && services_.backups) {
    // A backup's workflow is its datastore's, as recorded with the backup.
    auto backup = services_.backups->find_any(op.resource_id);
    if (!backup) {
      if (op.type == "backup.delete") return complete(op, keeper, "the backup is deleted");
      return fail(
          op, nullptr, keeper,
          StepResult::failed(op.resource_id, "backup " + op.resource_id + " no longer exists"));
    }
    version_id = backup->datastore_version_id;
  } else {
    return fail(op, nullptr, keeper,
                StepResult::failed(op.resource_id, "operations on " + op.resource_type +
                                                       " resources are not supported"));
  }
  auto version = services_.catalog->find_version_by_id(version_id);
  r.factory_ = version ? lookup_(version->manager) : nullptr;
  if (!r.factory_) {
    const std::string why =
        version ? "no workflow is registered for datastore manager '" + version->manager + "'"
                : "the datastore version of " + op.resource_type + " " + op.resource_id +
                      " no longer exists";
    return fail(op, nullptr, keeper, StepResult::failed(op.resource_id, why));
  }
  try {
    r.steps_ = r.factory_->steps_for(op);
  } catch (const common::Error& e) {
    return fail(op, r.factory_.get(), keeper, StepResult::failed(op.resource_id, e.what()));
  }
  const int total = r.total();
  const int index = std::clamp(op.step, 0, total);
  // Also proves the lease is still ours before anything runs.
  if (!save(r, index, index < total ? r.steps_[index]->description() : "all steps done")) {
    return Outcome::kLeaseLost;
  }
  r.begun_ = true;
  return std::nullopt;
}

std::optional<OperationRunner::Outcome> OperationRunner::advance_steps(Run& r) {
  db::Operation& op = r.op_;
  LeaseKeeper& keeper = *r.keeper_;
  const int total = r.total();
  while (op.step < total) {
    if (stop_.requested()) return abandon(op, &keeper, "the taskmanager is stopping");
    if (keeper.lost()) return Outcome::kLeaseLost;
    const int index = op.step;
    Step& step = *r.steps_[index];
    if (!r.step_begun_) {
      r.step_begun_ = true;
      r.step_started_ = options_.now();
      common::log::info("operation.step_started",
                        {{"op", op.id}, {"instance", op.resource_id}, {"step", step.name()}});
    }
    StepResult last;
    try {
      last = run_once(step, op);
    } catch (const LeaseLost&) {
      keeper.mark_lost();
      common::log::warn("operation.lease_lost",
                        {{"op", op.id}, {"owner", options_.owner}, {"step", step.name()}});
      return Outcome::kLeaseLost;
    }
    if (last.kind == StepResult::Kind::kFailed) return fail(op, r.factory_.get(), keeper, last);
    if (last.kind == StepResult::Kind::kRetry) {
      if (options_.now() - r.step_started_ >= step.timeout()) {
        return fail(op, r.factory_.get(), keeper,
                    StepResult::failed(op.resource_id, step.name() + " timed out after " +
                                                           seconds_text(step.timeout()) + ": " +
                                                           last.message));
      }
      if (!save(r, index, last.message, last.step_progress)) return Outcome::kLeaseLost;
      r.retry_in_ = std::max(last.retry_after, kMinRetryWait);
      return std::nullopt;
    }
    common::log::info("operation.step_done",
                      {{"op", op.id}, {"instance", op.resource_id}, {"step", step.name()}});
    r.step_begun_ = false;
    const int next = index + 1;
    if (!save(r, next, next < total ? r.steps_[next]->description() : "all steps done")) {
      return Outcome::kLeaseLost;
    }
  }
  return complete(op, keeper, "completed");
}

void save_record(StepContext& ctx) {
  const db::Operation& op = ctx.operation;
  if (!ctx.services.operations->save_record(op.id, op.owner.value_or(""), op.input,
                                            op.checkpoint)) {
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

bool OperationRunner::save(Run& r, int index, const std::string& message, double step_done) {
  LeaseKeeper& keeper = *r.keeper_;
  if (keeper.lost()) return false;
  const int total = r.total();
  const std::string name = index < total ? r.steps_[index]->name() : "done";
  const double within = index < total ? std::clamp(step_done, 0.0, 1.0) : 0.0;
  const double progress = total == 0 ? 1.0 : (static_cast<double>(index) + within) / total;
  if (!services_.operations->save_progress(r.op_.id, options_.owner, index, name, progress,
                                           message)) {
    keeper.mark_lost();
    common::log::warn("operation.lease_lost", {{"op", r.op_.id}, {"owner", options_.owner}});
    return false;
  }
  r.op_.step = index;
  r.op_.step_name = name;
  r.op_.progress = progress;
  r.op_.message = message;
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
