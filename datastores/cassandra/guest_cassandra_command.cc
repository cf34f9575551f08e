#include "datastores/cassandra/guest_cassandra_command.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/text.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;

std::string classpath(const std::string& image_dir) { return image_dir + "/lib/*"; }

}  // namespace

int heap_mb_for(int ram_mb) {
  if (ram_mb <= 0) return 512;
  return std::clamp(ram_mb / 4, kMinHeapMb, kMaxHeapMb);
}

int jmx_port_for(const std::string& address) {
  in_addr a{};
  if (::inet_pton(AF_INET, address.c_str(), &a) != 1) {
    throw common::bad_request("the node address '" + address + "' is not an IPv4 address");
  }
  const uint32_t low24 = ntohl(a.s_addr) & 0xFFFFFFu;
  return kJmxPortBase + static_cast<int>(low24 % kJmxPortSpan);
}

std::vector<std::string> parse_jvm_options(const std::string& text) {
  std::vector<std::string> options;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = common::trimmed(line);
    if (line.empty() || line[0] == '#') continue;
    options.push_back(line);
  }
  return options;
}

std::vector<std::string> server_command(const ServerCommandSpec& spec) {
  const CassandraLayout& l = spec.layout;
  const std::string heap = std::to_string(spec.heap_mb) + "M";
  std::vector<std::string> argv = {spec.java};
  argv.insert(argv.end(), spec.server_options.begin(), spec.server_options.end());
  if (!spec.archive_at_exit.empty()) {
    argv.push_back("-XX:ArchiveClassesAtExit=" + spec.archive_at_exit);
  } else {
    argv.push_back("-javaagent:" + spec.jamm_jar);
    if (!spec.class_archive.empty()) argv.push_back("-XX:SharedArchiveFile=" + spec.class_archive);
  }
  const std::vector<std::string> node = {
      "-Xms" + heap,
      "-Xmx" + heap,
      "-XX:ParallelGCThreads=1",
      "-XX:ConcGCThreads=1",
      "-Djava.io.tmpdir=" + l.tmp_dir,
      "-Dcassandra.config=file://" + l.config,
      "-Dcassandra-rackdc.properties=file://" + l.rackdc,
      "-Dcassandra.storagedir=" + l.root,
      "-Dcassandra.logdir=" + l.log_dir,
      "-Dlogback.configurationFile=" + spec.image_dir + "/conf/logback.xml",
      "-Dcassandra.triggers_dir=" + spec.image_dir + "/conf/triggers",
      "-Dcassandra-foreground=yes",
      "-Dcassandra.jmx.local.port=" + std::to_string(spec.jmx_port),
      "-Dcassandra.skip_wait_for_gossip_to_settle=" +
          std::to_string(spec.settle_gossip ? kGossipSettlePolls : 0),
      "-Dcassandra.ring_delay_ms=" + std::to_string(spec.joining || !spec.replace_address.empty()
                                                        ? kJoinRingDelayMs
                                                        : kRingDelayMs),
      "-Dcassandra.superuser_setup_delay_ms=0",
      "-Dcassandra.ignore_kernel_bug_1057843_check=true",
  };
  argv.insert(argv.end(), node.begin(), node.end());
  if (!spec.replace_address.empty()) {
    argv.push_back("-Dcassandra.replace_address_first_boot=" + spec.replace_address);
  } else if (spec.new_ring && !spec.joining) {
    argv.push_back("-Dcassandra.allow_unsafe_join=true");
  }
  argv.push_back("-cp");
  argv.push_back(classpath(spec.image_dir));
  argv.push_back("org.apache.cassandra.service.CassandraDaemon");
  return argv;
}

std::vector<std::string> nodetool_command(const NodetoolSpec& spec,
                                          const std::vector<std::string>& args) {
  std::vector<std::string> argv = {spec.java};
  argv.insert(argv.end(), spec.client_options.begin(), spec.client_options.end());
  if (!spec.archive_at_exit.empty()) {
    argv.push_back("-XX:ArchiveClassesAtExit=" + spec.archive_at_exit);
  } else if (!spec.class_archive.empty()) {
    argv.push_back("-XX:SharedArchiveFile=" + spec.class_archive);
  }
  argv.push_back("-Dlogback.configurationFile=" + spec.image_dir + "/conf/logback-tools.xml");
  argv.push_back("-cp");
  argv.push_back(classpath(spec.image_dir));
  argv.push_back("org.apache.cassandra.tools.NodeTool");
  argv.push_back("-h");
  argv.push_back("127.0.0.1");
  argv.push_back("-p");
  argv.push_back(std::to_string(spec.jmx_port));
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string server_archive_file(const std::string& image_dir) {
  return image_dir + "/cds/server.jsa";
}

std::string nodetool_archive_file(const std::string& image_dir) {
  return image_dir + "/cds/nodetool.jsa";
}

std::string usable_archive(const std::string& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  return !ec && size > 0 ? file : "";
}

std::string java_launcher() {
  const char* home = std::getenv("JAVA_HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/bin/java";
  return "java";
}

std::string find_jamm_jar(const std::string& image_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(image_dir + "/lib", ec)) {
    const std::string name = e.path().filename();
    if (name.starts_with("jamm-") && name.ends_with(".jar")) return e.path().string();
  }
  throw common::internal_error("the Cassandra image " + image_dir +
                               " has no lib/jamm-*.jar; reinstall it with automat-manage "
                               "datastore install cassandra");
}

std::vector<std::string> read_jvm_options(const std::string& image_dir, const std::string& name) {
  const std::string path = image_dir + "/conf/" + name;
  std::ifstream f(path);
  if (!f) {
    throw common::internal_error("the Cassandra image lacks " + path +
                                 "; reinstall it with automat-manage datastore install cassandra");
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_jvm_options(ss.str());
}

}  // namespace automat::datastores::cassandra
