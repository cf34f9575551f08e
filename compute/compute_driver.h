#pragma once
// Where a node runs. The taskmanager asks a driver for servers; the driver
// hides whether that is a local directory plus a process (compute/local), a
// network namespace, or a Nova server. Implementations register under a name
// in compute/registry.cc; [compute] driver in automat.conf picks one.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guestclient/guest_endpoint.h"

namespace automat::common {
class Config;
}

namespace automat::compute {

struct ServerSpec {
  std::string instance_id;
  std::string manager;            // guest manager, "mysql"
  std::string datastore_version;  // "10.11"
  std::string image_location;     // where the datastore binaries live ("" = OS)
  int ram_mb = 0;
  int vcpus = 0;
  int volume_gb = 0;
  std::string availability_zone;
};

// What a driver finds of one instance's server by looking at where servers
// run (and at its address leases), never at the instance records: the
// reaper compares these with the records to find orphans.
struct Footprint {
  std::string instance_id;
  std::string directory;               // its files, "" when there are none
  std::vector<std::string> processes;  // "<pid> <program>" of each live one
  std::string address;                 // its leased address, "" when none
  // How long the server has existed as it is: the youngest of its directory
  // (last entry added or removed), its oldest process and its lease.
  std::chrono::seconds age{0};
};

// A server is where its guest agent listens: the record the driver writes
// and the guest clients (guestclient/) read.
using Server = guestclient::GuestEndpoint;

class ComputeDriver {
 public:
  virtual ~ComputeDriver() = default;
  // Creates the server and starts its guest agent, detached so it outlives
  // the caller. Idempotent: for an instance that already has a server,
  // returns it (restarting its guest agent if it is not running).
  // Throws common::Error with a user-readable message on failure.
  virtual Server create(const ServerSpec& spec) = 0;
  // The server of `instance_id`, or nullopt when it has none.
  virtual std::optional<Server> find(const std::string& instance_id) = 0;
  // Whether the guest agent process of `instance_id` is alive.
  virtual bool guest_running(const std::string& instance_id) = 0;
  // Stops the guest agent and whatever datastore processes it left, removes
  // the server's files and releases its address. Idempotent.
  virtual void destroy(const std::string& instance_id) = 0;
  // Grows the volume of `instance_id`'s server to `size_gb` while its
  // datastore keeps running (the filesystem grows online; no restart).
  // Idempotent: a volume already that large is left as it is. Volumes only
  // grow: a smaller size throws common::Error(kBadRequest); an instance
  // without a server throws Error(kNotFound); a host that cannot grow it
  // throws Error(kInternal) with the host's reason.
  virtual void resize_volume(const std::string& instance_id, int size_gb) = 0;
  // Every server footprint the driver finds (see Footprint), those of live
  // instances included. Starts and stops nothing. Throws common::Error when
  // it cannot look (e.g. the address leases are unreachable).
  virtual std::vector<Footprint> footprints() = 0;
};

}  // namespace automat::compute
