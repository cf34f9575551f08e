// automat operation show
#include <memory>

#include "cli/commands.h"
#include "cli/json_fields.h"
#include "cli/views.h"

namespace automat::cli {

void add_operation_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* operation = root.add_subcommand("operation", "Asynchronous operations");
  operation->require_subcommand(1);
  auto id = std::make_shared<std::string>();
  CLI::App* show = operation->add_subcommand("show", "Show an operation's state and errors");
  show->add_option("id", *id, "Operation ID (X-Operation-Id)")->required();
  commands.add(show, [&session, id] {
    ApiClient api = session.api();
    nlohmann::json found = field_json(api.get("/operations/" + path_segment(*id)), "operation");
    session.print(found, operation_table(found));
    return 0;
  });
}

}  // namespace automat::cli
