#include "guestagent/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/error.h"
#include "guestagent/spawn_setup.h"

namespace automat::guestagent {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxOutput = 64 * 1024;

void append_tail(std::string& out, const char* data, size_t n) {
  out.append(data, n);
  if (out.size() > kMaxOutput) out.erase(0, out.size() - kMaxOutput);
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Feeds `input` to `in_fd` and drains `out_fd` until EOF or the deadline.
// Returns false when the deadline passed first.
bool pump(Fd& in_fd, Fd& out_fd, const std::string& input, std::string& output,
          Clock::time_point deadline) {
  size_t written = 0;
  if (input.empty()) in_fd.reset();
  char buf[4096];
  while (out_fd.get() >= 0) {
    pollfd fds[2] = {{out_fd.get(), POLLIN, 0}, {in_fd.get(), POLLOUT, 0}};
    const int n = ::poll(fds, in_fd.get() >= 0 ? 2 : 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t r = ::read(out_fd.get(), buf, sizeof buf);
      if (r > 0) append_tail(output, buf, static_cast<size_t>(r));
      if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) out_fd.reset();
    }
    if (in_fd.get() >= 0 && (fds[1].revents & (POLLOUT | POLLHUP | POLLERR))) {
      // MSG_NOSIGNAL: a child that exits early must not SIGPIPE the agent.
      const ssize_t w = ::send(in_fd.get(), input.data() + written, input.size() - written,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) in_fd.reset();
    }
  }
  return true;
}

// Returns once the child `pid` exited (it can be reaped) or at `deadline`:
// its pidfd becomes readable when it exits, so no time is slept away.
// Without pidfds (a kernel before 5.3) it returns after at most 10 ms.
void await_exit(pid_t pid, Clock::time_point deadline) {
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pidfd.get() < 0) {
    std::this_thread::sleep_for(
        std::min(std::chrono::milliseconds(10), std::chrono::milliseconds(remaining_ms(deadline))));
    return;
  }
  pollfd fd{pidfd.get(), POLLIN, 0};
  while (::poll(&fd, 1, remaining_ms(deadline)) < 0 && errno == EINTR) {
  }
}

// Waits for `pid` until the deadline; returns its wait status or nullopt.
std::optional<int> reap_until(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    await_exit(pid, deadline);
  }
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int in_pair[2];
  int out_pipe[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) {
    throw common::internal_error(std::string("socketpair: ") + std::strerror(errno));
  }
  Fd in_child(in_pair[0]), in_parent(in_pair[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw common::internal_error(std::string("pipe: ") + std::strerror(errno));
  }
  Fd out_parent(out_pipe[0]), out_child(out_pipe[1]);

  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(setup.actions(), in_child.get(), 0);
  posix_spawn_file_actions_adddup2(setup.actions(), out_child.get(), 1);
  posix_spawn_file_actions_adddup2(setup.actions(), out_child.get(), 2);
  const pid_t pid = setup.spawn(argv);
  in_child.reset();
  out_child.reset();

  CommandResult result;
  const bool drained = pump(in_parent, out_parent, input, result.output, deadline);
  std::optional<int> status = drained ? reap_until(pid, deadline) : std::nullopt;
  if (!status) {
    ::kill(pid, SIGKILL);
    status = reap_until(pid, Clock::now() + std::chrono::seconds(5));
    result.timed_out = true;
    return result;
  }
  if (WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  return result;
}

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv,
                                 const std::string& log_path) {
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(setup.actions(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(setup.actions(), 1, log_path.c_str(),
                                   O_WRONLY | O_APPEND | O_CREAT, 0640);
  posix_spawn_file_actions_adddup2(setup.actions(), 1, 2);
  ChildProcess child;
  child.pid_ = setup.spawn(argv);
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
  other.status_.reset();
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  pid_ = other.pid_;
  status_ = other.status_;
  other.pid_ = -1;
  other.status_.reset();
  return *this;
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r < 0 && errno == EINTR) return true;
  status_ = (r == pid_) ? status : -1;  // -1: not (or no longer) our child
  return false;
}

bool ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() >= deadline) return false;
    await_exit(pid_, deadline);
  }
  return true;
}

bool send_signal(pid_t pid, int signal) { return pid > 0 && ::kill(pid, signal) == 0; }

std::string tail_lines(const std::string& text, size_t lines) {
  size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
  const size_t end = pos;
  for (size_t n = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++n == lines) break;
  }
  return text.substr(pos, end - pos);
}

}  // namespace automat::guestagent
