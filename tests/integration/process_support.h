#pragma once
// The process table as the integration tests of the local driver (and of the
// orphan reaper over it) see it: parsed here independently of the driver's
// own reader (common/process_table.h), so a test checks the driver against
// a second reading.
#include <sys/types.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace automat::testing {

// The session id of `pid` from /proc/<pid>/stat (-1 when gone or a zombie).
inline pid_t session_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return -1;
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  char state;
  pid_t ppid, pgrp, sid;
  rest >> state >> ppid >> pgrp >> sid;
  return state == 'Z' ? -1 : sid;
}

// Live processes of session `sid`.
inline std::vector<pid_t> in_session(pid_t sid) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string n = e.path().filename();
    if (!std::all_of(n.begin(), n.end(), ::isdigit)) continue;
    if (session_of(std::stoi(n)) == sid) out.push_back(std::stoi(n));
  }
  return out;
}

// Polls `pred` until it holds or `limit` passed; returns its last value.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace automat::testing
