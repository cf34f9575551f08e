#include "cli/app.h"

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/errors.h"

namespace automat::cli {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("--url", options.url, "The tenant's endpoint, http://HOST:PORT/v1.0/<tenant_id>")
      ->envname("AUTOMAT_URL");
  app.add_option("--token", options.token, "X-Auth-Token to send")->envname("AUTOMAT_TOKEN");
  app.add_option("-f,--format", options.format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_seconds,
                 "Seconds --wait waits before giving up (exit 2); also caps each request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

void print_error(Session& session, const common::Error& error) {
  session.err << format_error(error) << "\n";
  if (dynamic_cast<const ConnectionError*>(&error) != nullptr) {
    session.err << "Is automat-api running there? Check --url / AUTOMAT_URL "
                   "(./stack.sh starts a local API and writes .automat/openrc).\n";
  }
}

}  // namespace

int run(int argc, const char* const* argv, Session& session) {
  CLI::App app("automat: the Automat database-as-a-service client", "automat");
  app.fallthrough();  // global options may also follow the command
  app.require_subcommand(1);
  add_global_options(app, session.options);
  CommandSet commands;
  add_instance_commands(app, session, commands);
  add_cluster_commands(app, session, commands);
  add_catalog_commands(app, session, commands);
  add_operation_commands(app, session, commands);
  add_quota_commands(app, session, commands);
  add_database_commands(app, session, commands);
  add_user_commands(app, session, commands);
  add_root_commands(app, session, commands);
  add_backup_commands(app, session, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error, session.out, session.err);
    return code == 0 ? 0 : kExitUsage;
  }
  const CommandSet::Action* action = commands.parsed();
  if (action == nullptr) {
    session.err << app.help();
    return kExitUsage;
  }
  try {
    return (*action)();
  } catch (const common::Error& error) {
    print_error(session, error);
    return 1;
  }
}

int run(const std::vector<std::string>& args, Session& session) {
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return run(static_cast<int>(argv.size()), argv.data(), session);
}

}  // namespace automat::cli
