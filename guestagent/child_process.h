#pragma once
// Running OS commands for guest managers. Children are started with
// posix_spawn (no fork handlers run in a multi-threaded agent), with a clean
// signal mask and default dispositions, and with every descriptor above
// stderr closed, so a datastore never inherits the agent's sockets. Children
// stay in the agent's session: the compute driver finds them by session id.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace automat::guestagent {

struct CommandResult {
  int exit_code = -1;      // the exit status; -1 when killed by a signal or timed out
  bool timed_out = false;  // killed because the deadline passed
  std::string output;      // stdout and stderr interleaved, at most the last 64 KiB
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs argv (argv[0] looked up in PATH), writes `input` to its stdin, then
// closes it, and collects its output until it exits. A child still running
// at `timeout` is killed (SIGKILL) and reaped. Its exit is waited for
// through a pidfd, not by polling. Throws common::Error
// (kInternal) only when the command cannot be started at all.
// `input` may carry secrets: it never reaches argv or a log.
// The last `lines` lines of a command's output (trailing blank lines and
// spaces dropped), for error messages that must stay short.
std::string tail_lines(const std::string& text, size_t lines);

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds timeout);

// A long-running child (a datastore server) of this agent. Not copyable;
// the destructor does not stop the child (the datastore outlives the agent).
// Not thread-safe: the owner serializes calls.
class ChildProcess {
 public:
  // Starts argv with stdin from /dev/null and stdout/stderr appended to
  // `log_path`. Throws common::Error(kInternal) when it cannot start.
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::string& log_path);

  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child has not exited; reaps it once it has.
  bool running();
  // Waits up to `timeout` for the child to exit (woken by its exit, through
  // a pidfd); true once it has.
  bool wait_exit(std::chrono::milliseconds timeout);
  // The raw wait status once the child exited and was reaped.
  std::optional<int> wait_status() const { return status_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Sends `signal` to `pid`; false if no such process. Whether another process
// lives, its session and its command line are read from /proc by
// common/process_table.h; for our own children use ChildProcess::running(),
// which also reaps them.
bool send_signal(pid_t pid, int signal);

}  // namespace automat::guestagent
