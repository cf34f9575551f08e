#pragma once
// A PostgreSQL server of one test's own, for tests that stop, restart or
// kill -9 the server (never the shared one ./run_tests.sh starts, which
// other tests use). Started, restarted and stopped by scripts/services.sh
// (start_postgres/stop_postgres, durable settings), so it runs exactly as the
// stack's does: as the postgres system user, on a free loopback port, in a
// temporary directory removed at the end. Needs root (as ./run_tests.sh).
//
//   PrivatePostgres pg;                 // initdb + start
//   db::ConnectionPool pool(pg.dsn(), 4);
//   pg.restart();                       // stop (fast) + start
//   pg.kill_postmaster();               // kill -9, then pg.start()
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/crypto.h"

#ifndef AUTOMAT_SOURCE_DIR
#error "AUTOMAT_SOURCE_DIR (the repository root) must be defined for private_postgres.h"
#endif

namespace automat::testing {

class PrivatePostgres {
 public:
  PrivatePostgres() : port_(free_port()) {
    namespace fs = std::filesystem;
    const char* parent = std::getenv("AUTOMAT_E2E_TMPDIR");
    root_ = (fs::path(parent && *parent ? parent : "/tmp") /
             ("automat-pg-" + common::crypto::random_hex(4)))
                .string();
    fs::create_directories(root_);
    // The postgres user must reach its data directory below.
    ::chmod(root_.c_str(), 0755);
    start();
  }
  ~PrivatePostgres() {
    services("stop_postgres " + quoted(dir()));
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // Superuser DSN of the postgres database.
  std::string dsn() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }
  int port() const { return port_; }

  // Starts the server (initdb on first use); returns once it accepts
  // connections. Throws when it cannot.
  void start() { check(services("start_postgres " + quoted(dir()) + " " + std::to_string(port_))); }
  // Stops it the way an admin does (pg_ctl stop -m fast: clients are told
  // and disconnected).
  void stop() { check(services("stop_postgres " + quoted(dir()))); }
  void restart() {
    stop();
    start();
  }
  // kill -9 of the postmaster, as in a crash; waits until it is gone. Its
  // backends notice and exit; start() then runs crash recovery.
  void kill_postmaster() {
    std::ifstream f(dir() + "/data/postmaster.pid");
    long pid = 0;
    if (!(f >> pid) || pid <= 1) throw std::runtime_error("no postmaster.pid in " + dir());
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (::kill(static_cast<pid_t>(pid), 0) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("postmaster " + std::to_string(pid) + " did not die");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  std::string dir() const { return root_ + "/pg"; }

  // `s` as one shell word.
  static std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }

  // Runs `command` with scripts/services.sh sourced; returns its exit status.
  static int services(const std::string& command) {
    const std::string script = "source " + quoted(std::string(AUTOMAT_SOURCE_DIR)) +
                               "/scripts/services.sh && " + command + " >/dev/null";
    const int rc = std::system(("bash -c " + quoted(script)).c_str());
    return rc == -1 ? -1 : WEXITSTATUS(rc);
  }
  void check(int rc) const {
    if (rc != 0) {
      throw std::runtime_error("scripts/services.sh failed (" + std::to_string(rc) +
                               ") for the PostgreSQL in " + dir());
    }
  }

  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  int port_;
  std::string root_;
};

}  // namespace automat::testing
