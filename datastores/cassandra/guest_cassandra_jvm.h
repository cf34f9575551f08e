#pragma once
// CassandraServer over the image's jars: the node's JVM as a child of the
// agent (in the agent's session, so the compute driver's delete ends it),
// nodetool over JMX on 127.0.0.1:<per-node port>, CQL on <address>:9042.
#include <atomic>
#include <mutex>
#include <string>

#include "datastores/cassandra/guest_cassandra_layout.h"
#include "datastores/cassandra/guest_cassandra_server.h"
#include "guestagent/supervised_process.h"

namespace automat::datastores::cassandra {

class CassandraJvm : public CassandraServer {
 public:
  // `image_dir` holds lib/ and conf/; `ram_mb` sizes the heap
  // (heap_mb_for); the JMX port follows from `address` (jmx_port_for).
  CassandraJvm(CassandraLayout layout, std::string address, std::string instance_id,
               std::string image_dir, int ram_mb);

  void configure(const NodeSettings& settings) override;
  void start(const std::string& replace_address, std::chrono::seconds timeout) override;
  void stop() override;
  Health health() override;
  int ram_mb() const override { return ram_mb_; }
  void set_ram_mb(int ram_mb) override { ram_mb_ = ram_mb; }
  std::string nodetool(const std::vector<std::string>& args,
                       std::chrono::milliseconds timeout) override;
  std::unique_ptr<cql::Session> cql(const Credentials& login) override;
  int64_t free_disk_bytes() override;

  int jmx_port() const { return jmx_port_; }
  // Training (train_class_archives): the next JVM started and the next
  // nodetool run write the classes they loaded to these archives when they
  // exit, instead of mapping the image's archives.
  void record_class_archives(std::string server_archive, std::string nodetool_archive);

 private:
  void check_ports_free() const;
  void spawn(const std::string& replace_address);
  void wait_ready(std::chrono::seconds timeout);
  bool answers();
  void require_image() const;
  std::string log_tail() const;

  const CassandraLayout layout_;
  const std::string address_;
  const std::string instance_id_;
  const std::string image_dir_;
  std::atomic<int> ram_mb_;  // the heap is heap_mb_for(ram_mb_)
  const int jmx_port_;

  std::atomic<bool> bootstraps_{false};  // the last configure had auto_bootstrap on
  // The last configure was a new ring's node (initial tokens, no bootstrap,
  // no replace): the next spawn skips the collision check, once.
  std::atomic<bool> new_ring_start_{false};
  // The last configure was of a ring member (not a standalone node).
  std::atomic<bool> ring_member_{false};
  std::mutex training_mu_;               // guards the two below
  std::string record_server_archive_;    // non-empty: the next spawn records to it
  std::string record_nodetool_archive_;  // non-empty: the next nodetool records to it
  // The JVM: the pid file the agent writes, recognised by our cassandra.yaml.
  guestagent::SupervisedProcess process_;
};

}  // namespace automat::datastores::cassandra
