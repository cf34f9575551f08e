#pragma once
// The bodies of the cluster requests, built from the command line's
// arguments (docs/clusters-api.md has the server's side).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace automat::cli {

// The rack a node gets when `cluster create` is given no --rack.
inline constexpr const char* kDefaultRack = "rack1";

struct CreateClusterArgs {
  std::string name;
  std::string datastore;          // --datastore (cassandra)
  std::string datastore_version;  // empty: the datastore's default
  std::string flavor;             // ID or name, resolved before the request is built
  int size_gb = 0;
  int nodes = 0;
  std::vector<std::string> racks;  // empty: every node in kDefaultRack
  // --restore-from: a cluster backup the new cluster is built from; then
  // flavor, size and nodes may all be left out (the backup's are used).
  std::string restore_from;
  std::vector<std::string> restore_keyspaces;  // --keyspace: what of it to load
  bool wait = false;
};

// The rack of each of `count` nodes: racks[0], racks[1], ... round-robin;
// empty when `racks` is.
std::vector<std::string> racks_round_robin(int count, const std::vector<std::string>& racks);

// Why `racks` cannot place `nodes` new nodes (an empty rack name, or more
// racks than nodes, which would leave a rack empty); "" when they can.
std::string rack_problem(int nodes, const std::vector<std::string>& racks);

// Why `cluster create`'s node options do not go together ("" when they
// do): without --restore-from, --flavor, --size and --nodes are required;
// with it, all three or none.
std::string create_options_problem(const CreateClusterArgs& args);

// Trove's form: {"cluster": {"name", "datastore": {"type"[, "version"]},
// "instances": [{"flavorRef", "volume": {"size"}, "availability_zone"}]}},
// one instance per node, zones from racks_round_robin (kDefaultRack when no
// rack is given); with restore_from, "restore": {"backup", "keyspaces"?}
// too, and no instances when args.nodes is 0.
nlohmann::json create_cluster_request(const CreateClusterArgs& args, const std::string& flavor_id);

// {"grow": [{"availability_zone"?} x count]}: the new nodes take the
// cluster's flavor and volume; without racks the server puts them in the
// cluster's only rack (and refuses when it spans several).
nlohmann::json grow_request(int count, const std::vector<std::string>& racks);

// {"shrink": [{"id"}...]}
nlohmann::json shrink_request(const std::vector<std::string>& node_ids);

// {"replace_node": {"id"}}
nlohmann::json replace_node_request(const std::string& node_id);

// {"cleanup": {}} (Cassandra's own action)
nlohmann::json cleanup_request();

// {"resize_volume": {"size": size_gb}}: every node's volume grows to size_gb.
nlohmann::json resize_volume_request(int size_gb);

// {"resize": {"flavorRef": flavor_id[, "by": by][, "concurrency": N]}}: every
// node restarts on the new flavor, a rolling restart "node" by node or by
// "rack". `by` empty and `concurrency` 0 are left out (the server's defaults,
// "node" and 1).
nlohmann::json resize_flavor_request(const std::string& flavor_id, const std::string& by,
                                     int concurrency);

}  // namespace automat::cli
