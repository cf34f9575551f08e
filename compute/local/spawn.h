#pragma once
// Starting a process detached from the caller: in a session of its own, so
// it and everything it starts outlive the caller and can be found (and
// ended) together by session id.
#include <sys/types.h>

#include <string>
#include <vector>

namespace automat::compute::local {

struct DetachedCommand {
  std::string binary;             // absolute path, executed directly (no shell)
  std::vector<std::string> args;  // argv[1..]
  std::string log_path;           // stdout and stderr are appended here
  std::string pid_path;           // the new pid is written here before exec
};

// fork, setsid, redirect stdin from /dev/null and stdout/stderr to the log,
// reset signal mask and dispositions, close inherited descriptors, write the
// pid file, exec. The new process is a session leader (its pid is its
// session id). Returns its pid once exec succeeded; throws
// common::Error(kInternal) naming the binary when it could not be started.
pid_t spawn_detached(const DetachedCommand& cmd);

}  // namespace automat::compute::local
