#include "compute/local/local_driver.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/atomic_file.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/guest_conf.h"
#include "common/log.h"
#include "common/process_table.h"
#include "compute/local/processes.h"
#include "compute/local/spawn.h"

namespace automat::compute::local {
namespace {

namespace fs = std::filesystem;

std::string absolute_path(const std::string& p) { return fs::absolute(p).lexically_normal(); }

std::string default_guest_binary() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "automat-guestagent";
  return (self.parent_path() / "automat-guestagent").string();
}

bool plain_name(const std::string& id) {
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::optional<pid_t> read_pid_file(const std::string& path) {
  std::ifstream f(path);
  long pid = 0;
  if (!(f >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool has_arg(pid_t pid, const std::string& arg) {
  const auto args = common::process_cmdline(pid);
  return std::find(args.begin(), args.end(), arg) != args.end();
}

}  // namespace

LocalDriverOptions LocalDriverOptions::from_config(const common::Config& config) {
  LocalDriverOptions o;
  o.state_dir = absolute_path(config.get("DEFAULT", "state_dir", ".automat"));
  o.address_pool = config.get("compute", "address_pool", o.address_pool);
  o.guest_port = config.get_int("compute", "guest_port", o.guest_port);
  o.guest_secret = config.get("DEFAULT", "guest_secret");
  o.amqp_url = config.get("DEFAULT", "amqp_url");
  const std::string binary = config.get("compute", "guestagent_binary");
  o.guestagent_binary = binary.empty() ? default_guest_binary() : absolute_path(binary);
  o.heartbeat_interval = config.get_int("guestagent", "heartbeat_interval", 10);
  o.guest_log_level = config.get("guestagent", "log_level", "info");
  o.volumes = parse_volume_mode(config.get("compute", "volumes", "auto"));
  if (o.guest_secret.empty()) {
    throw common::bad_request("[DEFAULT] guest_secret must be set for the local compute driver");
  }
  return o;
}

LocalDriver::LocalDriver(LocalDriverOptions options, db::AddressLeaseRepository& leases,
                         std::unique_ptr<ListenerProbe> probe,
                         std::unique_ptr<common::ProgramRunner> volume_runner)
    : options_(std::move(options)),
      leases_(leases),
      probe_(std::move(probe)),
      volumes_((fs::path(absolute_path(options_.state_dir)) / "volumes").string(), options_.volumes,
               std::move(volume_runner)) {
  options_.state_dir = absolute_path(options_.state_dir);
  if (!probe_) probe_ = std::make_unique<ProcNetListenerProbe>();
}

std::string LocalDriver::instance_dir(const std::string& instance_id) const {
  if (!plain_name(instance_id)) {
    throw common::bad_request("invalid instance id '" + instance_id + "'");
  }
  return (fs::path(options_.state_dir) / "instances" / instance_id).string();
}

std::string LocalDriver::volume_dir(const std::string& instance_id) const {
  return instance_dir(instance_id) + "/volume";
}

std::string LocalDriver::config_path(const std::string& id) const {
  return instance_dir(id) + "/guest.conf";
}

std::string LocalDriver::pid_path(const std::string& id) const {
  return instance_dir(id) + "/guestagent.pid";
}

std::shared_ptr<std::mutex> LocalDriver::lock_for(const std::string& instance_id) {
  std::lock_guard<std::mutex> g(locks_mu_);
  auto& m = locks_[instance_id];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

Server LocalDriver::create(const ServerSpec& spec) {
  const std::string dir = instance_dir(spec.instance_id);
  auto lock = lock_for(spec.instance_id);
  std::lock_guard<std::mutex> g(*lock);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw common::internal_error("cannot create instance directory " + dir + ": " + ec.message());
  }
  volumes_.ensure(spec.instance_id, spec.volume_gb, volume_dir(spec.instance_id));
  if (auto pid = guest_pid(spec.instance_id)) {
    const std::string address = leases_.lease(spec.instance_id, options_.address_pool, {});
    write_guest_config(spec, address);
    common::log::info("compute.guest_already_running",
                      {{"instance", spec.instance_id}, {"pid", std::to_string(*pid)}});
    return Server{spec.instance_id, address, options_.guest_port};
  }
  // What a dead guest left running (its datastore) would fight the new one
  // for the address and the data directory.
  const auto left = terminate_sessions(guest_sessions(spec.instance_id, common::process_table()),
                                       options_.stop_grace);
  if (!left.empty()) {
    throw common::internal_error("could not stop the processes a dead guest of instance " +
                                 spec.instance_id + " left behind");
  }
  const std::string address = free_address(spec.instance_id);
  write_guest_config(spec, address);
  const pid_t pid = start_guest(spec.instance_id);
  common::log::info(
      "compute.guest_started",
      {{"instance", spec.instance_id}, {"pid", std::to_string(pid)}, {"address", address}});
  return Server{spec.instance_id, address, options_.guest_port};
}

std::string LocalDriver::free_address(const std::string& instance_id) {
  std::set<std::string> busy;
  for (int tried = 0; tried < kMaxBusyAddresses; ++tried) {
    const std::string address = leases_.lease(instance_id, options_.address_pool, busy);
    const auto ports = probe_->listening_ports(address);
    if (ports.empty()) return address;
    std::string list;
    for (int port : ports) list += (list.empty() ? "" : ",") + std::to_string(port);
    // Not ours (this instance's own leftovers were stopped just before): an
    // orphan guest or its datastore, which the orphan reaper will remove.
    common::log::warn("compute.address_in_use", {{"instance", instance_id},
                                                 {"address", address},
                                                 {"listening_ports", list},
                                                 {"action", "skipped; leasing another"}});
    leases_.release(instance_id);
    busy.insert(address);
  }
  throw common::unavailable("no usable address in " + options_.address_pool + ": the " +
                            std::to_string(busy.size()) +
                            " free addresses tried all have something listening on them");
}

std::optional<Server> LocalDriver::find(const std::string& instance_id) {
  auto address = leases_.find(instance_id);
  if (!address) return std::nullopt;
  return Server{instance_id, *address, options_.guest_port};
}

bool LocalDriver::guest_running(const std::string& instance_id) {
  return guest_pid(instance_id).has_value();
}

std::optional<pid_t> LocalDriver::guest_pid(const std::string& instance_id) const {
  auto pid = read_pid_file(pid_path(instance_id));
  if (!pid) return std::nullopt;
  reap_if_child(*pid);
  // A live pid running something else is a reused pid, not our guest.
  if (!common::process_alive(*pid) || !has_arg(*pid, config_path(instance_id))) return std::nullopt;
  return pid;
}

void LocalDriver::write_guest_config(const ServerSpec& spec, const std::string& address) const {
  common::GuestConf c;
  c.instance_id = spec.instance_id;
  c.address = address;
  c.port = options_.guest_port;
  c.token = common::crypto::guest_rpc_token(options_.guest_secret, spec.instance_id);
  c.signing_key = common::crypto::guest_signing_key(options_.guest_secret, spec.instance_id);
  c.amqp_url = options_.amqp_url;
  c.manager = spec.manager;
  c.datastore_version = spec.datastore_version;
  c.image_location = spec.image_location;
  c.ram_mb = spec.ram_mb;
  c.instance_dir = instance_dir(spec.instance_id);
  c.volume_dir = volume_dir(spec.instance_id);
  c.heartbeat_interval = options_.heartbeat_interval;
  c.log_level = options_.guest_log_level;
  // Mode 0600: it holds the instance's secrets.
  common::write_file_atomically(config_path(spec.instance_id), common::render_guest_conf(c), 0600);
}

pid_t LocalDriver::start_guest(const std::string& instance_id) const {
  DetachedCommand cmd;
  cmd.binary = options_.guestagent_binary;
  cmd.args = {"--config", config_path(instance_id)};
  cmd.log_path = instance_dir(instance_id) + "/guestagent.log";
  cmd.pid_path = pid_path(instance_id);
  return spawn_detached(cmd);
}

std::vector<pid_t> LocalDriver::guest_sessions(
    const std::string& instance_id, const std::vector<common::ProcessIdentity>& table) const {
  std::vector<pid_t> sids;
  auto add = [&](pid_t sid) {
    if (std::find(sids.begin(), sids.end(), sid) == sids.end()) sids.push_back(sid);
  };
  if (auto pid = read_pid_file(pid_path(instance_id))) {
    reap_if_child(*pid);
    // A dead leader's session id can still be carried by its children (the
    // kernel does not reuse it meanwhile); a live leader must be our guest.
    if (!common::process_alive(*pid) || has_arg(*pid, config_path(instance_id))) add(*pid);
  }
  const std::string config = config_path(instance_id);
  const std::string under_dir = instance_dir(instance_id) + "/";
  for (const auto& p : table) {
    // Guests whose pid file was lost still name our config on their command line.
    if (std::find(p.args.begin(), p.args.end(), config) != p.args.end()) {
      add(p.session);
      continue;
    }
    // A datastore whose guest died (and whose pid file went with the
    // directory) names the instance's files; its session has no leader.
    const bool names_dir = std::any_of(p.args.begin(), p.args.end(), [&](const std::string& a) {
      return a.find(under_dir) != std::string::npos;
    });
    if (names_dir && !common::process_alive(p.session)) add(p.session);
  }
  return sids;
}

void LocalDriver::destroy(const std::string& instance_id) {
  const std::string dir = instance_dir(instance_id);
  auto lock = lock_for(instance_id);
  {
    std::lock_guard<std::mutex> g(*lock);
    const auto sids = guest_sessions(instance_id, common::process_table());
    const auto left = terminate_sessions(sids, options_.stop_grace);
    if (!left.empty()) {
      throw common::internal_error("could not stop " + std::to_string(left.size()) +
                                   " process(es) of instance " + instance_id);
    }
    volumes_.remove(instance_id, volume_dir(instance_id));
    remove_instance_dir(instance_id);
    leases_.release(instance_id);
    common::log::info("compute.server_destroyed",
                      {{"instance", instance_id}, {"sessions", std::to_string(sids.size())}});
  }
  std::lock_guard<std::mutex> g(locks_mu_);
  locks_.erase(instance_id);
}

void LocalDriver::resize_volume(const std::string& instance_id, int size_gb) {
  const std::string dir = instance_dir(instance_id);
  auto lock = lock_for(instance_id);
  std::lock_guard<std::mutex> g(*lock);
  if (!fs::is_directory(dir)) throw common::not_found("instance " + instance_id + " has no server");
  volumes_.grow(instance_id, size_gb, volume_dir(instance_id));
}

void LocalDriver::remove_instance_dir(const std::string& instance_id) {
  const fs::path root = fs::weakly_canonical(fs::path(options_.state_dir) / "instances");
  const fs::path dir = fs::weakly_canonical(instance_dir(instance_id));
  // Only ever a direct child of <state_dir>/instances, even through symlinks.
  if (dir.parent_path() != root || dir.filename() != instance_id) {
    throw common::internal_error("refusing to remove " + dir.string() + ": not under " +
                                 root.string());
  }
  // Never through a mounted volume: that would empty it and leave it mounted.
  if (volumes_.mounted(volume_dir(instance_id))) {
    throw common::internal_error("refusing to remove " + dir.string() + ": its volume is mounted");
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) {
    throw common::internal_error("cannot remove instance directory " + dir.string() + ": " +
                                 ec.message());
  }
}

}  // namespace automat::compute::local
