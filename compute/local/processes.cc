#include "compute/local/processes.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "common/process_table.h"

namespace automat::compute::local {
namespace {

std::vector<common::ProcessIdentity> members_of_any(const std::vector<pid_t>& sids) {
  std::vector<common::ProcessIdentity> out;
  for (auto& p : common::process_table()) {
    if (std::find(sids.begin(), sids.end(), p.session) != sids.end()) out.push_back(std::move(p));
  }
  return out;
}

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
        common::signal_same_process(p, sig);
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
