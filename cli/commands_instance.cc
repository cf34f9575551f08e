// automat instance create | list | show | delete | resize (volume or flavor) (detach | promote |
// eject and the replica form of create are in commands_replication.cc)
#include <memory>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/instance_lookup.h"
#include "cli/instance_request.h"
#include "cli/json_fields.h"
#include "cli/operation_wait.h"
#include "cli/views.h"
#include "cli/waiter.h"

namespace automat::cli {
namespace {

int create_instance(Session& session, const CreateInstanceArgs& args) {
  ApiClient api = session.api();
  // Built first so a bad --user is reported before anything is sent.
  nlohmann::json request = create_instance_request(args, args.flavor);
  request["instance"]["flavorRef"] = resolve_flavor(api, args.flavor);
  Accepted accepted = api.post("/instances", request);
  nlohmann::json instance = field_json(accepted.body, "instance");
  if (!args.wait) {
    Table table = instance_table(instance);
    table.rows.push_back({"operation", accepted.operation_id});
    session.print(accepted.body, table);
    return 0;
  }
  std::string operation_id = require_operation_id(accepted);
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  WaitOutcome outcome = wait_and_report(session, waiter, operation_id);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  show_instance(session, api, field_text(instance, "id"));
  return 0;
}

int delete_instance(Session& session, const std::string& ref, bool wait) {
  ApiClient api = session.api();
  std::string id = resolve_instance(api, ref);
  Accepted accepted = api.remove(instance_path(id));
  if (!wait) {
    print_accepted(session, accepted, "delete instance " + id);
    return 0;
  }
  return wait_until_deleted(session, api, accepted, "instance", id, instance_path(id));
}

int list_instances(Session& session) {
  ApiClient api = session.api();
  nlohmann::json instances = api.get_list("/instances", "instances");
  session.print(instances, instance_list_table(instances));
  return 0;
}

// Which create options go together: --flavor and --size build an instance
// from scratch; --replica-of copies them (and databases, users, zone) from
// the master. Throws CLI::ParseError, so a bad mix exits 64 before any request.
void check_create_options(const CLI::App& create, CreateInstanceArgs& args) {
  auto given = [&create](const std::string& name) { return create.count(name) > 0; };
  args.datastore_given = given("--datastore");
  if (!given("--replica-of")) {
    for (const char* name : {"--flavor", "--size"}) {
      if (!given(name)) {
        throw CLI::RequiredError(std::string(name) + " is required (unless --replica-of is given)",
                                 CLI::ExitCodes::RequiredError);
      }
    }
    if (given("--replica-count")) {
      throw CLI::ValidationError("--replica-count", "applies to replicas only; add --replica-of");
    }
    return;
  }
  if (args.replica_of.empty()) {
    throw CLI::ValidationError("--replica-of", "needs the master's ID or name");
  }
  if (given("--replica-count") && args.replica_count < 1) {
    throw CLI::ValidationError("--replica-count",
                               "must be 1 or more, got " + std::to_string(args.replica_count));
  }
  for (const char* name : {"--database", "--user"}) {
    if (given(name)) {
      throw CLI::ValidationError(name,
                                 "cannot be given with --replica-of: a replica copies its "
                                 "master's databases and users");
    }
  }
  if (given("--backup")) {
    throw CLI::ValidationError("--backup",
                               "cannot be given with --replica-of: a replica starts from its "
                               "master's data, not from a backup");
  }
  for (const char* name : {"--flavor", "--size", "--availability-zone"}) {
    if (given(name)) {
      throw CLI::ValidationError(name,
                                 "cannot be given with --replica-of: a replica gets its master's "
                                 "flavor, volume size and availability zone");
    }
  }
}

void add_instance_create(CLI::App& instance, Session& session, CommandSet& commands) {
  auto args = std::make_shared<CreateInstanceArgs>();
  CLI::App* create = instance.add_subcommand("create", "Create a database instance or replicas");
  create->add_option("name", args->name, "Name of the new instance")->required();
  create->add_option("--flavor", args->flavor,
                     "Flavor ID or name (automat flavor list); required unless --replica-of");
  create->add_option("--size", args->size_gb, "Volume size in GB; required unless --replica-of");
  create->add_option("--datastore", args->datastore, "Datastore type")->capture_default_str();
  create->add_option("--datastore-version", args->datastore_version,
                     "Datastore version (default: the datastore's default)");
  create->add_option("--database", args->databases, "Database to create (repeatable)");
  create->add_option("--user", args->users,
                     "User to create, NAME:PASSWORD[:db1,db2] granted on those databases "
                     "(repeatable)");
  create->add_option("--availability-zone", args->availability_zone, "Availability zone");
  create->add_option("--backup", args->backup_id,
                     "Restore this backup (ID, automat backup list) into the new instance");
  create->add_option("--replica-of", args->replica_of,
                     "Make a replica of this master (ID or name), with the master's flavor, "
                     "volume, datastore, databases and users");
  create->add_option("--replica-count", args->replica_count,
                     "With --replica-of: how many replicas to make from one backup of the "
                     "master (the server allows 1 to 3; default 1), named NAME, NAME-2, ...");
  create->add_flag("--wait", args->wait,
                   "Wait until the instance (every replica) is ACTIVE, showing progress");
  create->callback([create, args] { check_create_options(*create, *args); });
  commands.add(create, [&session, args] {
    return args->replica_of.empty() ? create_instance(session, *args)
                                    : create_replicas(session, *args);
  });
}

void add_instance_delete(CLI::App& instance, Session& session, CommandSet& commands) {
  auto ref = std::make_shared<std::string>();
  auto wait = std::make_shared<bool>(false);
  CLI::App* remove = instance.add_subcommand("delete", "Delete an instance");
  remove->add_option("instance", *ref, "Instance ID or name")->required();
  remove->add_flag("--wait", *wait, "Wait until the instance is gone, showing progress");
  commands.add(remove, [&session, ref, wait] { return delete_instance(session, *ref, *wait); });
}

// What automat instance resize is asked: exactly one of --size and --flavor.
struct ResizeArgs {
  std::string instance;
  int size_gb = 0;
  std::string flavor;  // ID or name
  bool wait = false;
};

// POST /instances/<id>/action {"resize": {"volume": {"size"}}} or
// {"resize": {"flavorRef"}}; --wait follows the operation, then shows the
// instance.
int resize_instance(Session& session, const ResizeArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_instance(api, args.instance);
  nlohmann::json resize;
  std::string what;
  if (!args.flavor.empty()) {
    resize = {{"flavorRef", resolve_flavor(api, args.flavor)}};
    what = "move instance " + id + " to flavor " + args.flavor;
  } else {
    resize = {{"volume", {{"size", args.size_gb}}}};
    what = "grow the volume of instance " + id + " to " + std::to_string(args.size_gb) + " GB";
  }
  Accepted accepted = api.post(instance_path(id) + "/action", {{"resize", resize}});
  if (!args.wait) {
    print_accepted(session, accepted, what);
    return 0;
  }
  WaitOutcome outcome = wait_for_accepted(session, api, accepted);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  show_instance(session, api, id);
  return 0;
}

void add_resize(CLI::App& instance, Session& session, CommandSet& commands) {
  auto args = std::make_shared<ResizeArgs>();
  CLI::App* resize = instance.add_subcommand(
      "resize",
      "Grow an instance's volume online (--size; volumes only grow), or move it to another "
      "flavor (--flavor; its datastore restarts with memory settings for the new RAM)");
  resize->add_option("instance", args->instance, "Instance ID or name")->required();
  CLI::Option* size = resize->add_option("--size", args->size_gb, "New volume size in GB")
                          ->check(CLI::PositiveNumber);
  CLI::Option* flavor =
      resize->add_option("--flavor", args->flavor, "New flavor ID or name (automat flavor list)");
  size->excludes(flavor);
  // Exactly one of them: a bad mix exits 64 before any request.
  resize->callback([resize] {
    if (resize->count("--size") + resize->count("--flavor") == 0) {
      throw CLI::RequiredError("--size (a new volume size) or --flavor (a new flavor) is required",
                               CLI::ExitCodes::RequiredError);
    }
  });
  resize->add_flag("--wait", args->wait, "Wait until the resize has finished, showing progress");
  commands.add(resize, [&session, args] { return resize_instance(session, *args); });
}

}  // namespace

void add_instance_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* instance = root.add_subcommand("instance", "Database instances");
  instance->require_subcommand(1);
  add_instance_create(*instance, session, commands);

  CLI::App* list = instance->add_subcommand("list", "List your instances");
  commands.add(list, [&session] { return list_instances(session); });

  auto ref = std::make_shared<std::string>();
  CLI::App* show = instance->add_subcommand("show", "Show one instance");
  show->add_option("instance", *ref, "Instance ID or name")->required();
  commands.add(show, [&session, ref] {
    ApiClient api = session.api();
    show_instance(session, api, resolve_instance(api, *ref));
    return 0;
  });

  add_instance_delete(*instance, session, commands);
  add_resize(*instance, session, commands);
  add_replication_commands(*instance, session, commands);
}

}  // namespace automat::cli
