// automat instance detach | promote | eject, and instance create --replica-of
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"
#include "cli/operation_wait.h"
#include "cli/views.h"

namespace automat::cli {
namespace {

// The replicas an accepted create lists: "instances", else the one "instance".
nlohmann::json accepted_instances(const nlohmann::json& body) {
  nlohmann::json instances = field_json(body, "instances");
  if (instances.is_array() && !instances.empty()) return instances;
  nlohmann::json instance = field_json(body, "instance");
  return instance.is_object() ? nlohmann::json::array({instance}) : nlohmann::json::array();
}

// The operation building each replica (the answer's "operations", in the
// order of its "instances"), labelled with the replica's name when there are
// several; the one X-Operation-Id when the answer lists none.
std::vector<LabelledOperation> replica_operations(const Accepted& accepted,
                                                  const nlohmann::json& instances) {
  nlohmann::json operations = field_json(accepted.body, "operations");
  if (!operations.is_array() || operations.empty()) return {{"", require_operation_id(accepted)}};
  std::vector<LabelledOperation> labelled;
  for (size_t i = 0; i < operations.size(); ++i) {
    std::string id = field_text(operations[i], "id");
    if (id.empty()) {
      throw common::Error(common::ErrorCode::kInternal,
                          "the server listed a replica's operation without an id");
    }
    std::string label;
    if (operations.size() > 1) {
      label = i < instances.size() ? field_text(instances[i], "name") : "";
      if (label.empty()) label = "operation " + id;
    }
    labelled.push_back({label, id});
  }
  return labelled;
}

// Without --wait: one replica as `instance create` prints an instance, several
// as a table with each one's operation; -f json: the server's whole answer.
void print_accepted_replicas(Session& session, const Accepted& accepted,
                             const nlohmann::json& instances) {
  if (instances.size() > 1) {
    session.print(accepted.body,
                  replica_batch_table(instances, field_json(accepted.body, "operations")));
    return;
  }
  Table table = instance_table(instances.empty() ? nlohmann::json() : instances[0]);
  table.rows.push_back({"operation", accepted.operation_id});
  session.print(accepted.body, table);
}

// After --wait: one replica as `instance show` prints it, several as
// `instance list` does (-f json: the array of views).
void print_built_replicas(Session& session, ApiClient& api, const nlohmann::json& instances) {
  if (instances.size() == 1) {
    show_instance(session, api, field_text(instances[0], "id"));
    return;
  }
  nlohmann::json fetched = nlohmann::json::array();
  for (const auto& instance : instances) {
    fetched.push_back(field_json(api.get(instance_path(field_text(instance, "id"))), "instance"));
  }
  session.print(fetched, instance_list_table(fetched));
}

// One of POST /instances/<id>/action's replication actions.
struct ReplicationAction {
  const char* command;    // automat instance <command>
  const char* summary;    // its --help line
  const char* body_key;   // the request body is {"<body_key>": {}}
  bool finds_new_master;  // eject: show the replica that became the master
};

constexpr ReplicationAction kActions[] = {
    {"detach", "Stop a replica replicating: it becomes a writable, independent instance", "detach",
     false},
    {"promote", "Make a replica the master: the old master and the other replicas then follow it",
     "promote_to_replica_source", false},
    {"eject", "Replace an unreachable master by its most up-to-date replica",
     "eject_replica_source", true},
};

// The IDs in the instance's "replicas".
std::vector<std::string> replica_ids_of(ApiClient& api, const std::string& id) {
  nlohmann::json replicas =
      field_json(field_json(api.get(instance_path(id)), "instance"), "replicas");
  std::vector<std::string> ids;
  for (const auto& replica : replicas.is_array() ? replicas : nlohmann::json::array()) {
    ids.push_back(field_text(replica, "id"));
  }
  return ids;
}

// The first of `candidates` that replicates from nobody now; "" when none.
std::string new_master_among(ApiClient& api, const std::vector<std::string>& candidates) {
  for (const auto& id : candidates) {
    nlohmann::json instance = field_json(api.get(instance_path(id)), "instance");
    if (!field_json(instance, "replica_of").is_object()) return id;
  }
  return "";
}

int run_action(Session& session, const ReplicationAction& action, const std::string& ref,
               bool wait) {
  ApiClient api = session.api();
  std::string id = resolve_instance(api, ref);
  std::vector<std::string> former_replicas;
  if (wait && action.finds_new_master) former_replicas = replica_ids_of(api, id);
  Accepted accepted =
      api.post(instance_path(id) + "/action", {{action.body_key, nlohmann::json::object()}});
  if (!wait) {
    print_accepted(session, accepted, std::string(action.command) + " instance " + id);
    return 0;
  }
  std::string operation_id = require_operation_id(accepted);
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  WaitOutcome outcome = wait_and_report(session, waiter, operation_id);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  std::string shown = id;
  if (action.finds_new_master) {
    std::string new_master = new_master_among(api, former_replicas);
    if (!new_master.empty()) {
      session.err << "Instance " << new_master << " is the new replica source.\n";
      shown = new_master;
    }
  }
  show_instance(session, api, shown);
  return 0;
}

}  // namespace

int create_replicas(Session& session, const CreateInstanceArgs& args) {
  ApiClient api = session.api();
  std::string master_id = resolve_instance(api, args.replica_of);
  Accepted accepted = api.post("/instances", create_replica_request(args, master_id));
  nlohmann::json instances = accepted_instances(accepted.body);
  if (!args.wait) {
    print_accepted_replicas(session, accepted, instances);
    return 0;
  }
  std::vector<LabelledOperation> operations = replica_operations(accepted, instances);
  ProgressPrinter progress(session.err, session.terminal.live, session.terminal.width);
  OperationWaiter waiter(api, session.clock, progress, session.wait_options());
  WaitOutcome outcome = wait_for_each(session, waiter, progress, operations);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  print_built_replicas(session, api, instances);
  return 0;
}

void add_replication_commands(CLI::App& instance, Session& session, CommandSet& commands) {
  for (const ReplicationAction& action : kActions) {
    auto ref = std::make_shared<std::string>();
    auto wait = std::make_shared<bool>(false);
    CLI::App* command = instance.add_subcommand(action.command, action.summary);
    command->add_option("instance", *ref, "Instance ID or name")->required();
    command->add_flag("--wait", *wait, "Wait until the operation ends, showing progress");
    commands.add(command, [&session, &action, ref, wait] {
      return run_action(session, action, *ref, *wait);
    });
  }
}

}  // namespace automat::cli
