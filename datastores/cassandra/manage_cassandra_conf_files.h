#pragma once
// The conf/ files of a Cassandra image, written by the image installer:
//   jvm17-server.options   the node's JVM arguments on Java 17 (G1 settings,
//                          the module --add-exports/--add-opens Cassandra 5.0
//                          needs), one argument per line, '#' lines comments
//   jvm17-clients.options  the same for nodetool and other tools
//   logback.xml            node logging: WARN to ${cassandra.logdir}/system.log
//                          plus the INFO lines a supervisor waits for
//                          ("Starting listening for CQL clients", "is now UP",
//                          state jumps, startup)
//   logback-tools.xml      tool logging: WARN to stderr, so stdout carries only
//                          a command's output
#include <string>
#include <vector>

namespace automat::datastores::cassandra {

struct ConfFile {
  const char* name;  // file name under conf/
  const char* text;
};

const std::vector<ConfFile>& cassandra_conf_files();

}  // namespace automat::datastores::cassandra
