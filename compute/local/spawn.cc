#include "compute/local/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace automat::compute::local {
namespace {

// Everything the child needs, prepared before fork: after fork in a
// multi-threaded parent the child may only make async-signal-safe calls.
struct ChildPlan {
  std::vector<std::string> argv_storage;
  std::vector<char*> argv;
  std::string pid_tmp;
  std::string pid_dir;  // where the pid file is renamed into place, fsynced after
};

ChildPlan plan_for(const DetachedCommand& cmd) {
  ChildPlan plan;
  plan.argv_storage.push_back(cmd.binary);
  plan.argv_storage.insert(plan.argv_storage.end(), cmd.args.begin(), cmd.args.end());
  for (auto& a : plan.argv_storage) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  plan.pid_tmp = cmd.pid_path + ".tmp";
  const auto slash = cmd.pid_path.rfind('/');
  plan.pid_dir = slash == std::string::npos ? "."
                 : slash == 0               ? "/"
                                            : cmd.pid_path.substr(0, slash);
  return plan;
}

// Writes `value` in decimal followed by a newline, without allocating.
bool write_pid(int fd, pid_t value) {
  char buf[24];
  int n = 0;
  char digits[20];
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < 20);
  int len = 0;
  while (n > 0) buf[len++] = digits[--n];
  buf[len++] = '\n';
  return ::write(fd, buf, len) == len;
}

[[noreturn]] void child_fail(int report_fd, int stage) {
  const int err[2] = {stage, errno};
  [[maybe_unused]] auto n = ::write(report_fd, err, sizeof err);
  ::_exit(127);
}

// Runs in the child between fork and exec. Never returns.
[[noreturn]] void become_detached(const DetachedCommand& cmd, ChildPlan& plan, int report_fd) {
  if (::setsid() < 0) child_fail(report_fd, 1);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);

  const int in = ::open("/dev/null", O_RDONLY);
  const int out = ::open(cmd.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0640);
  if (in < 0 || out < 0) child_fail(report_fd, 2);
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) child_fail(report_fd, 2);
  // Nothing else the parent had open (database, broker sockets) may leak.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
    for (int fd = 3; fd < 65536; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }

  const int pf = ::open(plan.pid_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  // Written as common::write_file_atomically does (temporary, fsync,
  // rename, directory fsync), with async-signal-safe calls only.
  if (pf < 0 || !write_pid(pf, ::getpid()) || ::fsync(pf) < 0) child_fail(report_fd, 3);
  ::close(pf);
  if (::rename(plan.pid_tmp.c_str(), cmd.pid_path.c_str()) < 0) child_fail(report_fd, 3);
  const int dir = ::open(plan.pid_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || ::fsync(dir) < 0) child_fail(report_fd, 3);
  ::close(dir);

  ::execv(plan.argv[0], plan.argv.data());
  child_fail(report_fd, 4);
}

std::string stage_name(int stage) {
  switch (stage) {
    case 1:
      return "setsid";
    case 2:
      return "redirecting output to the log";
    case 3:
      return "writing the pid file";
    default:
      return "exec";
  }
}

}  // namespace

pid_t spawn_detached(const DetachedCommand& cmd) {
  ChildPlan plan = plan_for(cmd);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) < 0) {
    throw common::internal_error("cannot start " + cmd.binary + ": pipe: " + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw common::internal_error("cannot start " + cmd.binary + ": fork: " + std::strerror(err));
  }
  if (pid == 0) {
    ::close(report[0]);
    become_detached(cmd, plan, report[1]);
  }
  ::close(report[1]);
  // The report pipe closes on a successful exec (CLOEXEC) with nothing in it.
  int failure[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(report[0], failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    ::waitpid(pid, nullptr, 0);
    throw common::internal_error("cannot start " + cmd.binary + ": " + stage_name(failure[0]) +
                                 ": " + std::strerror(failure[1]));
  }
  return pid;
}

}  // namespace automat::compute::local
