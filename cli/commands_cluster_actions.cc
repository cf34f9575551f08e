// automat cluster grow | shrink | replace-node | resize-volume | resize | cleanup: POST
// /clusters/<id> with one action each, a 202 with the operation that carries it out.
#include <memory>
#include <string>
#include <vector>

#include "cli/backup_views.h"
#include "cli/backup_wait.h"
#include "cli/cluster_lookup.h"
#include "cli/cluster_request.h"
#include "cli/commands.h"
#include "cli/instance_lookup.h"
#include "cli/json_fields.h"
#include "cli/operation_wait.h"
#include "common/error.h"

namespace automat::cli {
namespace {

struct GrowArgs {
  std::string cluster;
  int nodes = 0;  // 0: not given (one per --rack, or 1)
  std::vector<std::string> racks;
  bool wait = false;
};

struct ClusterBackupArgs {
  std::string cluster;
  std::string name;
  std::string description;
  std::vector<std::string> keyspaces;
  int max_mib_per_second = 0;  // 0: no limit
  bool wait = false;
};

struct ResizeVolumeArgs {
  std::string cluster;
  int size_gb = 0;
  bool wait = false;
};

struct ResizeFlavorArgs {
  std::string cluster;
  std::string flavor;   // ID or name
  std::string by;       // "node" or "rack"; empty: not given (the server's "node")
  int concurrency = 0;  // 0: not given (the server's 1)
  bool wait = false;
};

struct NodeActionArgs {
  std::string cluster;
  std::vector<std::string> nodes;  // IDs or names
  bool wait = false;
};

// Without --wait: "Request to <what> was accepted (operation X)." (-f json:
// the server's answer). With --wait: waits for the operation, then shows
// the cluster. Returns the exit code.
int finish_action(Session& session, ApiClient& api, const Accepted& accepted,
                  const std::string& what, const std::string& cluster_id, bool wait) {
  if (!wait) {
    print_accepted(session, accepted, what);
    return 0;
  }
  WaitOutcome outcome = wait_for_accepted(session, api, accepted);
  if (outcome != WaitOutcome::kCompleted) return exit_code_of(outcome);
  show_cluster(session, api, cluster_id);
  return 0;
}

int grow_cluster(Session& session, const GrowArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  Accepted accepted = api.post(cluster_path(id), grow_request(args.nodes, args.racks));
  return finish_action(session, api, accepted, "grow cluster " + id, id, args.wait);
}

int shrink_cluster(Session& session, const NodeActionArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  std::vector<std::string> nodes = resolve_nodes(api, id, args.nodes);
  Accepted accepted = api.post(cluster_path(id), shrink_request(nodes));
  return finish_action(session, api, accepted, "shrink cluster " + id, id, args.wait);
}

int replace_node(Session& session, const NodeActionArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  std::string node = resolve_nodes(api, id, args.nodes).front();
  Accepted accepted = api.post(cluster_path(id), replace_node_request(node));
  return finish_action(session, api, accepted, "replace node " + node + " of cluster " + id, id,
                       args.wait);
}

int cleanup_cluster(Session& session, const NodeActionArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  Accepted accepted = api.post(cluster_path(id), cleanup_request());
  return finish_action(session, api, accepted, "clean up cluster " + id, id, args.wait);
}

int resize_cluster_volume(Session& session, const ResizeVolumeArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  Accepted accepted = api.post(cluster_path(id), resize_volume_request(args.size_gb));
  return finish_action(
      session, api, accepted,
      "grow the volumes of cluster " + id + " to " + std::to_string(args.size_gb) + " GB", id,
      args.wait);
}

int resize_cluster_flavor(Session& session, const ResizeFlavorArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  Accepted accepted =
      api.post(cluster_path(id),
               resize_flavor_request(resolve_flavor(api, args.flavor), args.by, args.concurrency));
  return finish_action(session, api, accepted, "move cluster " + id + " to flavor " + args.flavor,
                       id, args.wait);
}

// --nodes defaults to one node per --rack (at least one); throws
// CLI::ValidationError (exit 64) for a count or racks that cannot be sent.
void check_grow_options(const CLI::App& grow, GrowArgs& args) {
  if (grow.count("--nodes") == 0) {
    args.nodes = args.racks.empty() ? 1 : static_cast<int>(args.racks.size());
  } else if (args.nodes < 1) {
    throw CLI::ValidationError("--nodes", "must be 1 or more, got " + std::to_string(args.nodes));
  }
  std::string problem = rack_problem(args.nodes, args.racks);
  if (!problem.empty()) throw CLI::ValidationError("--rack", problem);
}

void add_grow(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<GrowArgs>();
  CLI::App* grow = cluster.add_subcommand(
      "grow", "Add nodes (the cluster's flavor and volume); they join one at a time");
  grow->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  grow->add_option("--nodes", args->nodes,
                   "Number of nodes to add (default: one per --rack, else 1)");
  grow->add_option("--rack", args->racks,
                   "Rack for the new nodes, repeatable: they take the given racks in turn "
                   "(default: the cluster's only rack)")
      ->allow_extra_args(false);
  grow->add_flag("--wait", args->wait, "Wait until the nodes joined, showing progress");
  grow->callback([grow, args] { check_grow_options(*grow, *args); });
  commands.add(grow, [&session, args] { return grow_cluster(session, *args); });
}

void add_shrink(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<NodeActionArgs>();
  CLI::App* shrink = cluster.add_subcommand(
      "shrink", "Remove nodes: each is decommissioned (its data streamed to the others)");
  shrink->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  shrink->add_option("--node", args->nodes, "ID or name of a node to remove, repeatable")
      ->required()
      ->allow_extra_args(false);
  shrink->add_flag("--wait", args->wait, "Wait until the nodes left, showing progress");
  commands.add(shrink, [&session, args] { return shrink_cluster(session, *args); });
}

void add_replace_node(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<NodeActionArgs>();
  auto node = std::make_shared<std::string>();
  CLI::App* replace = cluster.add_subcommand(
      "replace-node", "Replace a (dead) node by a new one in its rack, which takes over its data");
  replace->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  replace->add_option("--node", *node, "ID or name of the node to replace")->required();
  replace->add_flag("--wait", args->wait, "Wait until the new node serves, showing progress");
  replace->callback([args, node] { args->nodes = {*node}; });
  commands.add(replace, [&session, args] { return replace_node(session, *args); });
}

void add_resize_volume(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<ResizeVolumeArgs>();
  CLI::App* resize = cluster.add_subcommand(
      "resize-volume", "Grow every node's volume online (one node at a time); volumes only grow");
  resize->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  resize->add_option("--size", args->size_gb, "New volume size of every node, in GB")
      ->required()
      ->check(CLI::PositiveNumber);
  resize->add_flag("--wait", args->wait, "Wait until every node's volume has grown");
  commands.add(resize, [&session, args] { return resize_cluster_volume(session, *args); });
}

void add_resize_flavor(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<ResizeFlavorArgs>();
  CLI::App* resize = cluster.add_subcommand(
      "resize",
      "Move every node to another flavor, a rolling restart: each node's datastore restarts "
      "with memory settings for the new RAM, a node (or a rack) at a time");
  resize->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  resize->add_option("--flavor", args->flavor, "New flavor ID or name (automat flavor list)")
      ->required();
  resize
      ->add_option("--by", args->by,
                   "Restart one node at a time (node) or one rack at a time (rack); "
                   "default: node")
      ->check(CLI::IsMember({"node", "rack"}));
  resize->add_option("--concurrency", args->concurrency,
                     "How many to restart at once, 1 or more (default: 1); the server refuses "
                     "(422) a number that would break QUORUM");
  resize->add_flag("--wait", args->wait, "Wait until every node runs the new flavor");
  // A bad count exits 64 before any request; 0 stays "not given" otherwise.
  resize->callback([resize, args] {
    if (resize->count("--concurrency") > 0 && args->concurrency < 1) {
      throw CLI::ValidationError("--concurrency",
                                 "must be 1 or more, got " + std::to_string(args->concurrency));
    }
  });
  commands.add(resize, [&session, args] { return resize_cluster_flavor(session, *args); });
}

void add_cleanup(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<NodeActionArgs>();
  CLI::App* cleanup = cluster.add_subcommand(
      "cleanup",
      "Cassandra: run nodetool cleanup on every node, one at a time (drops data a node no "
      "longer owns)");
  cleanup->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  cleanup->add_flag("--wait", args->wait, "Wait until every node is cleaned, showing progress");
  commands.add(cleanup, [&session, args] { return cleanup_cluster(session, *args); });
}

// POST /clusters/<id>/backups; --wait follows the backup to COMPLETED or FAILED.
int backup_cluster(Session& session, const ClusterBackupArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  nlohmann::json backup = {{"name", args.name}};
  if (!args.description.empty()) backup["description"] = args.description;
  if (!args.keyspaces.empty()) backup["keyspaces"] = args.keyspaces;
  if (args.max_mib_per_second > 0) backup["max_mib_per_second"] = args.max_mib_per_second;
  Accepted accepted = api.post(cluster_path(id) + "/backups", {{"backup", backup}});
  nlohmann::json view = field_json(accepted.body, "backup");
  if (!args.wait) {
    session.print(accepted.body, backup_table(view));
    return 0;
  }
  const std::string backup_id = field_text(view, "id");
  if (backup_id.empty()) {
    throw common::Error(common::ErrorCode::kInternal,
                        "the server accepted the backup but sent no backup id to wait on");
  }
  return wait_for_backup(session, api, backup_id);
}

struct RestoreArgs {
  std::string cluster;
  std::string backup;
  std::vector<std::string> tables;
  bool wait = false;
};

// POST /clusters/<id>/action {"restore": {"backup", "tables"}}.
int restore_cluster(Session& session, const RestoreArgs& args) {
  ApiClient api = session.api();
  std::string id = resolve_cluster(api, args.cluster);
  Accepted accepted = api.post(cluster_path(id) + "/action",
                               {{"restore", {{"backup", args.backup}, {"tables", args.tables}}}});
  return finish_action(session, api, accepted, "restore cluster " + id, id, args.wait);
}

void add_restore(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<RestoreArgs>();
  CLI::App* restore = cluster.add_subcommand(
      "restore",
      "Load tables of a backup of this cluster back in place: every node fetches its files, the "
      "tables are truncated, then every node imports them (other tables keep serving)");
  restore->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  restore->add_option("--backup", args->backup, "The cluster backup's ID")->required();
  restore->add_option("--table", args->tables, "A table to restore (ks.table); repeatable")
      ->required();
  restore->add_flag("--wait", args->wait, "Wait until the tables are restored, showing progress");
  commands.add(restore, [&session, args] { return restore_cluster(session, *args); });
}

void add_backup(CLI::App& cluster, Session& session, CommandSet& commands) {
  auto args = std::make_shared<ClusterBackupArgs>();
  CLI::App* backup = cluster.add_subcommand(
      "backup",
      "Back up every node of a cluster: snapshots on every node at once, then stored (files an "
      "earlier backup stored are not sent again)");
  backup->add_option("cluster", args->cluster, "Cluster ID or name")->required();
  backup->add_option("--name", args->name, "Name of the new backup")->required();
  backup->add_option("--description", args->description, "A description of the backup");
  backup->add_option("--keyspace", args->keyspaces,
                     "Back up only this keyspace (ks) or table (ks.table); repeatable");
  backup
      ->add_option("--max-mib-per-second", args->max_mib_per_second,
                   "Bandwidth limit per node while storing, in MiB/s (default: none)")
      ->check(CLI::Range(1, 100000));
  backup->add_flag("--wait", args->wait,
                   "Wait until the backup is COMPLETED (exit 0) or FAILED (exit 1), showing "
                   "progress");
  commands.add(backup, [&session, args] { return backup_cluster(session, *args); });
}

}  // namespace

void add_cluster_action_commands(CLI::App& cluster, Session& session, CommandSet& commands) {
  add_grow(cluster, session, commands);
  add_shrink(cluster, session, commands);
  add_replace_node(cluster, session, commands);
  add_resize_volume(cluster, session, commands);
  add_resize_flavor(cluster, session, commands);
  add_cleanup(cluster, session, commands);
  add_backup(cluster, session, commands);
  add_restore(cluster, session, commands);
}

}  // namespace automat::cli
