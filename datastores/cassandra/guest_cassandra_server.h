#pragma once
// The OS-facing half of the Cassandra guest: the files, the JVM and the
// tools of one node. CassandraManager (the RPC-facing half) decides what to
// do; a CassandraServer does it. CassandraJvm drives the image's jars on
// Java 17; unit tests replace it with a fake.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datastores/cassandra/common_cql_client.h"
#include "datastores/cassandra/guest_cassandra_settings.h"
#include "datastores/cassandra/guest_cassandra_state.h"
#include "guestagent/node_lifecycle.h"

namespace automat::datastores::cassandra {

class CassandraServer {
 public:
  // kDown: no JVM for this node; kUnresponsive: the JVM is alive but CQL
  // does not answer (starting, joining, draining); kAnswering: CQL answers
  // (a login prompt counts: no credentials needed).
  using Health = guestagent::ServerHealth;

  virtual ~CassandraServer() = default;
  // Creates the node's directories and writes cassandra.yaml and
  // cassandra-rackdc.properties for `settings`. Throws common::Error
  // (kInternal) when the image is unusable or a file cannot be written.
  virtual void configure(const NodeSettings& settings) = 0;
  // Makes the JVM run as a child of this agent and waits up to `timeout`
  // until CQL answers. A JVM already running in this agent's session is
  // waited for; one left by an earlier agent (another session) is stopped
  // and started again in this one. A non-empty `replace_address` adds
  // -Dcassandra.replace_address_first_boot. Throws kConflict when a port the
  // node needs is taken, kInternal with the log's last lines when the JVM
  // exits or does not answer in time.
  virtual void start(const std::string& replace_address, std::chrono::seconds timeout) = 0;
  // SIGTERM (Cassandra drains on it), waits, SIGKILL after a deadline; waits
  // until the JVM exited. No-op when it is not running.
  virtual void stop() = 0;
  // Observes the process and the CQL port now. Thread-safe.
  virtual Health health() = 0;
  // The node's memory the JVM's heap is sized for (heap_mb_for), and a new
  // one, which the next start() uses (a flavor resize). Thread-safe.
  virtual int ram_mb() const = 0;
  virtual void set_ram_mb(int ram_mb) = 0;
  // Runs nodetool against this node and answers its stdout. Throws
  // kUnavailable when the JVM is not running, kInternal carrying nodetool's
  // own error message when it fails or outlives `timeout`. Thread-safe.
  virtual std::string nodetool(const std::vector<std::string>& args,
                               std::chrono::milliseconds timeout) = 0;
  // A CQL session on this node's address logged in as `login`; errors as
  // cql::connect. Thread-safe (each call opens its own session).
  virtual std::unique_ptr<cql::Session> cql(const Credentials& login) = 0;
  // Free bytes for an unprivileged writer on the data directory's file system.
  virtual int64_t free_disk_bytes() = 0;
};

}  // namespace automat::datastores::cassandra
