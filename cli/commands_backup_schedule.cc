// automat backup schedule set | show | clear: the backup schedule of an
// instance, or with --cluster of a cluster (PUT, GET, DELETE
// /instances/{id}/backup_schedule or /clusters/{id}/backup_schedule).
#include <memory>

#include "cli/backup_views.h"
#include "cli/cluster_lookup.h"
#include "cli/commands.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

// Whose schedule: an instance (the positional) or a cluster (--cluster),
// each by ID or name; exactly one.
struct ScheduleOwner {
  std::string instance;
  std::string cluster;
};

struct SetScheduleArgs {
  ScheduleOwner owner;
  std::string interval;
  std::string daily_at;
  int retention = 0;
};

// The owner found: "instance" or "cluster", its ID, its schedule's path.
struct FoundOwner {
  std::string noun;
  std::string id;
  std::string schedule_path;
};

FoundOwner find_owner(ApiClient& api, const ScheduleOwner& owner) {
  if (!owner.cluster.empty()) {
    const std::string id = resolve_cluster(api, owner.cluster);
    return {"cluster", id, cluster_path(id) + "/backup_schedule"};
  }
  const std::string id = resolve_instance(api, owner.instance);
  return {"instance", id, instance_path(id) + "/backup_schedule"};
}

// Adds the owner's positional and --cluster to `command`, one of them
// required.
void add_owner(CLI::App& command, ScheduleOwner& owner) {
  CLI::Option_group* of =
      command.add_option_group("owner", "Whose schedule (an instance, or --cluster)");
  of->add_option("instance", owner.instance, "The instance (ID or name)");
  of->add_option("--cluster", owner.cluster, "The cluster (ID or name) instead of an instance");
  of->require_option(1);
}

int set_schedule(Session& session, const SetScheduleArgs& args) {
  nlohmann::json schedule = {{"retention", args.retention}};
  if (!args.interval.empty()) {
    schedule["interval"] = args.interval;
  } else {
    schedule["daily_at"] = args.daily_at;
  }
  ApiClient api = session.api();
  Accepted answer =
      api.put(find_owner(api, args.owner).schedule_path, {{"backup_schedule", schedule}});
  nlohmann::json view = field_json(answer.body, "backup_schedule");
  session.print(view, backup_schedule_table(view));
  return 0;
}

int show_schedule(Session& session, const ScheduleOwner& owner) {
  ApiClient api = session.api();
  nlohmann::json view =
      field_json(api.get(find_owner(api, owner).schedule_path), "backup_schedule");
  session.print(view, backup_schedule_table(view));
  return 0;
}

int clear_schedule(Session& session, const ScheduleOwner& owner) {
  ApiClient api = session.api();
  const FoundOwner found = find_owner(api, owner);
  api.remove(found.schedule_path);
  if (session.json_output()) {
    session.print(nlohmann::json::object(), {});
  } else {
    session.out << "Backup schedule of " << found.noun << " " << found.id << " cleared.\n";
  }
  return 0;
}

}  // namespace

void add_backup_schedule_commands(CLI::App& backup, Session& session, CommandSet& commands) {
  CLI::App* schedule = backup.add_subcommand(
      "schedule", "Back an instance or a cluster up on a schedule (full backups)");
  schedule->require_subcommand(1);

  auto args = std::make_shared<SetScheduleArgs>();
  CLI::App* set = schedule->add_subcommand(
      "set", "Set or replace the schedule; the first backup runs when the next slot begins");
  add_owner(*set, args->owner);
  // Exactly one rule.
  CLI::Option_group* rule = set->add_option_group("rule", "When to back up (give one)");
  rule->add_option("--interval", args->interval,
                   "Back up every this long, 1h to 30d: 90m, 6h, 1d or seconds (slots aligned "
                   "to 00:00 UTC)");
  rule->add_option("--daily-at", args->daily_at, "Back up once a day at HH:MM (UTC)");
  rule->require_option(1);
  set->add_option("--retention", args->retention,
                  "How many scheduled backups to keep (1 to 100); older ones are deleted")
      ->required()
      ->check(CLI::Range(1, 100));
  commands.add(set, [&session, args] { return set_schedule(session, *args); });

  auto shown = std::make_shared<ScheduleOwner>();
  CLI::App* show =
      schedule->add_subcommand("show", "Show an instance's or a cluster's backup schedule");
  add_owner(*show, *shown);
  commands.add(show, [&session, shown] { return show_schedule(session, *shown); });

  auto cleared = std::make_shared<ScheduleOwner>();
  CLI::App* clear = schedule->add_subcommand(
      "clear", "Stop backing the instance or cluster up on a schedule (its backups stay)");
  add_owner(*clear, *cleared);
  commands.add(clear, [&session, cleared] { return clear_schedule(session, *cleared); });
}

}  // namespace automat::cli
