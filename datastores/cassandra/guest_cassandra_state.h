#pragma once
// What a Cassandra guest remembers across its own restarts, in
// <cassandra>/state.json (whether prepare completed, whether the node should
// run, the ring settings its yaml was written from), and the admin login
// this node uses, in <cassandra>/credentials (0600, never logged).
#include <optional>
#include <string>

#include "datastores/cassandra/guest_cassandra_settings.h"

namespace automat::datastores::cassandra {

struct CassandraState {
  bool prepared = false;                 // a prepare completed
  bool should_run = false;               // started and not stopped since
  std::optional<NodeSettings> settings;  // from the last prepare or update_seeds
};

// The state stored at `path`; empty when the file does not exist. Throws
// common::Error(kInternal) when it exists but cannot be read or parsed.
CassandraState load_state(const std::string& path);
// Replaces the file at `path` atomically. Throws common::Error(kInternal).
void save_state(const std::string& path, const CassandraState& state);

struct Credentials {
  std::string username;
  std::string password;
};

// The credentials stored at `path`, nullopt when there are none. Throws
// common::Error(kInternal) when the file is unreadable or malformed.
std::optional<Credentials> load_credentials(const std::string& path);
// Writes `path` (JSON) with mode 0600 atomically. Throws
// common::Error(kBadRequest) for an empty username or password.
void store_credentials(const std::string& path, const Credentials& credentials);

}  // namespace automat::datastores::cassandra
