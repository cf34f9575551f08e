#pragma once
// How the local driver ends a whole session of processes (a guest and the
// datastore it started). The process table itself is read by
// common/process_table.h, which names a process by its pid AND its start
// time and signals it only through a pidfd after both were checked again.
#include <sys/types.h>

#include <chrono>
#include <vector>

namespace automat::compute::local {

// Collects the exit status of `pid` if it is our child and has exited, so it
// does not linger as a zombie. Harmless for any other pid.
void reap_if_child(pid_t pid);

// Ends every process of the sessions `sids`: SIGTERM, waits up to `grace`
// for them to exit, then SIGKILL to the rest and waits up to `grace` again.
// Each process is signalled with common::signal_same_process, as listed just
// before. Returns the pids still alive at the end (empty on success).
std::vector<pid_t> terminate_sessions(const std::vector<pid_t>& sids,
                                      std::chrono::milliseconds grace);

}  // namespace automat::compute::local
