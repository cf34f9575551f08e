#pragma once
// The OS process table (/proc) as Automat reads it: the one place that parses
// /proc/<pid>/stat and /proc/<pid>/cmdline, and that signals a process only
// after checking, through a pidfd, that its pid still names it. Pids are
// reused quickly, so a process is named by its pid AND its start time. What
// to do with processes (end a guest's sessions, supervise a datastore) stays
// with the callers: compute/local/processes.h, guestagent/supervised_process.h.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace automat::common {

// The fields of /proc/<pid>/stat Automat uses.
struct ProcStat {
  pid_t pid = 0;
  char state = '?';  // R, S, D, Z (zombie), X (dead), ...
  pid_t ppid = 0;
  pid_t session = 0;
  unsigned long long start_ticks = 0;  // field 22: clock ticks after boot
  // True for a zombie or dead process (or thread).
  bool exited() const { return state == 'Z' || state == 'X'; }
};

// /proc/<pid>/stat, or nullopt when the process does not exist. A zombie is
// read too (see ProcStat::exited).
std::optional<ProcStat> read_stat(pid_t pid);

// True when `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

// The session id of `pid` (zombie or not), nullopt when it is gone.
std::optional<pid_t> session_of(pid_t pid);

// The arguments of `pid` (argv), empty when it is gone or has none.
std::vector<std::string> process_cmdline(pid_t pid);

// The command line of `pid` with its arguments separated by spaces (trailing
// empty arguments dropped), "" when it is gone.
std::string command_line_of(pid_t pid);

// A process named by its pid and its start time: a pid reused by another
// process has another start time.
struct ProcessStart {
  pid_t pid = 0;
  unsigned long long start_ticks = 0;
  bool operator==(const ProcessStart&) const = default;
};

// The pid and start time of the live (not zombie) process `pid`, nullopt
// when there is none. The start time is set when a process is created, so
// it is readable at once, even before the process's exec.
std::optional<ProcessStart> process_start(pid_t pid);

// True while `who` still runs: its pid names a process with the same start
// time, one of whose threads has not exited (a JVM's main thread can be a
// zombie while other threads still run and hold its sockets).
bool still_running(const ProcessStart& who);

// Sends `sig` to `who` only if its pid still names a process with the same
// start time (a zombie main thread included: its other threads get it),
// through a pidfd so the pid cannot be reused between the check and the
// signal. False when it is gone or was replaced.
bool signal_same_process(const ProcessStart& who, int sig);

// A live process as it was seen: pid, session, start time and command line.
struct ProcessIdentity {
  pid_t pid = 0;
  pid_t session = 0;
  unsigned long long start_ticks = 0;
  std::vector<std::string> args;
};

// Every live (non-zombie) process, read once from /proc.
std::vector<ProcessIdentity> process_table();

// As signal_same_process(ProcessStart) above, and only while `p` is still
// alive (not a zombie) with the same command line.
bool signal_same_process(const ProcessIdentity& p, int sig);

// How long ago a process with `start_ticks` started.
std::chrono::seconds process_age(unsigned long long start_ticks);

}  // namespace automat::common
