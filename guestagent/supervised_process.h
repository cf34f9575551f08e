#pragma once
// A datastore's server process as the guest supervises it: started as a
// child of the agent (in the agent's session, so the compute driver's delete
// ends it), found again through a pid file after the agent restarted, and
// stopped gracefully, then killed after a deadline. Pids are reused fast, so
// a process is named by its pid and its start time (common::ProcessStart,
// read from /proc by common/process_table.h) and is signalled only while
// both still match. What is datastore-specific (its
// command line, how it is asked to shut down, how to tell it answers, its
// log) stays with the datastore (MariaDbServer, CassandraJvm).
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/process_table.h"
#include "common/wait_clock.h"
#include "guestagent/child_process.h"

namespace automat::guestagent {

class SupervisedProcess {
 public:
  struct Spec {
    std::string event;     // the log events' prefix: "mysql" → "mysql.stop"
    std::string instance;  // the instance id, for logs
    // Where its pid is found after an agent restart. Written by start()
    // when `writes_pid_file` is false; else the server writes it itself.
    std::string pid_file;
    bool writes_pid_file = false;
    // An argument its command line must contain for a pid from the pid file
    // to be taken as this node's server ("--defaults-file=<my.cnf>").
    std::string marker;
    std::string log_path;  // stdout and stderr are appended here
  };

  // How stop() ends it.
  struct StopPlan {
    // The graceful request (e.g. an admin client's shutdown); false when it
    // could not be made, and then SIGTERM is sent. Empty: SIGTERM.
    std::function<bool(pid_t)> ask;
    std::chrono::milliseconds grace{std::chrono::seconds(120)};
    // Sent when `grace` passed; then up to `final_wait` for it to go.
    int final_signal = SIGKILL;
    std::chrono::milliseconds final_wait{std::chrono::seconds(15)};
  };

  enum class Readiness { kReady, kExited, kTimedOut };

  // `clock` measures stop()'s grace and wait_ready()'s timeout and paces
  // their looks; it must outlive this object.
  explicit SupervisedProcess(Spec spec, common::WaitClock& clock = common::steady_wait_clock());
  // The child is not stopped: the datastore outlives the agent object.
  ~SupervisedProcess() = default;
  SupervisedProcess(const SupervisedProcess&) = delete;
  SupervisedProcess& operator=(const SupervisedProcess&) = delete;

  // Starts argv as a child of this agent with stdin from /dev/null and
  // stdout/stderr appended to Spec::log_path; records its identity and,
  // unless the server writes its own, the pid file. Returns its pid. Throws
  // common::Error(kInternal) when it cannot start or the pid file cannot be
  // written.
  pid_t start(const std::vector<std::string>& argv);

  // The live server of this node: this agent's child while it runs, else
  // the process the pid file names if it is alive and its command line
  // holds Spec::marker. Nullopt when there is none. Thread-safe.
  std::optional<common::ProcessStart> live();
  bool alive() { return live().has_value(); }

  enum class Found {
    kNone,               // no live server
    kInOurSession,       // this agent started it (or an earlier one in its session)
    kLeftByEarlierAgent  // alive in another session: the compute driver's
                         // delete would miss it, so it is to be restarted
  };
  // Looks for the live server (live()) and says whose it is.
  Found find();

  // A datastore's own steps of bring_up().
  struct StartSteps {
    std::function<void()> stop;   // stops the live server (throws if it cannot)
    std::function<void()> spawn;  // starts a new one (start(argv) and its checks)
    std::function<void()> ready;  // waits until it answers (throws if it does not)
  };
  // How every datastore starts its server: one this agent's session already
  // runs is only waited for (`ready`); one left by an earlier agent is
  // stopped first (the compute driver's delete ends only this agent's
  // session, so the server must live in it); then `spawn` and `ready`.
  void bring_up(const StartSteps& steps);

  // Stops the live server, if any: `plan.ask`, up to `plan.grace` for it to
  // exit, then `plan.final_signal` and up to `plan.final_wait`, looking
  // every 50 ms (the last look at the deadline). True once it is gone (or
  // none ran); false when it outlived the plan.
  bool stop(const StopPlan& plan);

  // Polls `answers` every `every` (the last look at the deadline) until it
  // is true (kReady), the server is no longer live (kExited) or `timeout`
  // passed (kTimedOut).
  Readiness wait_ready(const std::function<bool()>& answers, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every);

  // How this agent's last child ended ("exited with code 1", "was killed by
  // signal 9"), "exited" when unknown.
  std::string exit_description();

 private:
  bool gone(const common::ProcessStart& who);
  bool wait_gone(const common::ProcessStart& who, std::chrono::milliseconds timeout);

  const Spec spec_;
  common::WaitClock& clock_;
  std::mutex mu_;  // guards child_ and child_id_
  ChildProcess child_;
  common::ProcessStart child_id_;
};

}  // namespace automat::guestagent
