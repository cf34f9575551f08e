#pragma once
// A fixed number of worker threads ([taskmanager] workers), each running one
// operation at a time. Work is admitted by ticket: a caller reserves a free
// worker BEFORE claiming an operation in the database, so a claimed
// operation never waits in a queue while its lease runs out. A ticket is
// bound to an operation id, so the same operation never runs twice here
// (a redelivered message and the resume scan may both name it).
//
// Work that waits parks instead of holding its worker: a parkable work
// returns how long until it wants to run again, and the pool keeps it aside
// (its operation id still bound here), gives its reservation back and frees
// the worker for other work; once due, it runs again on the next idle worker
// thread. A resumed run needs no reservation: a ticket reserved while
// nothing came yet (the task consumer waiting for a message) must not keep
// parked work from its worker. Handed-out work goes first, so a newly
// claimed operation waits at most for one retry attempt already under way
// (its lease is renewed from the claim on: OperationRunner::start). So an
// operation polling a long guest job, or waiting for a node to join, never
// starves another tenant's create (issue 11, section 2).
//
// Due times are read on the steady clock, or on a test's own time (then the
// pool never waits for time to pass: it looks again when time_moved() says
// the test moved it, so no unit test waits out a retry).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace automat::taskmanager {

class WorkerPool {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  // `now`: where due times are read; empty for the steady clock.
  explicit WorkerPool(size_t workers, Now now = nullptr);
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
  // Work that may ask to run again later: it answers how long from now, or
  // nullopt when it is done.
  using Parkable = std::function<std::optional<std::chrono::milliseconds>()>;
  // Runs `work` on the ticket's worker; while `work` waits between its runs
  // the worker is free for other work (reserve() may hand it out).
  void run_parkable(Ticket ticket, Parkable work);
  // Reserved plus running (parked work not counted).
  size_t busy() const;
  // Work waiting to run again.
  size_t parked() const;
  // Waits up to `timeout` until nothing is reserved (parked work, and a
  // resumed run of it, may remain: join() runs it at once and waits for it,
  // so it sees the stop).
  bool wait_idle(std::chrono::milliseconds timeout);
  // A test moved the time given as `now`: parked work now due runs.
  void time_moved();
  // Refuses new reservations, runs parked work at once (its next run is its
  // last: what asks to wait again is dropped), waits for the work handed out
  // to end and joins the threads. Idempotent.
  void join();

 private:
  struct Item {
    std::string op_id;
    std::shared_ptr<Parkable> work;
    bool reserved = true;  // holds a reservation (handed out, not yet parked)
  };
  void worker_loop();
  // Caller holds mu_ and is an idle worker: the next item to run, if any
  // may run now (handed-out work first, then parked work that is due).
  std::optional<Item> next_item();
  void release(const std::string& op_id);
  void finished(const Item& item);

  const size_t capacity_;
  const bool real_time_;
  const Now now_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t reserved_ = 0;           // tickets alive, or their work queued or running (not yet parked)
  std::set<std::string> op_ids_;  // operations bound to those
  std::deque<Item> queue_;        // handed out, not yet running
  std::multimap<Clock::time_point, Item> parked_;  // by when they are due
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace automat::taskmanager
