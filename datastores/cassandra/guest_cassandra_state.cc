#include "datastores/cassandra/guest_cassandra_state.h"

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"

namespace automat::datastores::cassandra {

using nlohmann::json;

CassandraState load_state(const std::string& path) {
  CassandraState s;
  const auto text = common::read_file(path);
  if (!text) return s;
  const json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw common::internal_error("the guest state file " + path + " is not valid JSON");
  }
  s.prepared = j.value("prepared", false);
  s.should_run = j.value("should_run", false);
  if (j.contains("settings") && j["settings"].is_object()) {
    s.settings = parse_node_settings(j["settings"].dump(), "");
  }
  return s;
}

void save_state(const std::string& path, const CassandraState& s) {
  json j = {{"prepared", s.prepared}, {"should_run", s.should_run}};
  if (s.settings) j["settings"] = json::parse(settings_to_json(*s.settings));
  common::write_file_atomically(path, j.dump(2) + "\n", 0600);
}

std::optional<Credentials> load_credentials(const std::string& path) {
  const auto text = common::read_file(path);
  if (!text) return std::nullopt;
  const json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.value("username", json()).is_string() ||
      !j.value("password", json()).is_string()) {
    throw common::internal_error("the credentials file " + path + " is malformed");
  }
  return Credentials{j["username"].get<std::string>(), j["password"].get<std::string>()};
}

void store_credentials(const std::string& path, const Credentials& c) {
  if (c.username.empty() || c.password.empty()) {
    throw common::bad_request("credentials need a username and a password");
  }
  const json j = {{"username", c.username}, {"password", c.password}};
  common::write_file_atomically(path, j.dump() + "\n", 0600);
}

}  // namespace automat::datastores::cassandra
