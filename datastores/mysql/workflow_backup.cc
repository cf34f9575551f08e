#include "datastores/mysql/workflow_backup.h"

#include <algorithm>
#include <sstream>

#include "automat/backup.pb.h"
#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"
#include "datastores/mysql/mysql_guest.pb.h"
#include "datastores/mysql/workflow_mysql_guest.h"
#include "storage/storage_target.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"

namespace automat::datastores::mysql {
namespace {

using namespace std::chrono_literals;
using taskmanager::GuestJobState;
using taskmanager::Services;
using taskmanager::Step;
using taskmanager::StepContext;
using taskmanager::StepResult;

constexpr int kMaxChain = 64;  // links from an incremental backup to its full one
const std::string kManifest = "manifest.json";

db::Backup require_backup(StepContext& ctx) {
  auto backup = ctx.services.backups ? ctx.services.backups->find_any(ctx.operation.resource_id)
                                     : std::nullopt;
  if (!backup) throw common::not_found("backup " + ctx.operation.resource_id + " no longer exists");
  return *backup;
}

const storage::BackupStorageSettings& storage_settings(const Services& services) {
  if (!services.backup_storage) {
    throw common::internal_error("this taskmanager has no [backup_storage]");
  }
  return *services.backup_storage;
}

storage::BackupStoragePtr open_storage(const Services& services) {
  return storage::make_backup_storage(storage_settings(services));
}

// The instance leaves BACKUP (it is ACTIVE again) once its backup ended.
void release_instance(Services& services, const std::optional<std::string>& instance) {
  if (!instance) return;
  auto row = services.instances->find_any(*instance);
  if (row && row->task == common::task::kBackup) {
    services.instances->set_task(row->id, common::task::kNone);
  }
}

// The to_lsn its manifest gave the parent (the incremental starts there).
std::string parent_to_lsn(const db::Backup& parent) {
  const auto facts = common::proto_json::decode<proto::mysql::BackupFacts>(
      parent.facts, "the facts of backup " + parent.id);
  if (facts.to_lsn().empty()) {
    throw common::conflict("backup " + parent.id + " records no LSN to continue from");
  }
  return facts.to_lsn();
}

// The guest streams the backup into the storage as a job; this step starts
// it and follows its progress. The manifest is the guest's last write.
class StoreBackupStep : public Step {
 public:
  std::string name() const override { return "store-backup"; }
  std::string description() const override { return "streaming the backup to the storage"; }
  std::chrono::seconds timeout() const override { return 6h; }

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx);
    if (backup.status == db::backup_status::kCompleted) return StepResult::next();
    const std::string instance = backup.instance_id.value_or("");
    proto::mysql::StoreBackupJob job;
    *job.mutable_storage() = storage::to_target(storage_settings(ctx.services));
    job.set_prefix(backup.location);
    job.set_backup_id(backup.id);
    job.set_datastore_version(backup.datastore_version_name);
    if (backup.parent_id) {
      auto parent = ctx.services.backups->find_any(*backup.parent_id);
      if (!parent || parent->status != db::backup_status::kCompleted) {
        return StepResult::failed(instance, "the parent backup " + *backup.parent_id +
                                                " is no longer a COMPLETED backup");
      }
      job.set_parent_id(parent->id);
      job.set_from_lsn(parent_to_lsn(*parent));
    }
    if (backup.status == db::backup_status::kNew) {
      ctx.services.backups->set_status(backup.id, db::backup_status::kBuilding, std::nullopt);
    }
    GuestJobState state;
    // A backup streams the whole data dir: hours for the largest volumes.
    const taskmanager::JobFollow follow{
        {instance, "streaming the backup", taskmanager::Repeat::kIdempotent, 5s, ""},
        2s,
        "streaming the backup",
        std::chrono::hours(12)};
    if (auto pending = taskmanager::follow_guest_job(
            [&] {
              return taskmanager::drive_guest_job(
                  ctx, instance, taskmanager::guest_job_key(ctx.operation.id, "backup", instance),
                  [&](const std::string& key) {
                    job.set_key(key);
                    return mysql_guest(ctx, instance).start_store_backup(job, 30s);
                  });
            },
            follow, state)) {
      return *pending;
    }
    if (state.kind == GuestJobState::Kind::kFailed) {
      return StepResult::failed(instance, "the backup failed: " + state.message);
    }
    return StepResult::next();
  }
};

// Reads the manifest back (the backup is whole only once it exists) and
// records what it says; the instance is ACTIVE again.
class RecordBackupStep : public Step {
 public:
  std::string name() const override { return "record-backup"; }
  std::string description() const override { return "recording the backup's manifest"; }

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx);
    const std::string instance = backup.instance_id.value_or("");
    if (backup.status != db::backup_status::kCompleted) {
      auto storage = open_storage(ctx.services);
      std::ostringstream text;
      try {
        storage->get(backup.location + kManifest, text);
      } catch (const storage::ObjectNotFound&) {
        return StepResult::failed(instance, "the guest finished but the backup's manifest " +
                                                backup.location + kManifest + " is missing");
      }
      const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
      if (doc.is_discarded()) {
        return StepResult::failed(instance, "the manifest " + backup.location + kManifest +
                                                " of backup " + backup.id + " is not JSON");
      }
      const auto manifest = common::proto_json::decode<proto::BackupManifest>(
          doc, "the manifest of backup " + backup.id);
      if (manifest.backup_id() != backup.id) {
        return StepResult::failed(instance, "the manifest under " + backup.location +
                                                " belongs to backup " + manifest.backup_id());
      }
      proto::mysql::BackupFacts facts;
      if (!manifest.datastore_facts().UnpackTo(&facts)) {
        return StepResult::failed(instance,
                                  "the manifest of backup " + backup.id + " holds no MySQL facts");
      }
      ctx.services.backups->complete(backup.id, manifest.size(), manifest.data_size(),
                                     common::proto_json::encode(facts));
      common::log::info("backup.completed", {{"op", ctx.operation.id},
                                             {"backup", backup.id},
                                             {"instance", instance},
                                             {"bytes", std::to_string(manifest.size())},
                                             {"to_lsn", facts.to_lsn()}});
    }
    release_instance(ctx.services, backup.instance_id);
    return StepResult::next();
  }
};

class RemoveBackupObjectsStep : public Step {
 public:
  std::string name() const override { return "remove-backup-objects"; }
  std::string description() const override { return "removing the backup's objects"; }

  StepResult run(StepContext& ctx) override {
    const db::Backup backup = require_backup(ctx);
    if (backup.location.empty()) return StepResult::next();
    auto storage = open_storage(ctx.services);
    // The manifest first: from then on no reader takes the backup as whole.
    storage->remove(backup.location + kManifest);
    const size_t removed = storage->remove_prefix(backup.location);
    common::log::info("backup.objects_removed",
                      {{"backup", backup.id}, {"objects", std::to_string(removed)}});
    return StepResult::next();
  }
};

class MarkBackupDeletedStep : public Step {
 public:
  std::string name() const override { return "mark-backup-deleted"; }
  std::string description() const override { return "marking the backup deleted"; }

  StepResult run(StepContext& ctx) override {
    ctx.services.backups->mark_deleted(ctx.operation.resource_id);
    return StepResult::next();
  }
};

}  // namespace

void add_backup_create_steps(taskmanager::StepList& steps) {
  steps.push_back(std::make_unique<StoreBackupStep>());
  steps.push_back(std::make_unique<RecordBackupStep>());
}

void add_backup_delete_steps(taskmanager::StepList& steps) {
  steps.push_back(std::make_unique<RemoveBackupObjectsStep>());
  steps.push_back(std::make_unique<MarkBackupDeletedStep>());
}

void backup_operation_failed(Services& services, const db::Operation& op,
                             const std::string& message) {
  if (!services.backups) return;
  auto backup = services.backups->find_any(op.resource_id);
  if (!backup) return;
  if (op.type == "backup.delete") {
    services.backups->set_status(backup->id, db::backup_status::kDeleteFailed, message);
    return;
  }
  if (backup->status == db::backup_status::kCompleted) return;
  services.backups->set_status(backup->id, db::backup_status::kFailed, message);
  // A failed backup leaves nothing behind in the storage.
  try {
    if (!backup->location.empty()) open_storage(services)->remove_prefix(backup->location);
  } catch (const std::exception& e) {
    common::log::warn("backup.cleanup_failed", {{"backup", backup->id}, {"error", e.what()}});
  }
  release_instance(services, backup->instance_id);
}

google::protobuf::Any restore_settings(StepContext& ctx) {
  const auto input = taskmanager::input_of<proto::InstanceCreateInput>(ctx.operation);
  google::protobuf::Any any;
  if (input.restore_backup_id().empty()) return any;
  if (!ctx.services.backups) {
    throw common::internal_error("this taskmanager keeps no backups to restore from");
  }
  std::vector<db::Backup> chain;
  std::optional<std::string> next = input.restore_backup_id();
  while (next) {
    if (chain.size() >= kMaxChain) {
      throw common::conflict("the chain of backup " + input.restore_backup_id() +
                             " is longer than " + std::to_string(kMaxChain));
    }
    auto b = ctx.services.backups->find_any(*next);
    if (!b || b->status != db::backup_status::kCompleted) {
      throw common::conflict("backup " + *next + " of the restore chain is no longer COMPLETED");
    }
    next = b->parent_id;
    chain.push_back(std::move(*b));
  }
  std::reverse(chain.begin(), chain.end());
  proto::mysql::PrepareSettings settings;
  *settings.mutable_storage() = storage::to_target(storage_settings(ctx.services));
  for (const auto& b : chain) {
    auto* link = settings.add_restore_chain();
    link->set_prefix(b.location);
    link->set_incremental(b.parent_id.has_value());
  }
  any.PackFrom(settings);
  return any;
}

}  // namespace automat::datastores::mysql
