#include "common/process_table.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace automat::common {
namespace {

namespace fs = std::filesystem;

std::string proc_path(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

// A stat file of a process (/proc/<pid>/stat) or of one of its threads
// (/proc/<pid>/task/<tid>/stat).
std::optional<ProcStat> parse_stat(const std::string& path, pid_t pid) {
  std::ifstream f(path);
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

// The raw /proc/<pid>/cmdline: the arguments, each ended by a NUL.
std::string raw_cmdline(pid_t pid) {
  std::ifstream f(proc_path(pid, "cmdline"), std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

bool any_thread_alive(pid_t pid) {
  std::error_code ec;
  for (const auto& t : fs::directory_iterator(proc_path(pid, "task"), ec)) {
    const auto st = parse_stat((t.path() / "stat").string(), pid);
    if (st && !st->exited()) return true;
  }
  return false;
}

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

std::optional<ProcessIdentity> identity_of(pid_t pid) {
  auto st = read_stat(pid);
  if (!st || st->exited()) return std::nullopt;
  return ProcessIdentity{pid, st->session, st->start_ticks, process_cmdline(pid)};
}

// A pidfd for `pid` (-1 when it is gone or the kernel has none).
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// Sends `sig` to `pid` if `same()` holds once a pidfd to it is open.
template <typename StillSame>
bool signal_if_same(pid_t pid, int sig, StillSame same) {
  if (pid <= 1) return false;
  const int fd = open_pidfd(pid);
  if (fd < 0 && errno != ENOSYS) return false;  // gone
  // With the pidfd open, the pid cannot name another process until it is
  // closed: checking it now checks the process the signal goes to.
  bool sent = false;
  if (same()) {
    sent = fd >= 0 ? ::syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0) == 0
                   : ::kill(pid, sig) == 0;
  }
  if (fd >= 0) ::close(fd);
  return sent;
}

}  // namespace

std::optional<ProcStat> read_stat(pid_t pid) { return parse_stat(proc_path(pid, "stat"), pid); }

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  auto st = read_stat(pid);
  return st && !st->exited();
}

std::optional<pid_t> session_of(pid_t pid) {
  const auto st = read_stat(pid);
  if (!st) return std::nullopt;
  return st->session;
}

std::vector<std::string> process_cmdline(pid_t pid) {
  std::vector<std::string> args;
  std::string cur;
  for (char c : raw_cmdline(pid)) {
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

std::string command_line_of(pid_t pid) {
  std::string raw = raw_cmdline(pid);
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  std::replace(raw.begin(), raw.end(), '\0', ' ');
  return raw;
}

std::optional<ProcessStart> process_start(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  const auto st = read_stat(pid);
  if (!st || st->exited()) return std::nullopt;
  return ProcessStart{pid, st->start_ticks};
}

bool still_running(const ProcessStart& who) {
  if (who.pid <= 0) return false;
  const auto st = read_stat(who.pid);
  return st && st->start_ticks == who.start_ticks && any_thread_alive(who.pid);
}

bool signal_same_process(const ProcessStart& who, int sig) {
  return signal_if_same(who.pid, sig, [&] {
    const auto st = read_stat(who.pid);
    return st && st->start_ticks == who.start_ticks;
  });
}

std::vector<ProcessIdentity> process_table() {
  std::vector<ProcessIdentity> out;
  for (pid_t pid : all_pids()) {
    if (auto p = identity_of(pid)) out.push_back(std::move(*p));
  }
  return out;
}

bool signal_same_process(const ProcessIdentity& p, int sig) {
  return signal_if_same(p.pid, sig, [&] {
    const auto now = identity_of(p.pid);
    return now && now->start_ticks == p.start_ticks && now->args == p.args;
  });
}

std::chrono::seconds process_age(unsigned long long start_ticks) {
  std::ifstream f("/proc/uptime");
  double uptime = 0;
  if (!(f >> uptime)) return std::chrono::seconds(0);
  const double started =
      static_cast<double>(start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return std::chrono::seconds(static_cast<long long>(std::max(0.0, uptime - started)));
}

}  // namespace automat::common
