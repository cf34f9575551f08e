#include "datastores/cassandra/guest_cassandra_jvm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/guest_cassandra_command.h"
#include "datastores/cassandra/guest_cassandra_config.h"
#include "datastores/cassandra/guest_cassandra_ring.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr auto kTermTimeout = seconds(120);  // SIGTERM drains memtables first
constexpr auto kKillTimeout = seconds(15);
constexpr auto kProbeTimeout = milliseconds(3000);
constexpr auto kPortGrace = seconds(10);

// True when nothing holds `address`:`port` (a listener would make bind fail
// even with SO_REUSEADDR, which only forgives TIME_WAIT leftovers).
bool port_free(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;  // cannot tell; the JVM will say
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

std::string file_tail(const std::string& path, size_t lines) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "";
  f.seekg(0, std::ios::end);
  const auto size = static_cast<long long>(f.tellg());
  const long long from = size > 16384 ? size - 16384 : 0;
  f.seekg(from);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return guestagent::tail_lines(text, lines);
}

}  // namespace

CassandraJvm::CassandraJvm(CassandraLayout layout, std::string address, std::string instance_id,
                           std::string image_dir, int ram_mb)
    : layout_(std::move(layout)),
      address_(std::move(address)),
      instance_id_(std::move(instance_id)),
      image_dir_(std::move(image_dir)),
      ram_mb_(ram_mb),
      jmx_port_(jmx_port_for(address_)),
      process_({"cassandra", instance_id_, layout_.pid_file,
                /*writes_pid_file=*/false, "-Dcassandra.config=file://" + layout_.config,
                layout_.out_file}) {}

void CassandraJvm::require_image() const {
  if (image_dir_.empty() || !fs::is_directory(image_dir_ + "/lib") ||
      !fs::is_directory(image_dir_ + "/conf")) {
    throw common::internal_error("the Cassandra image '" + image_dir_ +
                                 "' has no lib/ and conf/; register the datastore version with "
                                 "the image location automat-manage datastore install laid out");
  }
}

void CassandraJvm::configure(const NodeSettings& settings) {
  require_image();
  for (const auto& dir : layout_.directories()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw common::internal_error("cannot create " + dir + ": " + ec.message());
    ::chmod(dir.c_str(), 0750);
  }
  common::write_file_atomically(layout_.config, render_cassandra_yaml(settings, address_, layout_),
                                0640);
  common::write_file_atomically(layout_.rackdc, render_rackdc(settings), 0640);
  bootstraps_ = settings.auto_bootstrap;
  ring_member_ = !settings.standalone;
  new_ring_start_ = !settings.auto_bootstrap && !settings.initial_tokens.empty() &&
                    settings.replace_address.empty();
}

void CassandraJvm::start(const std::string& replace_address, seconds timeout) {
  process_.bring_up({[this] { stop(); },
                     [this, &replace_address] {
                       check_ports_free();
                       spawn(replace_address);
                     },
                     [this, timeout] { wait_ready(timeout); }});
}

void CassandraJvm::record_class_archives(std::string server_archive, std::string nodetool_archive) {
  std::lock_guard<std::mutex> lock(training_mu_);
  record_server_archive_ = std::move(server_archive);
  record_nodetool_archive_ = std::move(nodetool_archive);
}

void CassandraJvm::stop() {
  const auto who = process_.live();
  guestagent::SupervisedProcess::StopPlan plan;  // SIGTERM drains memtables first
  plan.grace = kTermTimeout;
  plan.final_signal = SIGKILL;
  plan.final_wait = kKillTimeout;
  if (!who || process_.stop(plan)) return;
  throw common::internal_error("the Cassandra JVM (pid " + std::to_string(who->pid) +
                               ") did not exit even after SIGKILL");
}

CassandraServer::Health CassandraJvm::health() {
  if (!process_.alive()) return Health::kDown;
  return answers() ? Health::kAnswering : Health::kUnresponsive;
}

std::string CassandraJvm::nodetool(const std::vector<std::string>& args, milliseconds timeout) {
  const std::string what = args.empty() ? "nodetool" : "nodetool " + args.front();
  if (!process_.alive()) {
    throw common::unavailable(what + ": Cassandra is not running on " + address_);
  }
  NodetoolSpec spec;
  spec.java = java_launcher();
  spec.image_dir = image_dir_;
  spec.client_options = read_jvm_options(image_dir_, "jvm17-clients.options");
  spec.jmx_port = jmx_port_;
  {
    std::lock_guard<std::mutex> lock(training_mu_);
    spec.archive_at_exit = std::exchange(record_nodetool_archive_, "");
  }
  if (spec.archive_at_exit.empty()) {
    spec.class_archive = usable_archive(nodetool_archive_file(image_dir_));
  }
  const auto argv = nodetool_command(spec, args);
  const auto r = guestagent::run_command(argv, "", timeout);
  if (r.timed_out) {
    throw common::internal_error(what + " on " + address_ + " did not finish within " +
                                 std::to_string(timeout.count() / 1000) + " s");
  }
  if (!r.ok()) {
    throw common::internal_error(what + " on " + address_ +
                                 " failed: " + nodetool_error_message(r.output));
  }
  return r.output;
}

std::unique_ptr<cql::Session> CassandraJvm::cql(const Credentials& login) {
  cql::ConnectOptions options;
  options.host = address_;
  options.port = kNativePort;
  options.username = login.username;
  options.password = login.password;
  return cql::connect(options);
}

int64_t CassandraJvm::free_disk_bytes() {
  struct statvfs st {};
  const std::string& dir = fs::exists(layout_.data_dir) ? layout_.data_dir : layout_.root;
  if (::statvfs(dir.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

void CassandraJvm::check_ports_free() const {
  // A JVM that just exited may hold its sockets a moment longer.
  const auto deadline = Clock::now() + kPortGrace;
  while (Clock::now() < deadline &&
         !(port_free("127.0.0.1", jmx_port_) && port_free(address_, kStoragePort) &&
           port_free(address_, kNativePort))) {
    std::this_thread::sleep_for(milliseconds(200));
  }
  if (!port_free("127.0.0.1", jmx_port_)) {
    throw common::conflict("JMX port " + std::to_string(jmx_port_) +
                           " on 127.0.0.1 (derived from the node address " + address_ +
                           ") is in use by another process; free it or give the node another "
                           "address");
  }
  for (int port : {kStoragePort, kNativePort}) {
    if (!port_free(address_, port)) {
      throw common::conflict("port " + std::to_string(port) + " on " + address_ +
                             " is in use by another process; Cassandra cannot bind it");
    }
  }
}

void CassandraJvm::spawn(const std::string& replace_address) {
  require_image();
  ServerCommandSpec spec;
  spec.java = java_launcher();
  spec.image_dir = image_dir_;
  spec.server_options = read_jvm_options(image_dir_, "jvm17-server.options");
  spec.jamm_jar = find_jamm_jar(image_dir_);
  spec.layout = layout_;
  spec.heap_mb = heap_mb_for(ram_mb_);
  spec.jmx_port = jmx_port_;
  spec.replace_address = replace_address;
  spec.joining = bootstraps_;
  spec.new_ring = new_ring_start_.exchange(false);
  // Started before: Cassandra made its system keyspace then.
  std::error_code ec;
  const bool started_before = fs::exists(fs::path(layout_.data_dir) / "system", ec);
  spec.settle_gossip =
      ring_member_ && started_before && !spec.new_ring && spec.replace_address.empty();
  {
    std::lock_guard<std::mutex> lock(training_mu_);
    spec.archive_at_exit = std::exchange(record_server_archive_, "");
  }
  if (spec.archive_at_exit.empty()) {
    spec.class_archive = usable_archive(server_archive_file(image_dir_));
  }
  const pid_t pid = process_.start(server_command(spec));
  common::log::info("cassandra.started", {{"instance", instance_id_},
                                          {"pid", std::to_string(pid)},
                                          {"heap_mb", std::to_string(spec.heap_mb)},
                                          {"class_archive", spec.class_archive},
                                          {"jmx_port", std::to_string(jmx_port_)},
                                          {"replace_address", replace_address}});
}

void CassandraJvm::wait_ready(seconds timeout) {
  using Readiness = guestagent::SupervisedProcess::Readiness;
  const Readiness r = process_.wait_ready([this] { return answers(); }, timeout, milliseconds(200));
  if (r == Readiness::kExited) {
    throw common::internal_error("Cassandra on " + address_ + " " + process_.exit_description() +
                                 " while starting; " + log_tail());
  }
  if (r == Readiness::kTimedOut) {
    throw common::internal_error("Cassandra on " + address_ + " did not answer CQL within " +
                                 std::to_string(timeout.count()) + " s; " + log_tail());
  }
}

bool CassandraJvm::answers() {
  cql::ConnectOptions options;
  options.host = address_;
  options.port = kNativePort;
  options.timeout = kProbeTimeout;
  try {
    cql::connect(options);  // no login offered: a login prompt is an answer
    return true;
  } catch (const common::Error& e) {
    return e.code() == common::ErrorCode::kUnauthorized;
  }
}

std::string CassandraJvm::log_tail() const {
  const std::string system_log = layout_.log_dir + "/system.log";
  std::string tail = "last lines of " + system_log + ": " + file_tail(system_log, 8);
  const std::string out = file_tail(layout_.out_file, 5);
  if (!out.empty()) tail += "; of " + layout_.out_file + ": " + out;
  return tail;
}

}  // namespace automat::datastores::cassandra
