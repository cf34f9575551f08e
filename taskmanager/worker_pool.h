#pragma once
// A fixed number of worker threads ([taskmanager] workers), each running one
// operation at a time. Work is admitted by ticket: a caller reserves a free
// worker BEFORE claiming an operation in the database, so a claimed
// operation never waits in a queue while its lease runs out. A ticket is
// bound to an operation id, so the same operation never runs twice here
// (a redelivered message and the resume scan may both name it).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace automat::taskmanager {

class WorkerPool {
 public:
  explicit WorkerPool(size_t workers);
  // Waits for running work to finish (see join()).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // A reserved worker. Dropping it unused frees the worker (and its id).
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket();
    // Binds the ticket to `op_id`; false when that operation is already
    // running or reserved here (then the ticket stays unbound).
    bool bind(const std::string& op_id);
    const std::string& op_id() const { return op_id_; }

   private:
    friend class WorkerPool;
    explicit Ticket(WorkerPool* pool) : pool_(pool) {}
    WorkerPool* pool_;
    std::string op_id_;
  };

  // A free worker, waiting up to `timeout` for one; nullopt when all stay
  // busy (or the pool is stopping). Thread-safe.
  std::optional<Ticket> reserve(std::chrono::milliseconds timeout);
  // Runs `work` on the ticket's worker; frees it when `work` returns.
  void run(Ticket ticket, std::function<void()> work);
  // Reserved plus running.
  size_t busy() const;
  // Waits up to `timeout` until nothing is reserved or running.
  bool wait_idle(std::chrono::milliseconds timeout);
  // Refuses new reservations, waits for the work handed out to end and joins
  // the threads. Idempotent.
  void join();

 private:
  void worker_loop();
  void release(const std::string& op_id);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t reserved_ = 0;           // tickets alive or work running
  std::set<std::string> op_ids_;  // operations bound to those
  std::deque<std::pair<std::string, std::function<void()>>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace automat::taskmanager
