// automat database create | list | delete, and automat root enable | show |
// disable: an instance's databases and its root superuser (the guest does
// the work before the server answers, so there is nothing to --wait for).
#include <memory>

#include "cli/commands.h"
#include "cli/database_admin.h"
#include "cli/errors.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

struct DatabaseArgs {
  std::string instance;
  std::string name;
  std::string character_set;
  std::string collate;
};

int create_database(Session& session, const DatabaseArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  nlohmann::json db = {{"name", args.name}};
  if (!args.character_set.empty()) db["character_set"] = args.character_set;
  if (!args.collate.empty()) db["collate"] = args.collate;
  api.post(instance_path(id) + "/databases", {{"databases", {db}}});
  session.report("Created database " + args.name + " on instance " + args.instance + ".");
  return 0;
}

int list_databases(Session& session, const std::string& ref) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, ref);
  const nlohmann::json databases = api.get_list(instance_path(id) + "/databases", "databases");
  session.print(databases, database_list_table(databases));
  return 0;
}

int delete_database(Session& session, const DatabaseArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  api.remove(instance_path(id) + "/databases/" + path_segment(args.name));
  session.report("Deleted database " + args.name + " from instance " + args.instance + ".");
  return 0;
}

int enable_root(Session& session, const std::string& ref, const std::string& password) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, ref);
  nlohmann::json body = nlohmann::json::object();
  if (!password.empty()) body["password"] = password;
  const Accepted answer = api.post(instance_path(id) + "/root", body);
  const nlohmann::json user = field_json(answer.body, "user");
  if (field_text(user, "name").empty() || field_text(user, "password").empty()) {
    throw common::Error(common::ErrorCode::kInternal,
                        "the server enabled root but did not send the user's name and password");
  }
  session.print(answer.body, field_value_table({{"name", field_text(user, "name")},
                                                {"password", field_text(user, "password")}}));
  if (!session.json_output()) {
    session.err << "Keep this password now: it is not shown again (running root enable again "
                   "sets a new one).\n";
  }
  return 0;
}

int show_root(Session& session, const std::string& path) {
  ApiClient api = session.api();
  const nlohmann::json answer = api.get(path);
  session.print(answer, field_value_table({{"rootEnabled", field_text(answer, "rootEnabled")}}));
  return 0;
}

int disable_root(Session& session, const std::string& ref) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, ref);
  api.remove(instance_path(id) + "/root");
  session.report("Disabled root on instance " + ref + ".");
  return 0;
}

void add_database_subcommands(CLI::App& database, Session& session, CommandSet& commands) {
  auto create_args = std::make_shared<DatabaseArgs>();
  CLI::App* create = database.add_subcommand("create", "Create a database on an instance");
  create->add_option("instance", create_args->instance, "Instance ID or name")->required();
  create->add_option("name", create_args->name, "Name of the new database")->required();
  create->add_option("--character-set", create_args->character_set,
                     "Character set (MySQL; default: the server's)");
  create->add_option("--collate", create_args->collate,
                     "Collation (MySQL; default: the character set's)");
  commands.add(create, [&session, create_args] { return create_database(session, *create_args); });

  auto list_ref = std::make_shared<std::string>();
  CLI::App* list = database.add_subcommand("list", "List the databases of an instance");
  list->add_option("instance", *list_ref, "Instance ID or name")->required();
  commands.add(list, [&session, list_ref] { return list_databases(session, *list_ref); });

  auto delete_args = std::make_shared<DatabaseArgs>();
  CLI::App* remove = database.add_subcommand("delete", "Delete a database and its data");
  remove->add_option("instance", delete_args->instance, "Instance ID or name")->required();
  remove->add_option("name", delete_args->name, "Database name")->required();
  commands.add(remove, [&session, delete_args] { return delete_database(session, *delete_args); });
}

}  // namespace

void add_database_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* database = root.add_subcommand(
      "database", "Databases of an instance (MySQL databases, Cassandra keyspaces)");
  database->require_subcommand(1);
  add_database_subcommands(*database, session, commands);
}

void add_root_commands(CLI::App& root_app, Session& session, CommandSet& commands) {
  CLI::App* root =
      root_app.add_subcommand("root", "The root superuser of an instance (login from anywhere)");
  root->require_subcommand(1);

  auto enable_ref = std::make_shared<std::string>();
  auto password = std::make_shared<std::string>();
  CLI::App* enable =
      root->add_subcommand("enable", "Create (or reset) root and print its name and password once");
  enable->add_option("instance", *enable_ref, "Instance ID or name")->required();
  enable->add_option("--password", *password, "Root's password (default: a generated one)");
  commands.add(enable, [&session, enable_ref, password] {
    return enable_root(session, *enable_ref, *password);
  });

  auto show_ref = std::make_shared<std::string>();
  CLI::App* show = root->add_subcommand("show", "Whether root is enabled on an instance");
  show->add_option("instance", *show_ref, "Instance ID or name")->required();
  commands.add(show, [&session, show_ref] {
    ApiClient api = session.api();
    return show_root(session, instance_path(resolve_instance(api, *show_ref)) + "/root");
  });

  auto disable_ref = std::make_shared<std::string>();
  CLI::App* disable = root->add_subcommand("disable", "Remove root from an instance");
  disable->add_option("instance", *disable_ref, "Instance ID or name")->required();
  commands.add(disable, [&session, disable_ref] { return disable_root(session, *disable_ref); });
}

int show_root_enabled(Session& session, const std::string& path) {
  return show_root(session, path);
}

}  // namespace automat::cli
