#include "compute/local/processes.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
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

std::optional<ProcessIdentity> identify(pid_t pid) {
  auto st = read_stat(pid);
  if (!st || st->state == 'Z' || st->state == 'X') return std::nullopt;
  return ProcessIdentity{pid, st->session, st->start_ticks, process_cmdline(pid)};
}

std::vector<ProcessIdentity> members_of_any(const std::vector<pid_t>& sids) {
  std::vector<ProcessIdentity> out;
  for (auto& p : process_table()) {
    if (std::find(sids.begin(), sids.end(), p.session) != sids.end()) out.push_back(std::move(p));
  }
  return out;
}

// A pidfd for `pid` (-1 when it is gone or the kernel has none).
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// Signals every process of `sids` (new ones too, as they appear) with `sig`
// until none is left or `limit` passed; returns the survivors.
std::vector<pid_t> signal_until_gone(const std::vector<pid_t>& sids, int sig,
                                     std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<std::pair<pid_t, unsigned long long>> signaled;
  while (true) {
    for (pid_t sid : sids) reap_if_child(sid);
    const auto left = members_of_any(sids);
    for (const auto& p : left) {
      const std::pair<pid_t, unsigned long long> key{p.pid, p.start_ticks};
      if (sig == SIGKILL || std::find(signaled.begin(), signaled.end(), key) == signaled.end()) {
        signal_same_process(p, sig);
        signaled.push_back(key);
      }
    }
    if (left.empty() || std::chrono::steady_clock::now() >= deadline) {
      std::vector<pid_t> pids;
      for (const auto& p : left) pids.push_back(p.pid);
      return pids;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!f || !std::getline(f, line)) return std::nullopt;
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
  // majflt cmajflt utime stime cutime cstime priority nice num_threads
  // itrealvalue starttime ..."; comm may hold spaces and ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  ProcStat st;
  st.pid = pid;
  pid_t pgrp = 0;
  if (!(rest >> st.state >> st.ppid >> pgrp >> st.session)) return std::nullopt;
  std::string skip;
  for (int field = 7; field < 22; ++field) {
    if (!(rest >> skip)) return std::nullopt;
  }
  if (!(rest >> st.start_ticks)) return std::nullopt;
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

std::vector<ProcessIdentity> process_table() {
  std::vector<ProcessIdentity> out;
  for (pid_t pid : all_pids()) {
    if (auto p = identify(pid)) out.push_back(std::move(*p));
  }
  return out;
}

std::chrono::seconds process_age(unsigned long long start_ticks) {
  std::ifstream f("/proc/uptime");
  double uptime = 0;
  if (!(f >> uptime)) return std::chrono::seconds(0);
  const double started =
      static_cast<double>(start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return std::chrono::seconds(static_cast<long long>(std::max(0.0, uptime - started)));
}

bool signal_same_process(const ProcessIdentity& p, int sig) {
  if (p.pid <= 1) return false;
  const int fd = open_pidfd(p.pid);
  if (fd < 0 && errno != ENOSYS) return false;  // gone
  // With the pidfd open, the pid cannot name another process until it is
  // closed: checking it now checks the process the signal goes to.
  const auto now = identify(p.pid);
  const bool same = now && now->start_ticks == p.start_ticks && now->args == p.args;
  bool sent = false;
  if (same) {
    sent = fd >= 0 ? ::syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0) == 0
                   : ::kill(p.pid, sig) == 0;
  }
  if (fd >= 0) ::close(fd);
  return sent;
}

std::vector<pid_t> session_members(pid_t sid) {
  std::vector<pid_t> pids;
  for (const auto& p : members_of_any({sid})) pids.push_back(p.pid);
  return pids;
}

std::vector<pid_t> processes_with_arg(const std::string& arg) {
  std::vector<pid_t> out;
  for (const auto& p : process_table()) {
    if (std::find(p.args.begin(), p.args.end(), arg) != p.args.end()) out.push_back(p.pid);
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
