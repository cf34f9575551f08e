// automat user create | list | show | delete | grant | revoke | password: the
// users of an instance (MySQL accounts name@host, Cassandra login roles) and
// their access to its databases. Passwords are sent, never printed.
#include <memory>

#include "cli/commands.h"
#include "cli/database_admin.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

struct UserArgs {
  std::string instance;
  std::string name;
  std::string host;                    // "" = the server's default, "%"
  std::string password;                // create, password
  std::vector<std::string> databases;  // create, grant; revoke uses the first
};

std::string who(const UserArgs& args) {
  return args.host.empty() ? args.name : args.name + "@" + args.host;
}

nlohmann::json database_refs(const std::vector<std::string>& names) {
  nlohmann::json refs = nlohmann::json::array();
  for (const auto& name : names) refs.push_back({{"name", name}});
  return refs;
}

int create_user(Session& session, const UserArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  nlohmann::json user = {{"name", args.name}, {"password", args.password}};
  if (!args.host.empty()) user["host"] = args.host;
  if (!args.databases.empty()) user["databases"] = database_refs(args.databases);
  api.post(instance_path(id) + "/users", {{"users", {user}}});
  session.report("Created user " + who(args) + " on instance " + args.instance + ".");
  return 0;
}

int list_users(Session& session, const std::string& ref) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, ref);
  const nlohmann::json users = api.get_list(instance_path(id) + "/users", "users");
  session.print(users, user_list_table(users));
  return 0;
}

int show_user(Session& session, const UserArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  const nlohmann::json answer = api.get(user_path(id, args.name, args.host));
  const nlohmann::json user = field_json(answer, "user");
  session.print(user, user_table(user));
  return 0;
}

int delete_user(Session& session, const UserArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  api.remove(user_path(id, args.name, args.host));
  session.report("Deleted user " + who(args) + " from instance " + args.instance + ".");
  return 0;
}

int grant(Session& session, const UserArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  api.put(user_path(id, args.name, args.host) + "/databases",
          {{"databases", database_refs(args.databases)}});
  std::string dbs;
  for (const auto& db : args.databases) dbs += (dbs.empty() ? "" : ", ") + db;
  session.report("Granted " + who(args) + " access to " + dbs + ".");
  return 0;
}

int revoke(Session& session, const UserArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  const std::string& db = args.databases.front();
  api.remove(user_path(id, args.name, args.host) + "/databases/" + path_segment(db));
  session.report("Revoked " + who(args) + "'s access to " + db + ".");
  return 0;
}

int change_password(Session& session, const UserArgs& args) {
  ApiClient api = session.api();
  const std::string id = resolve_instance(api, args.instance);
  nlohmann::json user = {{"name", args.name}, {"password", args.password}};
  if (!args.host.empty()) user["host"] = args.host;
  api.put(instance_path(id) + "/users", {{"users", {user}}});
  session.report("Changed the password of " + who(args) + ".");
  return 0;
}

// A subcommand taking INSTANCE NAME [--host HOST]; the caller adds the rest.
CLI::App* user_subcommand(CLI::App& user, const char* name, const char* help, UserArgs& args) {
  CLI::App* command = user.add_subcommand(name, help);
  command->add_option("instance", args.instance, "Instance ID or name")->required();
  command->add_option("name", args.name, "User name")->required();
  command->add_option("--host", args.host, "The user's host (MySQL; default: '%', any host)");
  return command;
}

}  // namespace

void add_user_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* user = root.add_subcommand(
      "user", "Users of an instance (MySQL accounts, Cassandra login roles) and their access");
  user->require_subcommand(1);

  auto c = std::make_shared<UserArgs>();
  CLI::App* create = user_subcommand(*user, "create", "Create a user", *c);
  create->add_option("password", c->password, "The user's password")->required();
  create
      ->add_option("--databases", c->databases,
                   "Databases the user may access (comma separated or repeated)")
      ->delimiter(',');
  commands.add(create, [&session, c] { return create_user(session, *c); });

  auto list_ref = std::make_shared<std::string>();
  CLI::App* list = user->add_subcommand("list", "List the users of an instance");
  list->add_option("instance", *list_ref, "Instance ID or name")->required();
  commands.add(list, [&session, list_ref] { return list_users(session, *list_ref); });

  auto s = std::make_shared<UserArgs>();
  CLI::App* show = user_subcommand(*user, "show", "Show a user and its databases", *s);
  commands.add(show, [&session, s] { return show_user(session, *s); });

  auto d = std::make_shared<UserArgs>();
  CLI::App* remove = user_subcommand(*user, "delete", "Delete a user", *d);
  commands.add(remove, [&session, d] { return delete_user(session, *d); });

  auto g = std::make_shared<UserArgs>();
  CLI::App* grant_cmd =
      user_subcommand(*user, "grant", "Grant a user every privilege on databases", *g);
  grant_cmd->add_option("databases", g->databases, "Databases to grant")->required();
  commands.add(grant_cmd, [&session, g] { return grant(session, *g); });

  auto r = std::make_shared<UserArgs>();
  CLI::App* revoke_cmd =
      user_subcommand(*user, "revoke", "Revoke a user's access to a database", *r);
  revoke_cmd->add_option("database", r->databases, "Database to revoke")->required()->expected(1);
  commands.add(revoke_cmd, [&session, r] { return revoke(session, *r); });

  auto p = std::make_shared<UserArgs>();
  CLI::App* password = user_subcommand(*user, "password", "Change a user's password", *p);
  password->add_option("password", p->password, "The new password")->required();
  commands.add(password, [&session, p] { return change_password(session, *p); });
}

}  // namespace automat::cli
