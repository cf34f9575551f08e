#pragma once
// Where one Cassandra node keeps its files: <instance_dir>/cassandra/.
#include <string>
#include <vector>

namespace automat::datastores::cassandra {

struct CassandraLayout {
  std::string root;              // <instance_dir>/cassandra (cassandra.storagedir)
  std::string config;            // cassandra.yaml
  std::string rackdc;            // cassandra-rackdc.properties
  std::string data_dir;          // data/ (data_file_directories)
  std::string commitlog_dir;     // commitlog/
  std::string saved_caches_dir;  // saved_caches/
  std::string hints_dir;         // hints/
  std::string cdc_raw_dir;       // cdc_raw/
  std::string log_dir;           // logs/ (cassandra.logdir: system.log)
  std::string tmp_dir;           // tmp/ (java.io.tmpdir; JNA needs exec here)
  std::string pid_file;          // cassandra.pid (written by the guest)
  std::string out_file;          // cassandra.out (the JVM's stdout and stderr)
  std::string credentials;       // the admin login this node uses (0600)
  std::string state_file;        // the guest's own record (guest_cassandra_state.h)

  static CassandraLayout under(const std::string& instance_dir) {
    CassandraLayout l;
    l.root = instance_dir + (instance_dir.ends_with('/') ? "" : "/") + "cassandra";
    l.config = l.root + "/cassandra.yaml";
    l.rackdc = l.root + "/cassandra-rackdc.properties";
    l.data_dir = l.root + "/data";
    l.commitlog_dir = l.root + "/commitlog";
    l.saved_caches_dir = l.root + "/saved_caches";
    l.hints_dir = l.root + "/hints";
    l.cdc_raw_dir = l.root + "/cdc_raw";
    l.log_dir = l.root + "/logs";
    l.tmp_dir = l.root + "/tmp";
    l.pid_file = l.root + "/cassandra.pid";
    l.out_file = l.root + "/cassandra.out";
    l.credentials = l.root + "/credentials";
    l.state_file = l.root + "/state.json";
    return l;
  }

  // Every directory the node needs, in creation order.
  std::vector<std::string> directories() const {
    return {root,      data_dir,    commitlog_dir, saved_caches_dir,
            hints_dir, cdc_raw_dir, log_dir,       tmp_dir};
  }
};

}  // namespace automat::datastores::cassandra
