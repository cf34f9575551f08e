// automat datastore list, automat flavor list
#include "cli/commands.h"
#include "cli/json_fields.h"
#include "cli/views.h"

namespace automat::cli {
namespace {

// GET `path` and return body[key] (an empty array when absent).
nlohmann::json list_of(Session& session, const std::string& path, const std::string& key) {
  ApiClient api = session.api();
  return api.get_list(path, key);
}

}  // namespace

void add_catalog_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* datastore = root.add_subcommand("datastore", "Datastores you can create");
  datastore->require_subcommand(1);
  CLI::App* datastore_list = datastore->add_subcommand("list", "List datastores and versions");
  commands.add(datastore_list, [&session] {
    nlohmann::json datastores = list_of(session, "/datastores", "datastores");
    session.print(datastores, datastore_list_table(datastores));
    return 0;
  });

  CLI::App* flavor = root.add_subcommand("flavor", "Instance sizes");
  flavor->require_subcommand(1);
  CLI::App* flavor_list = flavor->add_subcommand("list", "List flavors");
  commands.add(flavor_list, [&session] {
    nlohmann::json flavors = list_of(session, "/flavors", "flavors");
    session.print(flavors, flavor_list_table(flavors));
    return 0;
  });
}

}  // namespace automat::cli
