// automat backup create | list | show | delete (and schedule: commands_backup_schedule.cc)
#include <memory>

#include "cli/backup_request.h"
#include "cli/backup_views.h"
#include "cli/backup_wait.h"
#include "cli/cluster_lookup.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"
#include "cli/operation_wait.h"

namespace automat::cli {
namespace {

int create_backup(Session& session, const CreateBackupArgs& args) {
  ApiClient api = session.api();
  Accepted accepted = api.post("/backups", create_backup_request(args));
  nlohmann::json backup = field_json(accepted.body, "backup");
  if (!args.wait) {
    session.print(accepted.body, backup_table(backup));
    return 0;
  }
  std::string id = field_text(backup, "id");
  if (id.empty()) {
    throw common::Error(common::ErrorCode::kInternal,
                        "the server accepted the backup but sent no backup id to wait on");
  }
  return wait_for_backup(session, api, id);
}

int list_backups(Session& session, const std::string& instance, const std::string& datastore,
                 const std::string& cluster) {
  ApiClient api = session.api();
  std::string instance_id = instance.empty() ? "" : resolve_instance(api, instance);
  std::string cluster_id = cluster.empty() ? "" : resolve_cluster(api, cluster);
  nlohmann::json backups =
      api.get_list(backup_list_path(instance_id, datastore, cluster_id), "backups");
  session.print(backups, backup_list_table(backups));
  return 0;
}

int show_backup(Session& session, const std::string& id) {
  ApiClient api = session.api();
  nlohmann::json backup = field_json(api.get(backup_path(id)), "backup");
  session.print(backup, backup_table(backup));
  return 0;
}

int delete_backup(Session& session, const std::string& id, bool wait) {
  ApiClient api = session.api();
  nlohmann::json before = wait ? field_json(api.get(backup_path(id)), "backup") : nullptr;
  Accepted accepted = api.remove(backup_path(id));
  if (!wait) {
    print_accepted(session, accepted, "delete backup " + id);
    return 0;
  }
  return wait_for_backup_deleted(session, api, id, before);
}

void add_backup_create(CLI::App& backup, Session& session, CommandSet& commands) {
  auto args = std::make_shared<CreateBackupArgs>();
  CLI::App* create = backup.add_subcommand("create", "Back up an instance");
  create->add_option("name", args->name, "Name of the new backup")->required();
  create->add_option("--instance", args->instance, "The instance to back up (ID or name)")
      ->required();
  create->add_option("--description", args->description, "A description of the backup");
  create->add_flag("--incremental", args->incremental,
                   "Back up only what changed since the parent backup (by default the "
                   "instance's latest COMPLETED backup)");
  create->add_option("--parent", args->parent_id, "The parent backup's ID (implies --incremental)");
  create->add_flag("--wait", args->wait,
                   "Wait until the backup is COMPLETED (exit 0) or FAILED (exit 1), "
                   "showing progress");
  commands.add(create, [&session, args] { return create_backup(session, *args); });
}

void add_backup_list(CLI::App& backup, Session& session, CommandSet& commands) {
  auto instance = std::make_shared<std::string>();
  auto datastore = std::make_shared<std::string>();
  auto cluster = std::make_shared<std::string>();
  CLI::App* list = backup.add_subcommand("list", "List your backups");
  list->add_option("--instance", *instance, "Only the backups of this instance (ID or name)");
  list->add_option("--datastore", *datastore, "Only the backups of this datastore (e.g. mysql)");
  list->add_option("--cluster", *cluster, "Only the backups of this cluster (ID or name)")
      ->excludes("--instance");
  commands.add(list, [&session, instance, datastore, cluster] {
    return list_backups(session, *instance, *datastore, *cluster);
  });
}

void add_backup_delete(CLI::App& backup, Session& session, CommandSet& commands) {
  auto id = std::make_shared<std::string>();
  auto wait = std::make_shared<bool>(false);
  CLI::App* remove = backup.add_subcommand("delete", "Delete a backup");
  remove->add_option("backup", *id, "Backup ID")->required();
  remove->add_flag("--wait", *wait, "Wait until the backup is gone, showing progress");
  commands.add(remove, [&session, id, wait] { return delete_backup(session, *id, *wait); });
}

}  // namespace

void add_backup_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* backup = root.add_subcommand("backup", "Backups of instances and clusters");
  backup->require_subcommand(1);
  add_backup_create(*backup, session, commands);
  add_backup_list(*backup, session, commands);

  auto id = std::make_shared<std::string>();
  CLI::App* show = backup->add_subcommand("show", "Show one backup");
  show->add_option("backup", *id, "Backup ID")->required();
  commands.add(show, [&session, id] { return show_backup(session, *id); });

  add_backup_delete(*backup, session, commands);
  add_backup_schedule_commands(*backup, session, commands);
}

}  // namespace automat::cli
