#pragma once
// Long guest work (a bootstrap join, a cleanup, a decommission, a backup
// upload) as jobs, so the control plane never parks a thread on it: a call
// starts the job under a key the caller chooses and returns at once; the
// caller polls the job until it ends. Starting a key that exists answers
// that job (a retried call never runs the work twice). Each job's record is
// kept in a file of its own (common/atomic_file.h) under the runner's
// directory, so a guest that restarts knows its earlier jobs: one that was
// running when the guest died is reported LOST, and the caller decides
// whether to start it again under a new key.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace automat::guestagent {

struct JobStatus {
  enum class State { kUnknown, kRunning, kSucceeded, kFailed, kLost };
  State state = State::kUnknown;
  std::string key;
  std::string kind;     // "decommission", "cleanup", ...
  std::string message;  // progress line while running; the error when failed
  double progress = 0;  // 0..1 when the work reports it
  std::string result;   // what the work answered (serialized reply), when succeeded
  int64_t started_us = 0;
  int64_t finished_us = 0;
};

const char* state_name(JobStatus::State state);

// Handed to a job's work: report progress; see whether the guest is stopping.
class JobContext {
 public:
  virtual ~JobContext() = default;
  // Shown by status() while the job runs. Thread-safe.
  virtual void progress(double fraction, const std::string& message) = 0;
  // True once the runner is being destroyed: long work should return soon.
  virtual bool stopping() const = 0;
};

class JobRunner {
 public:
  // Returns the serialized result; throws common::Error (or any exception)
  // to fail the job with its message.
  using Work = std::function<std::string(JobContext&)>;

  // `dir` holds the job records (created when missing); records of finished
  // jobs older than `keep` are removed as new jobs start. Loads the records
  // there: a job recorded as running is LOST.
  JobRunner(std::string dir, const common::Clock& clock,
            std::chrono::hours keep = std::chrono::hours(24));
  // Waits for running work to return (after telling it to stop).
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Starts `work` on a thread of its own under `key` unless a job with that
  // key exists (then answers it, whatever its state). Never blocks on work.
  // Throws common::Error(kInternal) when the record cannot be written (the
  // work is then not started).
  JobStatus start(const std::string& key, const std::string& kind, Work work);
  // The job's status; state kUnknown when no job has that key.
  JobStatus status(const std::string& key) const;
  // status(key) once the job is no longer running, or when `timeout` passed
  // (then still RUNNING). Lets a call answer a quick job's end at once.
  JobStatus wait(const std::string& key, std::chrono::milliseconds timeout) const;

 private:
  class Context;
  struct Job {
    JobStatus status;
    std::unique_ptr<Context> context;
  };

  std::string record_path(const std::string& key) const;
  void persist(const JobStatus& status) const;  // caller holds mu_ or owns the job
  void load();
  void prune_locked();
  void finish(const std::string& key, JobStatus::State state, std::string message,
              std::string result);

  const std::string dir_;
  const common::Clock& clock_;
  const std::chrono::hours keep_;
  mutable std::mutex mu_;
  mutable std::condition_variable finished_;
  std::map<std::string, Job> jobs_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace automat::guestagent
