#pragma once
// The command lines of a Cassandra node's JVM and of nodetool, built from
// the image (<image>/lib/*.jar, <image>/conf/jvm17-{server,clients}.options,
// logback*.xml) without a shell: every argument is one argv entry.
#include <string>
#include <vector>

#include "datastores/cassandra/guest_cassandra_layout.h"

namespace automat::datastores::cassandra {

inline constexpr int kMinHeapMb = 256;
inline constexpr int kMaxHeapMb = 1024;
inline constexpr int kJmxPortBase = 10000;
inline constexpr int kJmxPortSpan = 22768;  // ports 10000..32767, below Linux's ephemeral range

// The heap for a node with `ram_mb` of memory: a quarter of it, clamped to
// [256, 1024] MB (Cassandra's off-heap, metaspace and thread stacks take
// about as much again); 512 MB when the memory is unknown (<= 0).
int heap_mb_for(int ram_mb);

// The node's JMX port on 127.0.0.1. Every node binds the same loopback
// address, so the port comes from the node's own address: 10000 + (low 24
// bits mod 22768). Throws common::Error(kBadRequest) for a non-IPv4 address.
int jmx_port_for(const std::string& address);

// One JVM argument per non-empty line; '#' lines and surrounding blanks dropped.
std::vector<std::string> parse_jvm_options(const std::string& text);

// Everything a node's command line depends on.
struct ServerCommandSpec {
  std::string java;                         // the java launcher
  std::string image_dir;                    // holds lib/ and conf/
  std::vector<std::string> server_options;  // conf/jvm17-server.options, parsed
  std::string jamm_jar;                     // absolute path of lib/jamm-*.jar
  CassandraLayout layout;
  int heap_mb = 512;
  int jmx_port = 0;
  std::string replace_address;  // non-empty: -Dcassandra.replace_address_first_boot
  // Joins a ring that serves (auto_bootstrap or a replace): waits longer for
  // the ring's state before choosing tokens (kJoinRingDelayMs, else
  // kRingDelayMs), so two joins in a row cannot pick colliding tokens.
  bool joining = false;
  // The first start of a brand-new ring's node (initial tokens, no
  // bootstrap): nobody can hold its address yet, so it skips Cassandra's
  // endpoint-collision shadow round (-Dcassandra.allow_unsafe_join), which
  // otherwise waits two ring delays for seeds that are not up yet.
  bool new_ring = false;
  // A member of a serving ring starting again (a restart, a flavor
  // resize): it opens CQL only once gossip settled (at least 5 s, at most
  // kGossipSettlePolls polls), so a client it coordinates for right away
  // does not find the other replicas still marked down (Unavailable at
  // QUORUM). A new ring's nodes and a standalone node skip that wait.
  bool settle_gossip = false;
  // A class archive the JVM maps at start (usable_archive of
  // server_archive_file); empty: none.
  std::string class_archive;
  // Training run (train_class_archives): the JVM writes the classes it
  // loaded to this archive when it exits, and runs without the jamm agent
  // (a dynamic archive cannot be dumped with an agent loaded).
  std::string archive_at_exit;
};

inline constexpr int kRingDelayMs = 1000;
inline constexpr int kGossipSettlePolls = 15;
inline constexpr int kJoinRingDelayMs = 5000;

// java <options> -Xms/-Xmx <heap> <1 GC thread each> -javaagent:<jamm>
// <node system properties> [-XX:SharedArchiveFile=<archive>] -cp
// <image>/lib/* CassandraDaemon. The class path holds jars only (a class
// archive refuses a non-empty directory on it): every file Cassandra reads
// from conf/ is named by a system property.
std::vector<std::string> server_command(const ServerCommandSpec& spec);

// What a nodetool run needs besides its arguments.
struct NodetoolSpec {
  std::string java;
  std::string image_dir;
  std::vector<std::string> client_options;  // conf/jvm17-clients.options, parsed
  int jmx_port = 0;
  std::string class_archive;    // -XX:SharedArchiveFile when non-empty
  std::string archive_at_exit;  // -XX:ArchiveClassesAtExit when non-empty (training)
};

// java <client options> [archive] -cp <image>/lib/* NodeTool -h 127.0.0.1
// -p <jmx_port> <args...>
std::vector<std::string> nodetool_command(const NodetoolSpec& spec,
                                          const std::vector<std::string>& args);

// The image's class archives (AppCDS, written by train_class_archives):
// <image>/cds/server.jsa for the node, <image>/cds/nodetool.jsa for
// nodetool. Mapping the classes instead of loading and verifying them cuts a
// node's start by about a quarter of its CPU time.
std::string server_archive_file(const std::string& image_dir);
std::string nodetool_archive_file(const std::string& image_dir);
// `file` when it exists and is not empty, else "" (a JVM without it loads
// its classes from the jars as usual).
std::string usable_archive(const std::string& file);

// The java launcher: $JAVA_HOME/bin/java when JAVA_HOME is set, else "java".
std::string java_launcher();
// The jamm agent jar in <image_dir>/lib; throws common::Error(kInternal)
// naming the image when there is none.
std::string find_jamm_jar(const std::string& image_dir);
// The parsed options file <image_dir>/conf/<name>; throws common::Error
// (kInternal) when the image lacks it.
std::vector<std::string> read_jvm_options(const std::string& image_dir, const std::string& name);

}  // namespace automat::datastores::cassandra
