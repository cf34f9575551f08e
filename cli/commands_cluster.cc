// automat cluster create | list | show | delete | root-enable | root-show (grow, shrink
// and replace-node are in commands_cluster_actions.cc)
#include <memory>

#include "cli/cluster_lookup.h"
#include "cli/cluster_request.h"
#include "cli/cluster_views.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"
#include "cli/operation_wait.h"

namespace automat::cli {
namespace {

// Without --wait: the cluster as the server answered (status BUILD) with an
// operation row, then its nodes; -f json: the whole answer.
void print_accepted_cluster(Session& session, const Accepted& accepted,
                            const nlohmann::json& cluster) {
  if (session.json_output()) {
    session.print(accepted.body, {});
    return;
  }
  Table table = cluster_table(cluster);
  table.rows.push_back({"operation", accepted.operation_id});
  session.out << render_table(table) << render_table(cluster_node_table(cluster));
}

int create_cluster(Session& session, const CreateClusterArgs& args) {
  ApiClient api = session.api();
  nlohmann::json request =
      create_cluster_request(args, args.flavor.empty() ? "" : resolve_flavor(api, args.flavor));
  Accepted accepted = api.post("/clusters", request);
  nlohmann::json cluster = field_json(accepted.body, "cluster");
  if (!args.wait) {
    print_accepted_cluster(session, accepted, cluster);
    return 0;
  }
  std::string id = field_text(cluster, "id");
  if (id.empty()) {
    throw common::Error(common::ErrorCode::kInternal,
                        "the server accepted the cluster but did not say its id");
  }
  WaitOutcome outcome = wait_for_accepted(session, api, accepted);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  show_cluster(session, api, id);
  return 0;
}

int list_clusters(Session& session) {
  ApiClient api = session.api();
  nlohmann::json clusters = api.get_list("/clusters", "clusters");
  if (clusters.is_null()) clusters = nlohmann::json::array();
  session.print(clusters, cluster_list_table(clusters));
  return 0;
}

int delete_cluster(Session& session, const std::string& ref, bool wait) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, ref);
  Accepted accepted = api.remove(cluster_path(id));
  if (!wait) {
    print_accepted(session, accepted, "delete cluster " + id);
    return 0;
  }
  return wait_until_deleted(session, api, accepted, "cluster", id, cluster_path(id));
}

// The superuser's name and password, printed once: the server keeps no copy
// it would show again.
int enable_root(Session& session, const std::string& ref) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, ref);
  Accepted answer = api.post(cluster_path(id) + "/root", nlohmann::json::object());
  nlohmann::json user = field_json(answer.body, "user");
  if (field_text(user, "name").empty() || field_text(user, "password").empty()) {
    throw common::Error(common::ErrorCode::kInternal,
                        "the server enabled root but did not send the user's name and password");
  }
  session.print(answer.body, root_user_table(user));
  if (!session.json_output()) {
    session.err << "Keep this password now: it is not shown again (running root-enable again "
                   "sets a new one).\n";
  }
  return 0;
}

void add_cluster_create(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<CreateClusterArgs>();
  CLI::App* create = cluster.add_subcommand("create", "Create a cluster");
  create->add_option("name", args->name, "Name of the new cluster")->required();
  create->add_option("--datastore", args->datastore, "Datastore type (cassandra)")->required();
  create->add_option("--datastore-version", args->datastore_version,
                     "Datastore version (default: the datastore's default)");
  create->add_option("--flavor", args->flavor, "Flavor ID or name of every node");
  create->add_option("--size", args->size_gb, "Volume size in GB of every node");
  create->add_option("--nodes", args->nodes, "Number of nodes");
  create->add_option("--restore-from", args->restore_from,
                     "Build the cluster from this cluster backup (ID): each node takes over a "
                     "backed-up node's tokens and data; without --flavor/--size/--nodes the "
                     "backup's nodes are copied");
  create->add_option("--keyspace", args->restore_keyspaces,
                     "With --restore-from: load only this keyspace (ks) or table (ks.table); "
                     "repeatable");
  create
      ->add_option("--rack", args->racks,
                   "Rack (availability zone) for the nodes, repeatable: nodes take the given "
                   "racks in turn (default: every node in rack1)")
      ->allow_extra_args(false);
  create->add_flag("--wait", args->wait, "Wait until the cluster is built, showing progress");
  create->callback([args, create] {
    if (create->count("--nodes") && args->nodes < 1) {
      throw CLI::ValidationError("--nodes",
                                 "must be 1 or more, got " + std::to_string(args->nodes));
    }
    const std::string options = create_options_problem(*args);
    if (!options.empty()) throw CLI::ValidationError("cluster create", options);
    if (args->nodes == 0 && !args->restore_from.empty()) return;
    if (args->nodes < 1) {
      throw CLI::ValidationError("--nodes",
                                 "must be 1 or more, got " + std::to_string(args->nodes));
    }
    std::string problem = rack_problem(args->nodes, args->racks);
    if (!problem.empty()) throw CLI::ValidationError("--rack", problem);
  });
  commands.add(create, [&session, args] { return create_cluster(session, *args); });
}

void add_cluster_delete(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto ref = std::make_shared<std::string>();
  auto wait = std::make_shared<bool>(false);
  CLI::App* remove = cluster.add_subcommand("delete", "Delete a cluster and all its nodes");
  remove->add_option("cluster", *ref, "Cluster ID or name")->required();
  remove->add_flag("--wait", *wait, "Wait until the cluster is gone, showing progress");
  commands.add(remove, [&session, ref, wait] { return delete_cluster(session, *ref, *wait); });
}

}  // namespace

void add_cluster_commands(CLI::App& root, Session& session, CommandSet& commands) {
  CLI::App* cluster = root.add_subcommand("cluster", "Database clusters (Cassandra rings)");
  cluster->require_subcommand(1);
  add_cluster_create(*cluster, session, commands);

  CLI::App* list = cluster->add_subcommand("list", "List your clusters");
  commands.add(list, [&session] { return list_clusters(session); });

  auto show_ref = std::make_shared<std::string>();
  CLI::App* show = cluster->add_subcommand("show", "Show a cluster and its nodes");
  show->add_option("cluster", *show_ref, "Cluster ID or name")->required();
  commands.add(show, [&session, show_ref] {
    ApiClient api = session.api();
    show_cluster(session, api, resolve_cluster(api, *show_ref));
    return 0;
  });

  add_cluster_action_commands(*cluster, session, commands);

  auto root_ref = std::make_shared<std::string>();
  CLI::App* root_enable = cluster->add_subcommand(
      "root-enable", "Create (or reset) a superuser and print its name and password once");
  root_enable->add_option("cluster", *root_ref, "Cluster ID or name")->required();
  commands.add(root_enable, [&session, root_ref] { return enable_root(session, *root_ref); });

  auto root_show_ref = std::make_shared<std::string>();
  CLI::App* root_show =
      cluster->add_subcommand("root-show", "Whether root was enabled on a cluster");
  root_show->add_option("cluster", *root_show_ref, "Cluster ID or name")->required();
  commands.add(root_show, [&session, root_show_ref] {
    ApiClient api = session.api();
    return show_root_enabled(session, cluster_path(resolve_cluster(api, *root_show_ref)) + "/root");
  });

  add_cluster_delete(*cluster, session, commands);
}

}  // namespace automat::cli
