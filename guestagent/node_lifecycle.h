#pragma once
// The lifecycle every guest manager shares: one change of the node at a
// time (prepare, start, stop, restart, a datastore's own changing action),
// the status the control plane sees, and the gate database administration
// passes. A datastore gives only its specifics: how its server answers,
// what its record says, and whether some work of its own keeps it BLOCKED.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace automat::guestagent {

// What a datastore's server says of itself when observed now.
enum class ServerHealth {
  kDown,          // no server process for this node
  kUnresponsive,  // the process is alive but its client protocol does not answer
  kAnswering,     // alive and answering
};

class NodeLifecycle {
 public:
  enum class Activity {
    kIdle,
    kPreparing,  // a prepare runs: BUILDING
    kChanging,   // a start, stop or restart runs: a server down is expected
  };

  // The part of a node's record the lifecycle reads.
  struct Record {
    bool prepared = false;    // a prepare completed
    bool should_run = false;  // started and not stopped on request since
  };

  struct Specifics {
    // How a sentence names the node: "the MySQL instance i-1".
    std::string node;
    // The sentence a database call gets while the server is not answering.
    std::string not_answering;
    // Observes the server now; called from any thread, also during a change.
    std::function<ServerHealth()> health;
    // The node's record now; called from any thread.
    std::function<Record()> record;
    // Optional: true while work of the datastore's own (a Cassandra cleanup)
    // keeps the node BLOCKED whatever its server answers.
    std::function<bool()> blocked;
  };

  // A change of the node. Holds the node's change lock for its lifetime (one
  // change at a time); status() shows the activity it was begun with or was
  // last shown, and kIdle once it ended. Move-only.
  class Turn {
   public:
    Turn(Turn&& other) noexcept;
    Turn& operator=(Turn&&) = delete;
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    ~Turn();

    // From now on status() shows `activity` (kIdle: no change under way,
    // while the lock is still held).
    void show(Activity activity);
    // Ends a prepare turn as completed; a prepare turn that ends without it
    // (it threw) leaves the node FAILED until a prepare completes.
    void succeeded() { succeeded_ = true; }

   private:
    friend class NodeLifecycle;
    Turn(NodeLifecycle& lifecycle, std::unique_lock<std::timed_mutex> lock, Activity shown,
         bool is_prepare);

    NodeLifecycle* lifecycle_;
    std::unique_lock<std::timed_mutex> lock_;
    bool is_prepare_;
    bool succeeded_ = false;
  };

  // Shows `activity` for its lifetime inside a turn that shows kIdle (a
  // restart in the middle of a datastore's own action).
  class Showing {
   public:
    Showing(Turn& turn, Activity activity) : turn_(turn) { turn_.show(activity); }
    ~Showing() { turn_.show(Activity::kIdle); }
    Showing(const Showing&) = delete;
    Showing& operator=(const Showing&) = delete;

   private:
    Turn& turn_;
  };

  explicit NodeLifecycle(Specifics specifics);

  // Waits for the running change to end and begins one showing kIdle.
  Turn begin();
  // begin() showing kPreparing: BUILDING until the turn ends; then NEW or
  // RUNNING etc. if it succeeded(), FAILED if not.
  Turn begin_prepare();
  // begin(), then require_prepared(), then showing kChanging.
  Turn begin_change();

  // Throws common::Error(kConflict) "<node> was never prepared; prepare it
  // first" unless the record says prepared.
  void require_prepared() const;

  // The gate of every database administration call: the change lock taken
  // within `wait` (else kConflict "<node> is busy with another change"),
  // the node prepared (else kConflict) and its server answering (else
  // kUnavailable with Specifics::not_answering). The caller holds the lock
  // returned while it works, so no change starts meanwhile.
  std::unique_lock<std::timed_mutex> admin_gate(
      std::chrono::milliseconds wait = std::chrono::seconds(5));

  // BUILDING while a prepare runs; NEW before the first prepare completed
  // (FAILED if the last attempt failed); BLOCKED while Specifics::blocked
  // says so; then RUNNING when the server answers, BLOCKED when it is alive
  // but not answering, SHUTDOWN when stopped on request (or alive but not
  // answering, or gone, while a change is under way), CRASHED when the
  // record says it should run but it is gone. Thread-safe; never waits for
  // a change.
  std::string status() const;

  // The activity shown now (kIdle when no change shows one).
  Activity activity() const { return activity_; }

 private:
  const Specifics specifics_;
  std::timed_mutex change_mu_;
  std::atomic<Activity> activity_{Activity::kIdle};
  std::atomic<bool> last_prepare_failed_{false};
};

}  // namespace automat::guestagent
