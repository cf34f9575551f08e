#include "datastores/cassandra/guest_cassandra_settings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "datastores/cassandra/common_topology.h"

namespace automat::datastores::cassandra {
namespace {

using nlohmann::json;

constexpr size_t kMaxSeeds = 16;

// cluster_name goes into cassandra.yaml inside double quotes; rack and dc
// into a properties file: both stay within a plain character set.
bool plain(const std::string& s, const std::string& extra, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string::npos;
  });
}

std::string string_field(const json& config, const char* key, const std::string& fallback) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_string()) {
    throw common::bad_request(std::string("settings.") + key + " must be a string");
  }
  return config[key].get<std::string>();
}

bool bool_field(const json& config, const char* key, bool fallback) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_boolean()) {
    throw common::bad_request(std::string("settings.") + key + " must be true or false");
  }
  return config[key].get<bool>();
}

std::vector<std::string> seeds_field(const json& config) {
  std::vector<std::string> seeds;
  if (!config.contains("seeds") || config["seeds"].is_null()) return seeds;
  if (!config["seeds"].is_array()) {
    throw common::bad_request("settings.seeds must be a list of IPv4 addresses");
  }
  for (const auto& s : config["seeds"]) {
    if (!s.is_string()) throw common::bad_request("settings.seeds must hold strings");
    seeds.push_back(s.get<std::string>());
  }
  return seeds;
}

json parse_object(const std::string& settings_json) {
  if (settings_json.empty()) return json::object();
  json config = json::parse(settings_json, nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    throw common::bad_request("the settings of a cassandra node must be a JSON object");
  }
  return config;
}

// "initial_tokens": exactly kNumTokens distinct integers, or absent.
std::vector<int64_t> tokens_field(const json& config) {
  std::vector<int64_t> tokens;
  if (!config.contains("initial_tokens")) return tokens;
  const json& v = config["initial_tokens"];
  const std::string wanted = "settings.initial_tokens must list " + std::to_string(kNumTokens) +
                             " distinct 64-bit integers";
  if (!v.is_array() || v.size() != static_cast<size_t>(kNumTokens)) {
    throw common::bad_request(wanted);
  }
  for (const auto& t : v) {
    if (!t.is_number_integer()) throw common::bad_request(wanted);
    const int64_t token = t.get<int64_t>();
    if (std::find(tokens.begin(), tokens.end(), token) != tokens.end()) {
      throw common::bad_request(wanted);
    }
    tokens.push_back(token);
  }
  return tokens;
}

}  // namespace

void validate_ipv4(const std::string& address, const std::string& what) {
  in_addr a{};
  if (::inet_pton(AF_INET, address.c_str(), &a) != 1) {
    throw common::bad_request(what + " '" + address + "' is not an IPv4 address");
  }
}

void validate_seeds(const std::vector<std::string>& seeds) {
  if (seeds.empty() || seeds.size() > kMaxSeeds) {
    throw common::bad_request("seeds must list 1 to " + std::to_string(kMaxSeeds) + " addresses");
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    validate_ipv4(seeds[i], "seed");
    if (std::find(seeds.begin(), seeds.begin() + i, seeds[i]) != seeds.begin() + i) {
      throw common::bad_request("seed " + seeds[i] + " is listed twice");
    }
  }
}

namespace {

// Fills in a standalone node's defaults and checks `s`.
NodeSettings checked(NodeSettings s, const std::string& own_address) {
  if (s.standalone && s.cluster_name.empty()) s.cluster_name = "automat";
  if (s.standalone && s.seeds.empty()) s.seeds = {own_address};
  if (!plain(s.cluster_name, " _.-", 100)) {
    throw common::bad_request(
        "settings.cluster_name is required: 1-100 characters of letters, digits, space, "
        "'_', '.', '-'");
  }
  if (s.seeds.empty()) {
    throw common::bad_request(
        "settings.seeds is required for a cluster node (or set \"standalone\": true)");
  }
  validate_seeds(s.seeds);
  if (!plain(s.rack, "_.-", 48)) {
    throw common::bad_request("settings.rack '" + s.rack +
                              "' must be 1-48 letters, digits, '_', '.', '-'");
  }
  if (!plain(s.dc, "_.-", 48)) {
    throw common::bad_request("settings.dc '" + s.dc +
                              "' must be 1-48 letters, digits, '_', '.', '-'");
  }
  if (!s.initial_tokens.empty() && s.auto_bootstrap) {
    throw common::bad_request(
        "settings.initial_tokens is for a node of a new ring (auto_bootstrap false); a node "
        "joining a serving ring chooses its tokens from the ring");
  }
  if (!s.replace_address.empty()) {
    validate_ipv4(s.replace_address, "replace_address");
    if (!s.auto_bootstrap) {
      throw common::bad_request(
          "settings.replace_address needs auto_bootstrap true: a replacement streams the dead "
          "node's data");
    }
  }
  return s;
}

}  // namespace

NodeSettings node_settings(const proto::cassandra::PrepareSettings& p,
                           const std::string& own_address) {
  NodeSettings s;
  s.standalone = p.standalone();
  s.cluster_name = p.cluster_name();
  s.seeds.assign(p.seeds().begin(), p.seeds().end());
  if (p.has_rack()) s.rack = p.rack();
  if (p.has_dc()) s.dc = p.dc();
  if (p.has_auto_bootstrap()) s.auto_bootstrap = p.auto_bootstrap();
  s.replace_address = p.replace_address();
  if (p.has_racks()) {
    if (p.racks() < 1 || p.racks() > 100) {
      throw common::bad_request("settings.racks must be an integer from 1 to 100");
    }
    s.racks = p.racks();
  }
  if (!p.initial_tokens().empty()) {
    s.initial_tokens.assign(p.initial_tokens().begin(), p.initial_tokens().end());
    const std::set<int64_t> distinct(s.initial_tokens.begin(), s.initial_tokens.end());
    if (s.initial_tokens.size() != static_cast<size_t>(kNumTokens) ||
        distinct.size() != s.initial_tokens.size()) {
      throw common::bad_request("settings.initial_tokens must list " + std::to_string(kNumTokens) +
                                " distinct 64-bit integers");
    }
  }
  return checked(std::move(s), own_address);
}

NodeSettings node_settings(const google::protobuf::Any& packed, const std::string& own_address) {
  proto::cassandra::PrepareSettings settings;
  if (!packed.Is<proto::cassandra::PrepareSettings>() || !packed.UnpackTo(&settings)) {
    throw common::bad_request("a cassandra node needs its settings (a PrepareSettings), not '" +
                              packed.type_url() + "'");
  }
  return node_settings(settings, own_address);
}

NodeSettings parse_node_settings(const std::string& settings_json, const std::string& own_address) {
  const json config = parse_object(settings_json);
  NodeSettings s;
  s.standalone = bool_field(config, "standalone", false);
  s.cluster_name = string_field(config, "cluster_name", "");
  s.seeds = seeds_field(config);
  s.rack = string_field(config, "rack", s.rack);
  s.dc = string_field(config, "dc", s.dc);
  s.auto_bootstrap = bool_field(config, "auto_bootstrap", s.auto_bootstrap);
  s.replace_address = string_field(config, "replace_address", "");
  if (config.contains("racks")) {
    if (!config["racks"].is_number_integer() || config["racks"].get<int64_t>() < 1 ||
        config["racks"].get<int64_t>() > 100) {
      throw common::bad_request("settings.racks must be an integer from 1 to 100");
    }
    s.racks = static_cast<int>(config["racks"].get<int64_t>());
  }
  s.initial_tokens = tokens_field(config);
  return checked(std::move(s), own_address);
}

int token_allocation_rf(const NodeSettings& s) {
  constexpr int kRf = 3;
  return s.racks > 1 && s.racks < kRf ? s.racks : kRf;
}

std::string settings_to_json(const NodeSettings& s) {
  json j = {{"cluster_name", s.cluster_name},
            {"seeds", s.seeds},
            {"rack", s.rack},
            {"dc", s.dc},
            {"auto_bootstrap", s.auto_bootstrap},
            {"standalone", s.standalone},
            {"racks", s.racks}};
  if (!s.replace_address.empty()) j["replace_address"] = s.replace_address;
  if (!s.initial_tokens.empty()) j["initial_tokens"] = s.initial_tokens;
  return j.dump();
}

}  // namespace automat::datastores::cassandra
