#include "compute/local/processes.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace automat::compute::local {
namespace {

namespace fs = std::filesystem;

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
      pids.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return pids;
}

std::vector<pid_t> members_of_any(const std::vector<pid_t>& sids) {
  std::vector<pid_t> out;
  for (pid_t pid : all_pids()) {
    auto st = read_stat(pid);
    if (!st || st->state == 'Z') continue;
    if (std::find(sids.begin(), sids.end(), st->session) != sids.end()) out.push_back(pid);
  }
  return out;
}

// Signals every process of `sids` (new ones too, as they appear) with `sig`
// until none is left or `limit` passed; returns the survivors.
std::vector<pid_t> signal_until_gone(const std::vector<pid_t>& sids, int sig,
                                     std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<pid_t> signaled;
  while (true) {
    for (pid_t sid : sids) reap_if_child(sid);
    auto left = members_of_any(sids);
    for (pid_t pid : left) {
      if (sig == SIGKILL || std::find(signaled.begin(), signaled.end(), pid) == signaled.end()) {
        ::kill(pid, sig);
        signaled.push_back(pid);
      }
    }
    if (left.empty() || std::chrono::steady_clock::now() >= deadline) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!f || !std::getline(f, line)) return std::nullopt;
  // "pid (comm) state ppid pgrp session ..."; comm may hold spaces and ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  ProcStat st;
  st.pid = pid;
  pid_t pgrp = 0;
  if (!(rest >> st.state >> st.ppid >> pgrp >> st.session)) return std::nullopt;
  return st;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  auto st = read_stat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

std::vector<std::string> process_cmdline(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::string cur;
  for (char c : raw) {
    if (c == '\0') {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) args.push_back(cur);
  return args;
}

std::vector<pid_t> session_members(pid_t sid) { return members_of_any({sid}); }

std::vector<pid_t> processes_with_arg(const std::string& arg) {
  std::vector<pid_t> out;
  for (pid_t pid : all_pids()) {
    const auto args = process_cmdline(pid);
    if (std::find(args.begin(), args.end(), arg) != args.end() && process_alive(pid)) {
      out.push_back(pid);
    }
  }
  return out;
}

void reap_if_child(pid_t pid) {
  if (pid > 0) ::waitpid(pid, nullptr, WNOHANG);
}

std::vector<pid_t> terminate_sessions(const std::vector<pid_t>& sids,
                                      std::chrono::milliseconds grace) {
  if (sids.empty()) return {};
  if (signal_until_gone(sids, SIGTERM, grace).empty()) return {};
  return signal_until_gone(sids, SIGKILL, grace);
}

}  // namespace automat::compute::local
