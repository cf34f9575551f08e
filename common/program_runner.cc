#include "common/program_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace automat::common {
namespace {

constexpr size_t kMaxOutput = 1 << 20;

// The current environment with `env` laid over it, as KEY=VALUE strings.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    if (!env.contains(entry.substr(0, entry.find('=')))) out.push_back(entry);
  }
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

class ProcessRunner : public ProgramRunner {
 public:
  ProgramRun run(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env) override {
    ProgramRun result;
    int pipe_fds[2];
    if (argv.empty() || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
      result.output = "cannot start a program: " + std::string(std::strerror(errno));
      return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    std::vector<std::string> args = argv;
    std::vector<std::string> envs = environment_with(env);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, c_strings(args).data(),
                                  c_strings(envs).data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
      ::close(pipe_fds[0]);
      result.output = "cannot run " + argv[0] + ": " + std::strerror(rc);
      return result;
    }
    collect_output(pipe_fds[0], result.output);
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

 private:
  static void collect_output(int fd, std::string& out) {
    char buf[8192];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EINTR)) return;
      if (n < 0) continue;
      out.append(buf, static_cast<size_t>(n));
      if (out.size() > kMaxOutput) out.erase(0, out.size() - kMaxOutput);
    }
  }
};

}  // namespace

std::unique_ptr<ProgramRunner> make_process_runner() { return std::make_unique<ProcessRunner>(); }

}  // namespace automat::common
