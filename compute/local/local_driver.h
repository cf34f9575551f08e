#pragma once
// The embedded compute driver: each instance is a directory under
// <state_dir>/instances/<id>/ plus a detached automat-guestagent process
// bound to its own loopback address from [compute] address_pool, as ccm
// does for Cassandra nodes. The guest runs in its own session, so it and the
// datastore it starts survive the taskmanager, and destroy() can find every
// one of them by session id. A new guest is never started on an address
// something still listens on (see ListenerProbe): such an address is skipped
// and logged, and another one leased.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/process_table.h"
#include "compute/compute_driver.h"
#include "compute/local/listener_probe.h"
#include "compute/local/volumes.h"
#include "db/repositories.h"

namespace automat::compute::local {

struct LocalDriverOptions {
  std::string state_dir;  // absolute
  std::string address_pool = "127.10.0.0/16";
  int guest_port = 8780;
  std::string guest_secret;
  std::string amqp_url;
  std::string guestagent_binary;  // absolute
  int heartbeat_interval = 10;
  std::string guest_log_level = "info";
  // How instances get their volumes (compute/local/volumes.h); images go
  // to <state_dir>/volumes.
  VolumeMode volumes = VolumeMode::kAuto;
  // How long destroy() waits after SIGTERM (and again after SIGKILL).
  std::chrono::milliseconds stop_grace{10000};

  // From [DEFAULT] state_dir, guest_secret, amqp_url; [compute]
  // address_pool, guest_port, guestagent_binary (default: automat-guestagent
  // beside the running binary), volumes (auto | loop | directory);
  // [guestagent] heartbeat_interval, log_level.
  // Relative paths are made absolute against the current directory.
  static LocalDriverOptions from_config(const common::Config& config);
};

class LocalDriver : public ComputeDriver {
 public:
  // `leases` must outlive the driver. `probe` tells which addresses are in
  // use (default: ProcNetListenerProbe).
  LocalDriver(LocalDriverOptions options, db::AddressLeaseRepository& leases,
              std::unique_ptr<ListenerProbe> probe = nullptr,
              std::unique_ptr<common::ProgramRunner> volume_runner = nullptr);

  // Throws common::Error(kUnavailable) when every free address it tried
  // (kMaxBusyAddresses at most) has something listening on it.
  Server create(const ServerSpec& spec) override;
  std::optional<Server> find(const std::string& instance_id) override;
  bool guest_running(const std::string& instance_id) override;
  void destroy(const std::string& instance_id) override;
  void resize_volume(const std::string& instance_id, int size_gb) override;
  // From <state_dir>/instances/*, every process of a guest session (or
  // left by a dead guest) of an instance there, and every address lease.
  std::vector<Footprint> footprints() override;

  // How many in-use addresses create() skips before it gives up.
  static constexpr int kMaxBusyAddresses = 64;

  // <state_dir>/instances/<id>; throws common::Error(kBadRequest) for an id
  // that is not a plain name.
  std::string instance_dir(const std::string& instance_id) const;
  // <instance dir>/volume: where the instance's volume is mounted (and what
  // its guest keeps the datastore's files under).
  std::string volume_dir(const std::string& instance_id) const;
  // Whether volumes are real filesystems on this host (see volumes.h), and
  // why not when they are not.
  bool real_volumes() { return volumes_.real(); }
  std::string volume_fallback_reason() { return volumes_.fallback_reason(); }
  // The pid of the instance's guest agent when it is alive, else nullopt.
  std::optional<pid_t> guest_pid(const std::string& instance_id) const;

 private:
  std::string config_path(const std::string& instance_id) const;
  std::string pid_path(const std::string& instance_id) const;
  void write_guest_config(const ServerSpec& spec, const std::string& address) const;
  pid_t start_guest(const std::string& instance_id) const;
  // An address for a new guest of `instance_id`: its lease when nothing
  // listens there, else a new lease of an address where nothing does.
  std::string free_address(const std::string& instance_id);
  // The sessions of the instance's guests, alive or dead: the one its pid
  // file names, those of processes running with its guest.conf, and those
  // whose leader died leaving processes that name the instance's directory.
  std::vector<pid_t> guest_sessions(const std::string& instance_id,
                                    const std::vector<common::ProcessIdentity>& table) const;
  Footprint footprint(const std::string& instance_id,
                      const std::vector<common::ProcessIdentity>& table,
                      const std::optional<db::AddressLease>& lease) const;
  void remove_instance_dir(const std::string& instance_id);
  std::shared_ptr<std::mutex> lock_for(const std::string& instance_id);

  LocalDriverOptions options_;
  db::AddressLeaseRepository& leases_;
  std::unique_ptr<ListenerProbe> probe_;
  Volumes volumes_;
  std::mutex locks_mu_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;  // one per instance
};

}  // namespace automat::compute::local
