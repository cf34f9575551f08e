#include "datastores/cassandra/guest_cassandra_config.h"

#include <sstream>

#include "common/error.h"
#include "datastores/cassandra/common_topology.h"

namespace automat::datastores::cassandra {
namespace {

// A YAML double-quoted scalar. Inputs are validated upstream; a quote or a
// backslash here means a path the guest cannot express safely.
std::string yaml_quoted(const std::string& value) {
  if (value.find_first_of("\"\\\n") != std::string::npos) {
    throw common::internal_error("cannot write '" + value + "' into cassandra.yaml");
  }
  return "\"" + value + "\"";
}

// A new ring's node gets its tokens; any other node lets the allocator choose.
std::string token_choice(const NodeSettings& s) {
  if (s.initial_tokens.empty()) {
    return "allocate_tokens_for_local_replication_factor: " +
           std::to_string(token_allocation_rf(s)) + "\n";
  }
  std::string list;
  for (const auto t : s.initial_tokens) list += (list.empty() ? "" : ",") + std::to_string(t);
  return "initial_token: " + yaml_quoted(list) + "\n";
}

}  // namespace

std::string seeds_parameter(const std::vector<std::string>& seeds) {
  std::string out;
  for (const auto& s : seeds) {
    if (!out.empty()) out += ",";
    out += s + ":" + std::to_string(kStoragePort);
  }
  return out;
}

std::string render_cassandra_yaml(const NodeSettings& s, const std::string& address,
                                  const CassandraLayout& layout) {
  std::ostringstream y;
  y << "# Written by the Automat guest agent (seeds are rewritten by update_seeds).\n"
    << "cluster_name: " << yaml_quoted(s.cluster_name) << "\n"
    << "num_tokens: " << kNumTokens << "\n"
    << token_choice(s) << "partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n"
    << "auto_bootstrap: " << (s.auto_bootstrap ? "true" : "false") << "\n"
    << "seed_provider:\n"
    << "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n"
    << "    parameters:\n"
    << "      - seeds: " << yaml_quoted(seeds_parameter(s.seeds)) << "\n"
    << "listen_address: " << address << "\n"
    << "rpc_address: " << address << "\n"
    << "storage_port: " << kStoragePort << "\n"
    << "native_transport_port: " << kNativePort << "\n"
    << "endpoint_snitch: GossipingPropertyFileSnitch\n"
    << "authenticator: PasswordAuthenticator\n"
    << "authorizer: CassandraAuthorizer\n"
    << "role_manager: CassandraRoleManager\n"
    << "commitlog_sync: periodic\n"
    << "commitlog_sync_period: 10000ms\n"
    << "data_file_directories:\n"
    << "  - " << yaml_quoted(layout.data_dir) << "\n"
    << "commitlog_directory: " << yaml_quoted(layout.commitlog_dir) << "\n"
    << "saved_caches_directory: " << yaml_quoted(layout.saved_caches_dir) << "\n"
    << "hints_directory: " << yaml_quoted(layout.hints_dir) << "\n"
    << "cdc_raw_directory: " << yaml_quoted(layout.cdc_raw_dir) << "\n"
    << "auto_snapshot: false\n";
  return y.str();
}

std::string render_rackdc(const NodeSettings& s) {
  return "# Written by the Automat guest agent; never change it after the first start.\n"
         "dc=" +
         s.dc + "\nrack=" + s.rack + "\n";
}

}  // namespace automat::datastores::cassandra
