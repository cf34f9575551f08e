#include "tests/support/cassandra_node.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/error.h"
#include "datastores/cassandra/common_cql_client.h"

namespace automat::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Java 17 from Debian when present (JAVA_HOME may name another release).
std::string java_binary() {
  for (const char* j : {"/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                        "/usr/lib/jvm/java-17-openjdk-arm64/bin/java"}) {
    if (::access(j, X_OK) == 0) return j;
  }
  return "java";
}

// Non-comment lines of a JVM options file, one argument each.
std::vector<std::string> options_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<std::string> args;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty() && line[0] != '#') args.push_back(line);
  }
  return args;
}

std::string tail(const fs::path& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += l + "\n";
  return out;
}

// True when a TCP connection to address:port succeeds within `timeout`.
bool port_open(const std::string& address, int port, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{0, static_cast<suseconds_t>(timeout.count() * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// True when address:port can be bound (nothing listens there).
bool port_free(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string CassandraNode::image_from_env() {
  const char* image = std::getenv("AUTOMAT_CASSANDRA_IMAGE");
  if (!image || !*image) {
    throw std::runtime_error(
        "AUTOMAT_CASSANDRA_IMAGE is not set: lay out the image with `automat-manage datastore "
        "install cassandra --version 5.0.9 --images-dir DIR --no-register` and export "
        "AUTOMAT_CASSANDRA_IMAGE=DIR/cassandra/5.0.9 (./run_tests.sh does both)");
  }
  if (!fs::exists(fs::path(image) / ".complete")) {
    throw std::runtime_error(std::string("AUTOMAT_CASSANDRA_IMAGE=") + image +
                             " is not a complete Cassandra image (no .complete)");
  }
  return image;
}

std::string CassandraNode::free_address() {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> octet(1, 254);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string a = "127.31." + std::to_string(octet(rng)) + "." + std::to_string(octet(rng));
    if (port_free(a, kCqlPort) && port_free(a, kStoragePort)) return a;
  }
  throw std::runtime_error("no free 127.31.x.y address for a Cassandra node");
}

int CassandraNode::free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

CassandraNode::CassandraNode(CassandraNodeOptions options) : options_(std::move(options)) {
  if (options_.address.empty()) throw std::runtime_error("CassandraNode needs an address");
  if (options_.image_dir.empty()) options_.image_dir = image_from_env();
  if (options_.seeds.empty()) options_.seeds = {options_.address};
  if (options_.jmx_port == 0) options_.jmx_port = free_local_port();
  const fs::path tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string templ = (tmp / "automat-cassandra.XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed in " + tmp.string());
  dir_ = templ;
  try {
    write_config();
    launch();
    wait_for_cql_port();
  } catch (...) {
    stop();
    throw;
  }
}

CassandraNode::~CassandraNode() { stop(); }

void CassandraNode::write_config() const {
  const fs::path d(dir_);
  for (const char* sub :
       {"data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs", "tmp", "triggers"}) {
    fs::create_directories(d / sub);
  }
  std::string seeds;
  for (const auto& s : options_.seeds) {
    seeds += (seeds.empty() ? "" : ",") + s + ":" + std::to_string(kStoragePort);
  }
  std::ofstream yaml(d / "cassandra.yaml");
  yaml << "cluster_name: '" << options_.cluster_name << "'\n"
       << "num_tokens: 16\n"
       << "allocate_tokens_for_local_replication_factor: 3\n"
       << "partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n"
       << "auto_bootstrap: " << (options_.auto_bootstrap ? "true" : "false") << "\n"
       << "seed_provider:\n"
       << "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n"
       << "    parameters:\n"
       << "      - seeds: \"" << seeds << "\"\n"
       << "listen_address: " << options_.address << "\n"
       << "rpc_address: " << options_.address << "\n"
       << "storage_port: " << kStoragePort << "\n"
       << "native_transport_port: " << kCqlPort << "\n"
       << "endpoint_snitch: GossipingPropertyFileSnitch\n"
       << "authenticator: PasswordAuthenticator\n"
       << "commitlog_sync: periodic\n"
       << "commitlog_sync_period: 10000ms\n"
       << "data_file_directories:\n  - " << (d / "data").string() << "\n"
       << "commitlog_directory: " << (d / "commitlog").string() << "\n"
       << "saved_caches_directory: " << (d / "saved_caches").string() << "\n"
       << "hints_directory: " << (d / "hints").string() << "\n"
       << "cdc_raw_directory: " << (d / "cdc_raw").string() << "\n"
       << "auto_snapshot: false\n";
  std::ofstream rackdc(d / "cassandra-rackdc.properties");
  rackdc << "dc=" << options_.dc << "\nrack=" << options_.rack << "\n";
  if (!yaml || !rackdc) throw std::runtime_error("cannot write the node's config in " + dir_);
}

std::vector<std::string> CassandraNode::command_line() const {
  const fs::path img(options_.image_dir);
  std::string jamm;
  for (const auto& entry : fs::directory_iterator(img / "lib")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("jamm-") && name.ends_with(".jar")) jamm = entry.path().string();
  }
  if (jamm.empty()) throw std::runtime_error("no jamm jar in " + (img / "lib").string());
  std::vector<std::string> argv{java_binary()};
  for (auto& a : options_file(img / "conf" / "jvm17-server.options")) argv.push_back(a);
  const std::string node = dir_;
  for (const std::string& a :
       {"-Xms" + options_.heap,
        "-Xmx" + options_.heap,
        std::string("-XX:ParallelGCThreads=1"),
        std::string("-XX:ConcGCThreads=1"),
        "-javaagent:" + jamm,
        "-Djava.io.tmpdir=" + node + "/tmp",
        "-Dcassandra.config=file://" + node + "/cassandra.yaml",
        "-Dcassandra-rackdc.properties=file://" + node + "/cassandra-rackdc.properties",
        "-Dcassandra.storagedir=" + node,
        "-Dcassandra.logdir=" + node + "/logs",
        "-Dcassandra.triggers_dir=" + node + "/triggers",
        "-Dlogback.configurationFile=" + (img / "conf" / "logback.xml").string(),
        std::string("-Dcassandra-foreground=yes"),
        "-Dcassandra.jmx.local.port=" + std::to_string(options_.jmx_port),
        std::string("-Dcassandra.skip_wait_for_gossip_to_settle=0"),
        std::string("-Dcassandra.ring_delay_ms=1000"),
        std::string("-Dcassandra.superuser_setup_delay_ms=0"),
        std::string("-Dcassandra.ignore_kernel_bug_1057843_check=true"),
        std::string("-cp"),
        (img / "conf").string() + ":" + (img / "lib").string() + "/*",
        std::string("org.apache.cassandra.service.CassandraDaemon")}) {
    argv.push_back(a);
  }
  return argv;
}

void CassandraNode::launch() {
  const std::vector<std::string> args = command_line();
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string out_path = dir_ + "/logs/stdout.log";
  const pid_t parent = ::getpid();
  launched_at_ = Clock::now();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {  // only async-signal-safe calls until exec
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
}

void CassandraNode::wait_for_cql_port() {
  const auto deadline = launched_at_ + options_.start_timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("Cassandra at " + options_.address +
                               " exited during start (status " + std::to_string(status) + "):\n" +
                               log_tail());
    }
    if (port_open(options_.address, kCqlPort, std::chrono::milliseconds(500))) {
      start_time_ =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - launched_at_);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll interval
  }
  throw std::runtime_error("Cassandra at " + options_.address + " did not open its CQL port in " +
                           std::to_string(options_.start_timeout.count()) + " s:\n" + log_tail());
}

void CassandraNode::wait_until_login_works(const std::string& user, const std::string& password,
                                           std::chrono::seconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  std::string last;
  while (Clock::now() < deadline) {
    try {
      datastores::cassandra::cql::connect(
          {options_.address, kCqlPort, user, password, std::chrono::seconds(5)});
      return;
    } catch (const common::Error& e) {
      last = e.what();  // the default role may not exist yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // poll interval
  }
  throw std::runtime_error("CQL login as " + user + " at " + options_.address +
                           " never worked: " + last + "\n" + log_tail());
}

void CassandraNode::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

std::string CassandraNode::log_tail(size_t lines) const {
  return "--- system.log ---\n" + tail(fs::path(dir_) / "logs" / "system.log", lines) +
         "--- stdout ---\n" + tail(fs::path(dir_) / "logs" / "stdout.log", lines);
}

}  // namespace automat::testing
