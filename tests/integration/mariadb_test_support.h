#pragma once
// What integration tests of the MySQL guest need around a real MariaDB: a
// free loopback address for a server, and its mariadbd processes (to kill
// them at the end of a suite).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/process_table.h"

namespace automat::testing {

// True when something accepts TCP connections on address:port.
inline bool listening(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

// A 127.77.x.y address nothing listens on at 3306, other than `taken`.
inline std::string free_loopback_address(const std::vector<std::string>& taken = {}) {
  std::mt19937 rng(std::random_device{}());
  for (int i = 0; i < 200; ++i) {
    const std::string a =
        "127.77." + std::to_string(rng() % 250 + 1) + "." + std::to_string(rng() % 250 + 2);
    bool used = listening(a, 3306);
    for (const auto& t : taken) used = used || t == a;
    if (!used) return a;
  }
  throw std::runtime_error("no free 127.77.x.y address");
}

// Pids of mariadbd processes whose command line names `config`.
inline std::vector<pid_t> mariadbd_pids(const std::string& config) {
  std::vector<pid_t> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (!common::process_alive(pid)) continue;
    const std::string cmd = common::command_line_of(pid);
    if (cmd.find("mariadbd") != std::string::npos && cmd.find(config) != std::string::npos) {
      pids.push_back(pid);
    }
  }
  return pids;
}

}  // namespace automat::testing
