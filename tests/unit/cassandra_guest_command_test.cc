// The Cassandra node's JVM command line and nodetool's: heap sizing, the
// per-node JMX port, the options files and the replace flag.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
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
  // Jars only: a class archive refuses a non-empty directory on the class path.
  EXPECT_EQ(argv[argv.size() - 2], "/img/5.0.9/lib/*");
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

TEST(CassandraServerCommand, ARingMemberStartingAgainOpensCqlOnlyOnceGossipSettled) {
  EXPECT_TRUE(contains(server_command(spec()), "-Dcassandra.skip_wait_for_gossip_to_settle=0"));
  auto again = spec();
  again.settle_gossip = true;
  const auto argv = server_command(again);
  EXPECT_TRUE(contains(argv, "-Dcassandra.skip_wait_for_gossip_to_settle=15"));
  EXPECT_FALSE(contains(argv, "-Dcassandra.skip_wait_for_gossip_to_settle=0"));
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

TEST(CassandraServerCommand, OnlyANewRingsNodeSkipsTheCollisionCheck) {
  const std::string flag = "-Dcassandra.allow_unsafe_join=true";
  EXPECT_FALSE(contains(server_command(spec()), flag));
  auto fresh = spec();
  fresh.new_ring = true;
  EXPECT_TRUE(contains(server_command(fresh), flag));
  auto replacing = fresh;
  replacing.replace_address = "127.0.0.9";
  EXPECT_FALSE(contains(server_command(replacing), flag));
  auto joining = fresh;
  joining.joining = true;
  EXPECT_FALSE(contains(server_command(joining), flag));
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
  EXPECT_TRUE(contains(argv, "-Dcassandra.triggers_dir=/img/5.0.9/conf/triggers"));
}

TEST(CassandraServerCommand, MapsTheImageClassArchiveWhenGiven) {
  for (const auto& a : server_command(spec())) {
    EXPECT_EQ(a.find("SharedArchiveFile"), std::string::npos) << a;
    EXPECT_EQ(a.find("ArchiveClassesAtExit"), std::string::npos) << a;
  }
  auto s = spec();
  s.class_archive = "/img/5.0.9/cds/server.jsa";
  const auto argv = server_command(s);
  const size_t at = index_of(argv, "-XX:SharedArchiveFile=/img/5.0.9/cds/server.jsa");
  ASSERT_LT(at, argv.size());
  EXPECT_LT(at, index_of(argv, "-cp"));
  EXPECT_TRUE(contains(argv, "-javaagent:/img/5.0.9/lib/jamm-0.4.0.jar"));
}

TEST(CassandraServerCommand, TrainingRecordsAnArchiveWithoutTheAgent) {
  auto s = spec();
  s.class_archive = "/img/5.0.9/cds/server.jsa";  // ignored while training
  s.archive_at_exit = "/img/5.0.9/cds/server.jsa.partial";
  const auto argv = server_command(s);
  EXPECT_TRUE(contains(argv, "-XX:ArchiveClassesAtExit=/img/5.0.9/cds/server.jsa.partial"));
  for (const auto& a : argv) {
    EXPECT_EQ(a.find("-javaagent"), std::string::npos) << a;
    EXPECT_EQ(a.find("SharedArchiveFile"), std::string::npos) << a;
  }
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

NodetoolSpec nodetool_spec() {
  NodetoolSpec s;
  s.java = "java";
  s.image_dir = "/img";
  s.client_options = {"-Xmx128M"};
  s.jmx_port = 12497;
  return s;
}

TEST(CassandraNodetoolCommand, ClientOptionsToolsLoggingAndJmx) {
  const auto argv = nodetool_command(nodetool_spec(), {"status"});
  EXPECT_EQ(argv, (std::vector<std::string>{
                      "java", "-Xmx128M", "-Dlogback.configurationFile=/img/conf/logback-tools.xml",
                      "-cp", "/img/lib/*", "org.apache.cassandra.tools.NodeTool", "-h", "127.0.0.1",
                      "-p", "12497", "status"}));
}

TEST(CassandraNodetoolCommand, ArchiveMappedOrRecorded) {
  auto s = nodetool_spec();
  s.class_archive = "/img/cds/nodetool.jsa";
  auto argv = nodetool_command(s, {"status"});
  EXPECT_EQ(argv[2], "-XX:SharedArchiveFile=/img/cds/nodetool.jsa");
  s.archive_at_exit = "/img/cds/nodetool.jsa.partial";
  argv = nodetool_command(s, {"status"});
  EXPECT_EQ(argv[2], "-XX:ArchiveClassesAtExit=/img/cds/nodetool.jsa.partial");
  EXPECT_FALSE(contains(argv, "-XX:SharedArchiveFile=/img/cds/nodetool.jsa"));
}

TEST(CassandraClassArchive, PathsInTheImageAndOnlyNonEmptyFilesCount) {
  EXPECT_EQ(server_archive_file("/img"), "/img/cds/server.jsa");
  EXPECT_EQ(nodetool_archive_file("/img"), "/img/cds/nodetool.jsa");
  const std::string dir = ::testing::TempDir() + "/cds_usable_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string empty = dir + "/empty.jsa", full = dir + "/full.jsa";
  std::ofstream(empty).close();
  std::ofstream(full) << "archive";
  EXPECT_EQ(usable_archive(dir + "/missing.jsa"), "");
  EXPECT_EQ(usable_archive(empty), "");
  EXPECT_EQ(usable_archive(full), full);
  std::filesystem::remove_all(dir);
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
