#include "guestagent/supervised_process.h"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::guestagent {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kExitPoll = milliseconds(50);

struct StatLine {
  char state = '?';
  unsigned long long start_ticks = 0;
};

// State and start time from a /proc/.../stat file; comm may hold spaces
// and ')'.
std::optional<StatLine> read_stat(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  if (!f || !std::getline(f, line)) return std::nullopt;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  StatLine st;
  if (!(rest >> st.state)) return std::nullopt;
  std::string skip;
  for (int field = 4; field < 22; ++field) {
    if (!(rest >> skip)) return std::nullopt;
  }
  if (!(rest >> st.start_ticks)) return std::nullopt;
  return st;
}

bool exited_state(char state) { return state == 'Z' || state == 'X'; }

bool any_thread_alive(pid_t pid) {
  std::error_code ec;
  for (const auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    const auto st = read_stat((t.path() / "stat").string());
    if (st && !exited_state(st->state)) return true;
  }
  return false;
}

std::optional<pid_t> pid_in(const std::string& pid_file) {
  std::ifstream f(pid_file);
  pid_t pid = 0;
  if (!(f >> pid) || pid <= 1) return std::nullopt;
  return pid;
}

}  // namespace

std::optional<DaemonIdentity> identify(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  const auto st = read_stat("/proc/" + std::to_string(pid) + "/stat");
  if (!st || exited_state(st->state)) return std::nullopt;
  return DaemonIdentity{pid, st->start_ticks};
}

bool still_running(const DaemonIdentity& who) {
  if (who.pid <= 0) return false;
  const auto st = read_stat("/proc/" + std::to_string(who.pid) + "/stat");
  return st && st->start_ticks == who.start_ticks && any_thread_alive(who.pid);
}

bool signal_same_process(const DaemonIdentity& who, int signal) {
  if (who.pid <= 1) return false;
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, who.pid, 0));
  if (fd < 0 && errno != ENOSYS) return false;  // gone
  // With the pidfd open, the pid cannot name another process until it is
  // closed: checking it now checks the process the signal goes to.
  const auto st = read_stat("/proc/" + std::to_string(who.pid) + "/stat");
  bool sent = false;
  if (st && st->start_ticks == who.start_ticks) {
    sent = fd >= 0 ? ::syscall(SYS_pidfd_send_signal, fd, signal, nullptr, 0) == 0
                   : ::kill(who.pid, signal) == 0;
  }
  if (fd >= 0) ::close(fd);
  return sent;
}

SupervisedProcess::SupervisedProcess(Spec spec) : spec_(std::move(spec)) {}

pid_t SupervisedProcess::start(const std::vector<std::string>& argv) {
  std::lock_guard<std::mutex> lock(mu_);
  child_ = ChildProcess::spawn(argv, spec_.log_path);
  // The start time is set when the process is created: readable at once,
  // even before its exec.
  const auto st = read_stat("/proc/" + std::to_string(child_.pid()) + "/stat");
  child_id_ = DaemonIdentity{child_.pid(), st ? st->start_ticks : 0};
  if (!spec_.writes_pid_file) {
    common::write_file_atomically(spec_.pid_file, std::to_string(child_.pid()) + "\n", 0644);
  }
  return child_.pid();
}

std::optional<DaemonIdentity> SupervisedProcess::live() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (child_.running()) return child_id_;
  }
  const auto pid = pid_in(spec_.pid_file);
  if (!pid) return std::nullopt;
  auto who = identify(*pid);
  if (!who) return std::nullopt;
  if (command_line_of(*pid).find(spec_.marker) == std::string::npos) return std::nullopt;
  return who;
}

SupervisedProcess::Found SupervisedProcess::find() {
  const auto who = live();
  if (!who) return Found::kNone;
  if (session_of(who->pid) == ::getsid(0)) return Found::kInOurSession;
  common::log::info(spec_.event + ".adopt",
                    {{"instance", spec_.instance}, {"pid", std::to_string(who->pid)}});
  return Found::kLeftByEarlierAgent;
}

bool SupervisedProcess::gone(const DaemonIdentity& who) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Our child is gone once reaped: every thread of it has exited.
    if (who == child_id_) return !child_.running();
  }
  return !still_running(who);
}

bool SupervisedProcess::wait_gone(const DaemonIdentity& who, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!gone(who)) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kExitPoll);
  }
  return true;
}

bool SupervisedProcess::stop(const StopPlan& plan) {
  const auto who = live();
  if (!who) return true;
  const std::string pid = std::to_string(who->pid);
  common::log::info(spec_.event + ".stop", {{"instance", spec_.instance}, {"pid", pid}});
  if (!plan.ask || !plan.ask(who->pid)) signal_same_process(*who, SIGTERM);
  if (wait_gone(*who, plan.grace)) return true;
  common::log::warn(
      spec_.event + ".stop_overdue",
      {{"instance", spec_.instance}, {"pid", pid}, {"signal", std::to_string(plan.final_signal)}});
  signal_same_process(*who, plan.final_signal);
  return wait_gone(*who, plan.final_wait);
}

SupervisedProcess::Readiness SupervisedProcess::wait_ready(const std::function<bool()>& answers,
                                                           milliseconds timeout,
                                                           milliseconds every) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!alive()) return Readiness::kExited;
    if (answers()) return Readiness::kReady;
    if (Clock::now() >= deadline) return Readiness::kTimedOut;
    std::this_thread::sleep_for(every);
  }
}

std::string SupervisedProcess::exit_description() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto status = child_.wait_status();
  if (!status || *status < 0) return "exited";
  if (WIFEXITED(*status)) return "exited with code " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "was killed by signal " + std::to_string(WTERMSIG(*status));
  return "exited";
}

}  // namespace automat::guestagent
