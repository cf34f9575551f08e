#pragma once
// Keeps an operation's lease alive while its owner works on it: renews it
// once at construction, then every fifth of the lease on a thread of its
// own. The owner holds the lease for certain only until one lease length
// after the last renewal it sent that succeeded (PostgreSQL stamps the lease
// from its own clock no earlier than that); past that point another
// taskmanager may have taken the operation over, so lost() turns true and
// the runner stops at the next step boundary. lost() also turns true when a
// renewal answers that someone else holds the lease.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "db/repositories.h"

namespace automat::taskmanager {

// The time a keeper reads, and its wait between renewals. The service's is
// the steady clock (steady_lease_timer()); a unit test's moves only when the
// test says (tests/fakes/manual_lease_timer.h), so no test waits out a real
// lease.
class LeaseTimer {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~LeaseTimer() = default;
  virtual Clock::time_point now() = 0;
  // Blocks until `deadline` or until `stopping()` holds (checked again on
  // each wake()); answers stopping().
  virtual bool wait_until(Clock::time_point deadline, const std::function<bool()>& stopping) = 0;
  // Makes every waiter check its `stopping` again.
  virtual void wake() = 0;
  // A keeper's thread ends (it waits no more).
  virtual void leave() {}
};

// The steady clock, shared by every keeper of the process.
LeaseTimer& steady_lease_timer();

class LeaseKeeper {
 public:
  using Clock = LeaseTimer::Clock;

  // Renews the lease at once (throws what the repository throws, e.g.
  // db::DatabaseUnavailable), then keeps renewing. `ops` and `timer` must
  // outlive the keeper.
  LeaseKeeper(db::OperationRepository& ops, std::string op_id, std::string owner,
              std::chrono::seconds lease, LeaseTimer& timer = steady_lease_timer());
  // Stops renewing (does not release the lease).
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // How often a lease of `lease` is renewed: a fifth of it, at least every
  // 100 ms, so four renewals in a row may fail before it lapses.
  static std::chrono::milliseconds renew_interval(std::chrono::seconds lease);

  // True once the lease is or may be someone else's: a renewal (or the
  // caller, through mark_lost) found another owner, or no renewal succeeded
  // for a whole lease length. Stays true. Thread-safe.
  bool lost() const;
  void mark_lost() { lost_.store(true); }
  // Renews now: true while the lease is still this owner's (and extends
  // it), false once lost. Throws when the database cannot be reached.
  bool renew_now();
  // Stops the renewal thread; idempotent.
  void stop();

 private:
  void loop();

  db::OperationRepository& ops_;
  const std::string op_id_;
  const std::string owner_;
  const std::chrono::seconds lease_;
  LeaseTimer& timer_;
  mutable std::atomic<bool> lost_{false};
  // Until when (the timer's clock) the lease is certainly held.
  std::atomic<Clock::rep> held_until_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace automat::taskmanager
