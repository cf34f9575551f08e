#pragma once
// What the local driver needs to know of the OS process table (/proc), and
// how it ends a whole session of processes. Pids are reused quickly, so a
// process is named by its pid AND its start time (ProcessIdentity), and is
// signalled only through a pidfd after both were checked again.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace automat::compute::local {

// The fields of /proc/<pid>/stat the driver uses.
struct ProcStat {
  pid_t pid = 0;
  char state = '?';  // R, S, D, Z (zombie), ...
  pid_t ppid = 0;
  pid_t session = 0;
  unsigned long long start_ticks = 0;  // clock ticks after boot
};

// /proc/<pid>/stat, or nullopt when the process does not exist.
std::optional<ProcStat> read_stat(pid_t pid);

// True when `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

// The arguments of `pid` (argv), empty when it is gone or has none.
std::vector<std::string> process_cmdline(pid_t pid);

// A live process as it was seen: pid, session, start time and command line.
struct ProcessIdentity {
  pid_t pid = 0;
  pid_t session = 0;
  unsigned long long start_ticks = 0;
  std::vector<std::string> args;
};

// Every live (non-zombie) process, read once from /proc.
std::vector<ProcessIdentity> process_table();

// How long ago a process with `start_ticks` started.
std::chrono::seconds process_age(unsigned long long start_ticks);

// Sends `sig` to `p` only if its pid still names that process (same start
// time, same command line), through a pidfd so the pid cannot be reused
// between the check and the signal. False when it is gone or was replaced.
bool signal_same_process(const ProcessIdentity& p, int sig);

// Live processes whose session id is `sid`.
std::vector<pid_t> session_members(pid_t sid);

// Live processes having `arg` as one of their arguments.
std::vector<pid_t> processes_with_arg(const std::string& arg);

// Collects the exit status of `pid` if it is our child and has exited, so it
// does not linger as a zombie. Harmless for any other pid.
void reap_if_child(pid_t pid);

// Ends every process of the sessions `sids`: SIGTERM, waits up to `grace`
// for them to exit, then SIGKILL to the rest and waits up to `grace` again.
// Each process is signalled with signal_same_process, as listed just before.
// Returns the pids still alive at the end (empty on success).
std::vector<pid_t> terminate_sessions(const std::vector<pid_t>& sids,
                                      std::chrono::milliseconds grace);

}  // namespace automat::compute::local
