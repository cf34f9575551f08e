// automat backup schedule set | show | clear: an instance's backup schedule
// (PUT, GET, DELETE /instances/{id}/backup_schedule).
#include <memory>

#include "cli/backup_views.h"
#include "cli/commands.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

struct SetScheduleArgs {
  std::string instance;
  std::string interval;
  std::string daily_at;
  int retention = 0;
};

std::string schedule_path(const std::string& instance_id) {
  return instance_path(instance_id) + "/backup_schedule";
}

int set_schedule(Session& session, const SetScheduleArgs& args) {
  nlohmann::json schedule = {{"retention", args.retention}};
  if (!args.interval.empty()) {
    schedule["interval"] = args.interval;
  } else {
    schedule["daily_at"] = args.daily_at;
  }
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  Accepted answer = api.put(schedule_path(id), {{"backup_schedule", schedule}});
  nlohmann::json view = field_json(answer.body, "backup_schedule");
  session.print(view, backup_schedule_table(view));
  return 0;
}

int show_schedule(Session& session, const std::string& instance) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, instance);
  nlohmann::json view = field_json(api.get(schedule_path(id)), "backup_schedule");
  session.print(view, backup_schedule_table(view));
  return 0;
}

int clear_schedule(Session& session, const std::string& instance) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, instance);
  api.remove(schedule_path(id));
  if (session.json_output()) {
    session.print(nlohmann::json::object(), {});
  } else {
    session.out << "Backup schedule of instance " << id << " cleared.\n";
  }
  return 0;
}

}  // namespace

void add_backup_schedule_commands(CLI::App& backup, Session& session, CommandSet& commands) {
  CLI::App* schedule =
      backup.add_subcommand("schedule", "Back an instance up on a schedule (full backups)");
  schedule->require_subcommand(1);

  auto args = std::make_shared<SetScheduleArgs>();
  CLI::App* set = schedule->add_subcommand(
      "set", "Set or replace the schedule; the first backup runs when the next slot begins");
  set->add_option("instance", args->instance, "The instance (ID or name)")->required();
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

  auto instance = std::make_shared<std::string>();
  CLI::App* show = schedule->add_subcommand("show", "Show an instance's backup schedule");
  show->add_option("instance", *instance, "The instance (ID or name)")->required();
  commands.add(show, [&session, instance] { return show_schedule(session, *instance); });

  auto cleared = std::make_shared<std::string>();
  CLI::App* clear = schedule->add_subcommand(
      "clear", "Stop backing the instance up on a schedule (its backups stay)");
  clear->add_option("instance", *cleared, "The instance (ID or name)")->required();
  commands.add(clear, [&session, cleared] { return clear_schedule(session, *cleared); });
}

}  // namespace automat::cli
