#pragma once
// The compute -> guest contract: everything a compute driver hands a new
// guest agent, as the [guestagent] section of <instance dir>/guest.conf
// (mode 0600: it holds the instance's rpc token and signing key). The driver
// renders it (compute/local/local_driver.cc), the guest parses it
// (guestagent/main.cc); one struct, so the two sides cannot drift apart.
#include <string>

#include "common/config.h"

namespace automat::common {

struct GuestConf {
  std::string instance_id;
  std::string address;      // the instance's own address; gRPC and the datastore bind it
  int port = 8780;          // gRPC port on `address`
  std::string token;        // rpc token every call must carry (secret)
  std::string signing_key;  // key for heartbeat signatures (secret)
  std::string amqp_url;     // broker for guest -> conductor messages (may hold a password)
  std::string manager;      // datastore manager name, "mysql"
  std::string datastore_version;
  std::string image_location;
  int ram_mb = 0;            // 0: unknown, the manager picks defaults
  std::string instance_dir;  // absolute
  // Absolute; where the instance's volume is mounted, the datastore's files
  // go under it (defaults to instance_dir).
  std::string volume_dir;
  int heartbeat_interval = 10;  // seconds
  std::string log_level = "info";
};

// The INI text of guest.conf: one [guestagent] section with every field.
std::string render_guest_conf(const GuestConf& conf);

// Reads [guestagent] from `cfg`. Throws Error(kBadRequest) naming the first
// missing or invalid option.
GuestConf parse_guest_conf(const Config& cfg);

}  // namespace automat::common
