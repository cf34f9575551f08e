#pragma once
// The command tree of `automat`. Each add_*_commands() registers its
// subcommands on the root app and the action each runs; run() in app.h
// parses and then runs the one action whose command was given.
#include <CLI/CLI.hpp>
#include <functional>
#include <utility>
#include <vector>

#include "cli/instance_request.h"
#include "cli/session.h"

namespace automat::cli {

class CommandSet {
 public:
  // An action returns the process exit code; it may throw common::Error.
  using Action = std::function<int()>;
  void add(CLI::App* command, Action action) { commands_.emplace_back(command, std::move(action)); }
  // The action of the deepest command that was parsed, or nullptr.
  const Action* parsed() const {
    for (const auto& [command, action] : commands_) {
      if (command->parsed()) return &action;
    }
    return nullptr;
  }

 private:
  std::vector<std::pair<CLI::App*, Action>> commands_;
};

// instance create | list | show | delete | resize, and the replication commands below
void add_instance_commands(CLI::App& root, Session& session, CommandSet& commands);
// instance detach | promote | eject, registered on the `instance` command
void add_replication_commands(CLI::App& instance, Session& session, CommandSet& commands);
// instance create --replica-of: asks for args.replica_count replicas of the
// master (given by ID or name) and, with args.wait, waits for every one of
// their operations. Returns the exit code.
int create_replicas(Session& session, const CreateInstanceArgs& args);
// cluster create | list | show | delete | root-enable | root-show, and the actions below
void add_cluster_commands(CLI::App& root, Session& session, CommandSet& commands);
// cluster grow | shrink | replace-node | resize-volume | resize | cleanup | backup | restore,
// registered on the `cluster` command
void add_cluster_action_commands(CLI::App& cluster, Session& session, CommandSet& commands);
// backup create | list | show | delete (commands_backup.cc)
void add_backup_commands(CLI::App& root, Session& session, CommandSet& commands);
// backup schedule set | show | clear, registered on the `backup` command
// (commands_backup_schedule.cc)
void add_backup_schedule_commands(CLI::App& backup, Session& session, CommandSet& commands);
// datastore list, flavor list
void add_catalog_commands(CLI::App& root, Session& session, CommandSet& commands);
// operation show
void add_operation_commands(CLI::App& root, Session& session, CommandSet& commands);
// limits, quota show | set
void add_quota_commands(CLI::App& root, Session& session, CommandSet& commands);
// database create | list | delete (commands_database.cc)
void add_database_commands(CLI::App& root, Session& session, CommandSet& commands);
// root enable | show | disable of an instance (commands_database.cc)
void add_root_commands(CLI::App& root, Session& session, CommandSet& commands);
// GET `path` ({"rootEnabled": bool}) and print it; for instance and cluster root show.
int show_root_enabled(Session& session, const std::string& path);
// user create | list | show | delete | grant | revoke | password (commands_user.cc)
void add_user_commands(CLI::App& root, Session& session, CommandSet& commands);

}  // namespace automat::cli
