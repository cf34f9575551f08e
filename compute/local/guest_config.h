#pragma once
// The guest agent's configuration file (<instance dir>/guest.conf), the only
// way the local driver hands a guest its identity and secrets.
#include <string>

namespace automat::compute::local {

struct GuestConfig {
  std::string instance_id;
  std::string address;
  int port = 0;
  std::string token;        // crypto::guest_rpc_token of the instance
  std::string signing_key;  // crypto::guest_signing_key of the instance
  std::string amqp_url;
  std::string manager;
  std::string datastore_version;
  std::string image_location;
  int ram_mb = 0;
  std::string instance_dir;
  int heartbeat_interval = 10;
  std::string log_level = "info";
};

// The INI text of guest.conf: one [guestagent] section.
std::string render_guest_config(const GuestConfig& cfg);

// Writes `text` to `path` with mode 0600 (it holds secrets), atomically:
// readers see the old file or the new one, never a part. Throws
// common::Error(kInternal) naming the path on failure.
void write_private_file(const std::string& path, const std::string& text);

}  // namespace automat::compute::local
