#pragma once
// The guest agent's configuration: the [guestagent] section of the guest.conf
// the compute driver writes into the instance directory (mode 0600, since it
// holds the instance's rpc token and signing key).
#include <string>

#include "common/config.h"
#include "guestagent/datastore_manager.h"

namespace automat::guestagent {

struct GuestConfig {
  std::string instance_id;
  std::string address;      // the instance's own address; gRPC and the datastore bind it
  int port = 8780;          // gRPC port on `address`
  std::string token;        // rpc token every call must carry (secret)
  std::string signing_key;  // key for heartbeat signatures (secret)
  std::string amqp_url;     // broker for guest -> conductor messages (may hold a password)
  std::string manager;      // datastore manager name, "mysql"
  std::string datastore_version;
  std::string image_location;
  int ram_mb = 0;
  std::string instance_dir;     // absolute
  int heartbeat_interval = 10;  // seconds
  std::string log_level = "info";

  // What the datastore manager is told about this node.
  NodeContext node() const;
};

// Reads [guestagent] from `cfg`. Throws common::Error(kBadRequest) naming the
// first missing or invalid option.
GuestConfig load_guest_config(const common::Config& cfg);

}  // namespace automat::guestagent
