#pragma once
// The changes every guest manager makes to its datastore's server the same
// way: start, stop, restart and a flavor resize, each one change of the
// node (NodeLifecycle) that records whether the server should run; a resize
// whose server does not start with the new memory puts the old memory back,
// starts the server again and throws. A datastore gives only its steps: how
// its server starts, stops and is configured for the node's memory.
#include <functional>
#include <string>

#include "guestagent/node_lifecycle.h"

namespace automat::guestagent {

class ServerChanges {
 public:
  struct Steps {
    // Writes the node's record: whether the server should run.
    std::function<void(bool should_run)> set_should_run;
    // False while the server was never set up (stop then has nothing to do).
    std::function<bool()> set_up;
    std::function<void()> start;
    std::function<void()> stop;
    // Optional: runs before a resize stops the server (Cassandra drains).
    std::function<void()> before_resize;
    // The memory the server is configured for now, and configuring it for
    // `ram_mb` (my.cnf's buffer pool, the JVM's heap); the next start uses it.
    std::function<int()> ram_mb;
    std::function<void(int ram_mb)> configure;
    // The sentence a resize throws (kInternal) when the server did not start
    // with `ram_mb` (`reason`) and runs again with `old_ram_mb`.
    std::function<std::string(int ram_mb, int old_ram_mb, const std::string& reason)> not_started;
    // The logs' event prefix ("mysql": "mysql.resize_failed") and instance.
    std::string event;
    std::string instance;
  };

  // `lifecycle` must outlive this.
  ServerChanges(NodeLifecycle& lifecycle, Steps steps);

  // Each is one change (NodeLifecycle::begin_change: kConflict before the
  // first prepare), except stop, which does nothing on a node never set up.
  void start();
  void stop();
  void restart();
  // Throws kBadRequest unless ram_mb > 0; kInternal with Steps::not_started
  // when the server did not start with it (it runs again with the memory it
  // had); else what a step threw.
  void resize(int ram_mb);

 private:
  NodeLifecycle& lifecycle_;
  const Steps steps_;
};

}  // namespace automat::guestagent
