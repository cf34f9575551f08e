#pragma once
// One real Apache Cassandra node for integration tests, started from the
// image that `automat-manage datastore install cassandra` lays out (lib/ and
// conf/), named by env AUTOMAT_CASSANDRA_IMAGE (./run_tests.sh sets it; a
// test using this fails, never skips, when it is unset).
//
// The node gets its own temporary directory (cassandra.yaml with
// PasswordAuthenticator and GossipingPropertyFileSnitch,
// cassandra-rackdc.properties, data, logs), listens for CQL on
// <address>:9042 and for JMX on 127.0.0.1:<jmx_port>, and is stopped
// (SIGTERM, then SIGKILL) and its directory removed by the destructor. The
// JVM also dies with the test process (PR_SET_PDEATHSIG). A start costs about
// 8 s, so start one per test binary:
//
//   static std::unique_ptr<CassandraNode> node;
//   static void SetUpTestSuite() {
//     node = std::make_unique<CassandraNode>(
//         CassandraNodeOptions{.address = CassandraNode::free_address()});
//     node->wait_until_login_works("cassandra", "cassandra");
//   }
//
// Link automat_test_cassandra_node.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace automat::testing {

struct CassandraNodeOptions {
  std::string address{};             // required: where it listens, 127.31.x.y for tests
  std::string image_dir{};           // empty: $AUTOMAT_CASSANDRA_IMAGE
  std::vector<std::string> seeds{};  // empty: the node itself
  std::string cluster_name = "automat-test";
  std::string dc = "dc1";
  std::string rack = "rack1";
  std::string heap = "256M";  // -Xms and -Xmx
  bool auto_bootstrap = false;
  int jmx_port = 0;  // 0: a free port on 127.0.0.1
  std::chrono::seconds start_timeout{150};
};

class CassandraNode {
 public:
  static constexpr int kCqlPort = 9042;
  static constexpr int kStoragePort = 7000;

  // Lays out the node's directory, starts the JVM and waits until its CQL
  // port accepts connections. Throws std::runtime_error (with the tail of
  // the node's log) when the image is missing, the JVM exits, or the port
  // does not open within options.start_timeout.
  explicit CassandraNode(CassandraNodeOptions options);
  // Stops the JVM (SIGTERM, SIGKILL after 20 s) and removes the directory.
  ~CassandraNode();
  CassandraNode(const CassandraNode&) = delete;
  CassandraNode& operator=(const CassandraNode&) = delete;

  // Retries a CQL login until it works: with PasswordAuthenticator the
  // default `cassandra` role is created just after the port opens. Throws
  // std::runtime_error with the last error when `timeout` passes.
  void wait_until_login_works(const std::string& user, const std::string& password,
                              std::chrono::seconds timeout = std::chrono::seconds(60)) const;

  // Stops the node now, as the destructor does; harmless when stopped.
  void stop();

  const std::string& address() const { return options_.address; }
  int jmx_port() const { return options_.jmx_port; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  // From the JVM's launch until the CQL port accepted a connection.
  std::chrono::milliseconds start_time() const { return start_time_; }
  // The last `lines` lines of the node's system.log and stdout.
  std::string log_tail(size_t lines = 40) const;

  // $AUTOMAT_CASSANDRA_IMAGE; throws std::runtime_error when it is unset or
  // not a complete image.
  static std::string image_from_env();
  // A random 127.31.x.y on which the CQL and storage ports are free.
  static std::string free_address();
  // A TCP port free on 127.0.0.1 right now.
  static int free_local_port();

 private:
  void write_config() const;
  std::vector<std::string> command_line() const;
  void launch();
  void wait_for_cql_port();

  CassandraNodeOptions options_;
  std::string dir_;
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point launched_at_;
  std::chrono::milliseconds start_time_{0};
};

}  // namespace automat::testing
