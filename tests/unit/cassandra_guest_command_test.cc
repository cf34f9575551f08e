// The Cassandra node's JVM command line and nodetool's: heap sizing, the
// per-node JMX port, the options files and the replace flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_command.h"

namespace automat::datastores::cassandra {
namespace {

bool contains(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

size_t index_of(const std::vector<std::string>& argv, const std::string& arg) {
  return static_cast<size_t>(std::find(argv.begin(), argv.end(), arg) - argv.begin());
}

ServerCommandSpec spec() {
  ServerCommandSpec s;
  s.java = "/usr/bin/java";
  s.image_dir = "/img/5.0.9";
  s.server_options = {"-XX:+UseG1GC", "--add-opens=java.base/java.lang=ALL-UNNAMED"};
  s.jamm_jar = "/img/5.0.9/lib/jamm-0.4.0.jar";
  s.layout = CassandraLayout::under("/inst/n1");
  s.heap_mb = 512;
  s.jmx_port = 12497;
  return s;
}

TEST(CassandraHeap, QuarterOfMemoryClamped) {
  EXPECT_EQ(heap_mb_for(2048), 512);
  EXPECT_EQ(heap_mb_for(1024), 256);
  EXPECT_EQ(heap_mb_for(512), 256);     // floor
  EXPECT_EQ(heap_mb_for(16384), 1024);  // ceiling
  EXPECT_EQ(heap_mb_for(3000), 750);
  EXPECT_EQ(heap_mb_for(0), 512);  // unknown
}

TEST(CassandraJmxPort, DerivedFromTheLow24Bits) {
  // 127.32.0.1: low 24 bits 0x200001 = 2097153; 2097153 mod 22768 = 2497.
  EXPECT_EQ(jmx_port_for("127.32.0.1"), 12497);
  EXPECT_EQ(jmx_port_for("127.32.0.2"), 12498);
  EXPECT_EQ(jmx_port_for("127.0.0.1"), 10001);
  // Same low 24 bits, another first octet: the same port.
  EXPECT_EQ(jmx_port_for("10.32.0.1"), 12497);
}

TEST(CassandraJmxPort, AlwaysBelowTheEphemeralRange) {
  std::set<int> ports;
  for (int c = 0; c < 256; c += 5) {
    for (int d = 0; d < 256; d += 3) {
      const int port = jmx_port_for("127.10." + std::to_string(c) + "." + std::to_string(d));
      EXPECT_GE(port, 10000);
      EXPECT_LT(port, 32768);
      ports.insert(port);
    }
  }
  EXPECT_GT(ports.size(), 4000u);  // neighbours do not collide
}

TEST(CassandraJmxPort, RejectsANonIpv4Address) {
  EXPECT_THROW(jmx_port_for("node-1"), common::Error);
  EXPECT_THROW(jmx_port_for("::1"), common::Error);
}

TEST(CassandraJvmOptions, OneArgumentPerLineWithoutComments) {
  const auto options = parse_jvm_options(
      "# header\n-XX:+UseG1GC\n\n   -Xss256k  \n#-Xmx1G\n--add-exports=a/b=ALL-UNNAMED\r\n");
  EXPECT_EQ(options, (std::vector<std::string>{"-XX:+UseG1GC", "-Xss256k",
                                               "--add-exports=a/b=ALL-UNNAMED"}));
}

TEST(CassandraServerCommand, OptionsFirstThenNodeSettingsThenMainClass) {
  const auto argv = server_command(spec());
  ASSERT_GE(argv.size(), 5u);
  EXPECT_EQ(argv[0], "/usr/bin/java");
  EXPECT_EQ(argv[1], "-XX:+UseG1GC");
  EXPECT_EQ(argv[2], "--add-opens=java.base/java.lang=ALL-UNNAMED");
  EXPECT_EQ(argv.back(), "org.apache.cassandra.service.CassandraDaemon");
  EXPECT_EQ(argv[argv.size() - 3], "-cp");
  EXPECT_EQ(argv[argv.size() - 2], "/img/5.0.9/conf:/img/5.0.9/lib/*");
}

TEST(CassandraServerCommand, HeapGcJammAndJmx) {
  const auto argv = server_command(spec());
  EXPECT_TRUE(contains(argv, "-Xms512M"));
  EXPECT_TRUE(contains(argv, "-Xmx512M"));
  EXPECT_TRUE(contains(argv, "-XX:ParallelGCThreads=1"));
  EXPECT_TRUE(contains(argv, "-XX:ConcGCThreads=1"));
  EXPECT_TRUE(contains(argv, "-javaagent:/img/5.0.9/lib/jamm-0.4.0.jar"));
  EXPECT_TRUE(contains(argv, "-Dcassandra.jmx.local.port=12497"));
  EXPECT_TRUE(contains(argv, "-Dcassandra.ring_delay_ms=1000"));
  EXPECT_TRUE(contains(argv, "-Dcassandra-foreground=yes"));
}

TEST(CassandraServerCommand, JoiningNodesWaitLongerForTheRingBeforeChoosingTokens) {
  auto joining = spec();
  joining.joining = true;
  EXPECT_TRUE(contains(server_command(joining), "-Dcassandra.ring_delay_ms=5000"));
  auto replacing = spec();
  replacing.replace_address = "127.0.0.9";
  EXPECT_TRUE(contains(server_command(replacing), "-Dcassandra.ring_delay_ms=5000"));
  EXPECT_FALSE(contains(server_command(replacing), "-Dcassandra.ring_delay_ms=1000"));
}

TEST(CassandraServerCommand, NodeFilesAsUrlsAndDirectories) {
  const auto argv = server_command(spec());
  EXPECT_TRUE(contains(argv, "-Dcassandra.config=file:///inst/n1/cassandra/cassandra.yaml"));
  EXPECT_TRUE(contains(
      argv, "-Dcassandra-rackdc.properties=file:///inst/n1/cassandra/cassandra-rackdc.properties"));
  EXPECT_TRUE(contains(argv, "-Dcassandra.storagedir=/inst/n1/cassandra"));
  EXPECT_TRUE(contains(argv, "-Dcassandra.logdir=/inst/n1/cassandra/logs"));
  EXPECT_TRUE(contains(argv, "-Djava.io.tmpdir=/inst/n1/cassandra/tmp"));
  EXPECT_TRUE(contains(argv, "-Dlogback.configurationFile=/img/5.0.9/conf/logback.xml"));
}

TEST(CassandraServerCommand, ReplaceFlagOnlyWhenAsked) {
  auto without = server_command(spec());
  for (const auto& a : without) EXPECT_EQ(a.find("replace_address"), std::string::npos) << a;
  auto s = spec();
  s.replace_address = "127.32.0.9";
  const auto with = server_command(s);
  const size_t at = index_of(with, "-Dcassandra.replace_address_first_boot=127.32.0.9");
  ASSERT_LT(at, with.size());
  EXPECT_LT(at, index_of(with, "-cp"));  // a JVM option, before the class path
}

TEST(CassandraNodetoolCommand, ClientOptionsToolsLoggingAndJmx) {
  const auto argv = nodetool_command("java", "/img", {"-Xmx128M"}, 12497, {"status"});
  EXPECT_EQ(argv, (std::vector<std::string>{
                      "java", "-Xmx128M", "-Dlogback.configurationFile=/img/conf/logback-tools.xml",
                      "-cp", "/img/conf:/img/lib/*", "org.apache.cassandra.tools.NodeTool", "-h",
                      "127.0.0.1", "-p", "12497", "status"}));
}

TEST(CassandraImage, MissingPiecesAreNamed) {
  try {
    find_jamm_jar("/nonexistent/image");
    FAIL() << "found a jamm jar in a missing image";
  } catch (const common::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/image"), std::string::npos);
  }
  EXPECT_THROW(read_jvm_options("/nonexistent/image", "jvm17-server.options"), common::Error);
}

}  // namespace
}  // namespace automat::datastores::cassandra
