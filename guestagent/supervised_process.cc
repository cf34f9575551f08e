#include "guestagent/supervised_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"
#include "common/process_table.h"

namespace automat::guestagent {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

constexpr auto kExitPoll = milliseconds(50);

std::optional<pid_t> pid_in(const std::string& pid_file) {
  std::ifstream f(pid_file);
  pid_t pid = 0;
  if (!(f >> pid) || pid <= 1) return std::nullopt;
  return pid;
}

// What is left of `every` before `deadline`: a wait's last look falls on it.
milliseconds until_next_look(TimePoint now, TimePoint deadline, milliseconds every) {
  return std::min(every, std::chrono::ceil<milliseconds>(deadline - now));
}

}  // namespace

SupervisedProcess::SupervisedProcess(Spec spec, common::WaitClock& clock)
    : spec_(std::move(spec)), clock_(clock) {}

pid_t SupervisedProcess::start(const std::vector<std::string>& argv) {
  std::lock_guard<std::mutex> lock(mu_);
  child_ = ChildProcess::spawn(argv, spec_.log_path);
  // The start time is set when the process is created: readable at once,
  // even before its exec.
  const auto st = common::read_stat(child_.pid());
  child_id_ = common::ProcessStart{child_.pid(), st ? st->start_ticks : 0};
  if (!spec_.writes_pid_file) {
    common::write_file_atomically(spec_.pid_file, std::to_string(child_.pid()) + "\n", 0644);
  }
  return child_.pid();
}

std::optional<common::ProcessStart> SupervisedProcess::live() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (child_.running()) return child_id_;
  }
  const auto pid = pid_in(spec_.pid_file);
  if (!pid) return std::nullopt;
  auto who = common::process_start(*pid);
  if (!who) return std::nullopt;
  if (common::command_line_of(*pid).find(spec_.marker) == std::string::npos) return std::nullopt;
  return who;
}

SupervisedProcess::Found SupervisedProcess::find() {
  const auto who = live();
  if (!who) return Found::kNone;
  if (common::session_of(who->pid) == ::getsid(0)) return Found::kInOurSession;
  common::log::info(spec_.event + ".adopt",
                    {{"instance", spec_.instance}, {"pid", std::to_string(who->pid)}});
  return Found::kLeftByEarlierAgent;
}

void SupervisedProcess::bring_up(const StartSteps& steps) {
  const Found found = find();
  if (found == Found::kInOurSession) {
    steps.ready();
    return;
  }
  if (found == Found::kLeftByEarlierAgent) steps.stop();
  steps.spawn();
  steps.ready();
}

bool SupervisedProcess::gone(const common::ProcessStart& who) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Our child is gone once reaped: every thread of it has exited.
    if (who == child_id_) return !child_.running();
  }
  return !common::still_running(who);
}

bool SupervisedProcess::wait_gone(const common::ProcessStart& who, milliseconds timeout) {
  const auto deadline = clock_.now() + timeout;
  while (!gone(who)) {
    const auto now = clock_.now();
    if (now >= deadline) return false;
    clock_.sleep_for(until_next_look(now, deadline, kExitPoll));
  }
  return true;
}

bool SupervisedProcess::stop(const StopPlan& plan) {
  const auto who = live();
  if (!who) return true;
  const std::string pid = std::to_string(who->pid);
  common::log::info(spec_.event + ".stop", {{"instance", spec_.instance}, {"pid", pid}});
  if (!plan.ask || !plan.ask(who->pid)) common::signal_same_process(*who, SIGTERM);
  if (wait_gone(*who, plan.grace)) return true;
  common::log::warn(
      spec_.event + ".stop_overdue",
      {{"instance", spec_.instance}, {"pid", pid}, {"signal", std::to_string(plan.final_signal)}});
  common::signal_same_process(*who, plan.final_signal);
  return wait_gone(*who, plan.final_wait);
}

SupervisedProcess::Readiness SupervisedProcess::wait_ready(const std::function<bool()>& answers,
                                                           milliseconds timeout,
                                                           milliseconds every) {
  const auto deadline = clock_.now() + timeout;
  for (;;) {
    if (!alive()) return Readiness::kExited;
    if (answers()) return Readiness::kReady;
    const auto now = clock_.now();
    if (now >= deadline) return Readiness::kTimedOut;
    clock_.sleep_for(until_next_look(now, deadline, every));
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
