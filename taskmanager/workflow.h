#pragma once
// Workflows: an operation is a list of small, idempotent steps (in the manner
// of cass-operator's reconcile checks). Each step observes real state before
// acting, so running it twice is harmless; the runner saves the cursor after
// every step, so a taskmanager killed mid-way resumes where it stopped.
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/config.h"
#include "compute/compute_driver.h"
#include "db/backup_repository.h"
#include "db/models.h"
#include "db/repositories.h"
#include "guestclient/guest_client.h"
#include "storage/storage_settings.h"

namespace automat::taskmanager {

// What a step answers.
struct StepResult {
  enum class Kind { kNext, kRetry, kFailed };
  Kind kind = Kind::kNext;
  std::chrono::milliseconds retry_after{0};
  std::string host;     // which host failed (instance id or address)
  std::string message;  // for kRetry: what it is waiting for; for kFailed: why

  static StepResult next() { return {}; }
  // kRetry: how much of this step is done (0..1), when the step can tell
  // (a backup's bytes streamed); the operation's progress counts it.
  double step_progress = 0;
  static StepResult retry(std::chrono::milliseconds after, std::string waiting_for,
                          double step_progress = 0) {
    return {Kind::kRetry, after, "", std::move(waiting_for), step_progress};
  }
  static StepResult failed(std::string host, std::string why) {
    return {Kind::kFailed, std::chrono::milliseconds{0}, std::move(host), std::move(why)};
  }
};

// The collaborators a step may use. Owned by the taskmanager; outlive steps.
struct Services {
  const common::Config* config = nullptr;
  db::InstanceRepository* instances = nullptr;
  db::OperationRepository* operations = nullptr;
  db::CatalogRepository* catalog = nullptr;
  compute::ComputeDriver* compute = nullptr;
  guestclient::GuestClientFactory* guests = nullptr;
  db::ClusterRepository* clusters = nullptr;  // for "cluster" operations
  // Backups: their rows (for "backup" operations and restores) and where
  // their objects live ([backup_storage]); null when not configured.
  db::BackupRepository* backups = nullptr;
  const storage::BackupStorageSettings* backup_storage = nullptr;
};

struct StepContext {
  Services& services;
  db::Operation& operation;  // its input/checkpoint: through operation_data.h
};

// Thrown by save_record when this taskmanager no longer owns the operation
// (another one took it over after the lease lapsed). The runner stops the
// operation there, as when saving the cursor fails; it is not a failure.
class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Persists ctx.operation's input and checkpoint while the operation's owner
// (the claimer, ctx.operation.owner) still holds it; throws LeaseLost
// otherwise, so a taskmanager that lost its lease never writes over its
// successor's record. Steps call it through operation_data.h.
void save_record(StepContext& ctx);

class Step {
 public:
  virtual ~Step() = default;
  // Short, stable name shown as the operation's step ("allocate-server").
  virtual std::string name() const = 0;
  // A human line shown while this step runs ("starting MariaDB").
  virtual std::string description() const = 0;
  // Longest time the step may keep answering kRetry before the runner fails
  // the operation with the step's last waiting message.
  virtual std::chrono::seconds timeout() const { return std::chrono::seconds(300); }
  virtual StepResult run(StepContext& ctx) = 0;
};

using StepList = std::vector<std::unique_ptr<Step>>;

// One datastore's workflows (its taskmanager face). Registered by manager
// name in datastores/workflow_registry.cc.
class WorkflowFactory {
 public:
  virtual ~WorkflowFactory() = default;
  // The steps for `op.type` ("instance.create", "instance.delete", ...).
  // Throws common::Error(kNotImplemented) for a type it does not handle.
  virtual StepList steps_for(const db::Operation& op) = 0;
  // What to do when the operation FAILED (e.g. set the instance's task to
  // BUILDING_ERROR and its fault). Must be idempotent.
  virtual void on_failure(Services& services, const db::Operation& op,
                          const std::string& message) = 0;
};

}  // namespace automat::taskmanager
