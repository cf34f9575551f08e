// CassandraManager::act: the ring actions the taskmanager's Cassandra
// workflow drives on one node. Arguments may hold passwords: never logged.
#include <regex>

#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_config.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "datastores/cassandra/guest_cassandra_manager.h"

namespace automat::datastores::cassandra {
namespace {

using nlohmann::json;

// Cleanup, decommission and removenode stream data: hours on a big node.
constexpr auto kStreamingTimeout = std::chrono::hours(6);
constexpr auto kReloadTimeout = std::chrono::seconds(60);
constexpr auto kCqlTimeout = std::chrono::milliseconds(30000);

std::string required_string(const json& args, const char* key) {
  if (!args.contains(key) || !args[key].is_string() || args[key].get<std::string>().empty()) {
    throw common::bad_request(std::string("the action needs a non-empty string '") + key + "'");
  }
  return args[key].get<std::string>();
}

Credentials credentials_arg(const json& args) {
  return {required_string(args, "username"), required_string(args, "password")};
}

std::string ok() { return json::object().dump(); }

// Sets a flag for a scope (a maintenance action running).
class FlagScope {
 public:
  explicit FlagScope(std::atomic<bool>& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  std::atomic<bool>& flag_;
};

}  // namespace

const std::map<std::string, CassandraManager::Action>& CassandraManager::actions() {
  static const std::map<std::string, Action> table = {
      {"ring_status", &CassandraManager::ring_status_action},
      {"secure_cluster", &CassandraManager::secure_cluster_action},
      {"store_credentials", &CassandraManager::store_credentials_action},
      {"rotate_admin", &CassandraManager::rotate_admin_action},
      {"update_seeds", &CassandraManager::update_seeds_action},
      {"cleanup", &CassandraManager::cleanup_action},
      {"decommission", &CassandraManager::decommission_action},
      {"remove_node", &CassandraManager::remove_node_action},
      {"keyspaces", &CassandraManager::keyspaces_action},
  };
  return table;
}

std::string CassandraManager::act(const std::string& action, const std::string& args_json) {
  const auto it = actions().find(action);
  if (it == actions().end()) {
    throw common::bad_request("the cassandra guest has no action '" + action + "'");
  }
  json args = args_json.empty() ? json::object() : json::parse(args_json, nullptr, false);
  if (args.is_discarded() || !args.is_object()) {
    throw common::bad_request("the arguments of '" + action + "' must be a JSON object");
  }
  common::log::info("cassandra.action", {{"instance", instance_id_}, {"action", action}});
  const std::string result = (this->*(it->second))(args);
  // An action that changes the node or the ring is followed by a heartbeat
  // (the guest service announces it): that heartbeat must show the ring as
  // it is now, not the cached view from before (a ring just secured would
  // otherwise wait a whole heartbeat interval to be seen UN).
  if (action != "ring_status" && action != "keyspaces") forget_detail();
  return result;
}

// {} -> {"nodes": [{"address","state","rack","dc","load_bytes","host_id"}]}
std::string CassandraManager::ring_status_action(const json&) {
  return json{{"nodes", ring_to_json(ring())}}.dump();
}

// {username, password} -> {}: the admin superuser replaces cassandra/cassandra.
std::string CassandraManager::secure_cluster_action(const json& args) {
  secure_ring(*server_, credentials_arg(args), ring(), timing_.login_timeout);
  return ok();
}

// {username, password} -> {}: the login this node uses from now on.
std::string CassandraManager::store_credentials_action(const json& args) {
  store_credentials(layout_.credentials, credentials_arg(args));
  return ok();
}

// {password} -> {"username"}: the stored admin login gets a new password
// (through this node's CQL), stored here; the other nodes need
// store_credentials with it.
std::string CassandraManager::rotate_admin_action(const json& args) {
  const std::string password = required_string(args, "password");
  validate_password(password);
  const auto admin = load_credentials(layout_.credentials);
  if (!admin) {
    throw common::conflict("the Cassandra node " + instance_id_ +
                           " has no admin credentials to rotate; secure the cluster first");
  }
  auto session = login_until(*server_, *admin, kCqlTimeout);
  // Only the password: Cassandra refuses a role altering its own superuser status.
  run_script(*session, {{"ALTER ROLE " + common::cql::quote_identifier(admin->username) +
                             " WITH PASSWORD = " + common::cql::quote_literal(password),
                         {password}}});
  store_credentials(layout_.credentials, {admin->username, password});
  return json{{"username", admin->username}}.dump();
}

// {seeds: [...]} -> {}: yaml rewritten, then nodetool reloadseeds.
std::string CassandraManager::update_seeds_action(const json& args) {
  if (!args.contains("seeds") || !args["seeds"].is_array()) {
    throw common::bad_request("update_seeds needs 'seeds': a list of IPv4 addresses");
  }
  std::vector<std::string> seeds;
  for (const auto& s : args["seeds"]) {
    if (!s.is_string()) throw common::bad_request("update_seeds: seeds must be strings");
    seeds.push_back(s.get<std::string>());
  }
  validate_seeds(seeds);
  std::lock_guard<std::timed_mutex> op(op_mu_);
  auto settings = state().settings;
  if (!settings) {
    throw common::conflict("the Cassandra node " + instance_id_ + " was never configured");
  }
  settings->seeds = seeds;
  server_->configure(*settings);
  update_state([&](CassandraState& s) { s.settings = settings; });
  // A stopped node reads the new yaml when it starts.
  if (server_->health() != CassandraServer::Health::kDown) {
    server_->nodetool({"reloadseeds"}, kReloadTimeout);
  }
  common::log::info("cassandra.seeds_updated",
                    {{"instance", instance_id_}, {"seeds", seeds_parameter(seeds)}});
  return ok();
}

// {} -> {}: blocks until nodetool cleanup finished; the node is BLOCKED meanwhile.
std::string CassandraManager::cleanup_action(const json&) {
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  FlagScope blocked(maintenance_);
  server_->nodetool({"cleanup"}, kStreamingTimeout);
  return ok();
}

// {} -> {}: blocks until this node left the ring; errors carry nodetool's message.
std::string CassandraManager::decommission_action(const json&) {
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  FlagScope blocked(maintenance_);
  server_->nodetool({"decommission"}, kStreamingTimeout);
  return ok();
}

// {host_id} -> {}: nodetool removenode for a dead node of the ring.
std::string CassandraManager::remove_node_action(const json& args) {
  static const std::regex kUuid(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
      "[0-9a-fA-F]{12}$");
  const std::string host_id = required_string(args, "host_id");
  if (!std::regex_match(host_id, kUuid)) {
    throw common::bad_request("remove_node: host_id '" + host_id + "' is not a host id (UUID)");
  }
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  server_->nodetool({"removenode", host_id}, kStreamingTimeout);
  return ok();
}

// {} -> {"keyspaces": [{"name","class","replication":{...}}]}
std::string CassandraManager::keyspaces_action(const json&) {
  auto session = login_until(*server_, admin_login(), kCqlTimeout);
  return json{{"keyspaces", list_keyspaces(*session)}}.dump();
}

}  // namespace automat::datastores::cassandra
