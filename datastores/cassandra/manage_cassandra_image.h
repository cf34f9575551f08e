#pragma once
// Lays out an Apache Cassandra node image from Maven Central with mvn:
//   <images_dir>/cassandra/<version>/lib/    the jars
//   <images_dir>/cassandra/<version>/conf/   cassandra_conf_files()
//   <images_dir>/cassandra/<version>/.complete
//       "version=<v> jars=<n> jamm=<jamm jar>", written last
// It tries the binary distribution org.apache.cassandra:apache-cassandra:
// <v>:tar.gz:bin first (not on Central for 5.0.x today), then cassandra-all
// <v> with its runtime dependency closure (maven-dependency-plugin
// copy-dependencies). The image is built in <dir>.partial.<pid> and renamed
// into place, so a crash never leaves a half image that looks complete.
// Downloads are kept in a Maven repository (maven_repo), so rebuilding works
// offline once everything was fetched.
#include <ostream>
#include <string>

#include "common/program_runner.h"

namespace automat::datastores::cassandra {

struct CassandraImageSpec {
  std::string version;     // "5.0.9"
  std::string images_dir;  // the image goes to <images_dir>/cassandra/<version>
  std::string maven_repo;  // empty: <images_dir>/cassandra/.m2
  bool offline = false;    // resolve from maven_repo only (mvn -o)
};

struct CassandraImage {
  std::string dir;      // absolute
  bool cached = false;  // .complete was there: nothing was run
  int jars = 0;
  std::string source;  // "cached", "binary distribution" or "cassandra-all"
};

// Makes sure the image of spec.version exists and returns where. With
// .complete present for that version nothing runs. Progress lines go to
// `out`. Throws common::Error: kBadRequest for a malformed version,
// kNotFound when Maven has no such version (the message is Maven's reason),
// kUnavailable when mvn or tar is missing or fails otherwise.
CassandraImage install_cassandra_image(const CassandraImageSpec& spec,
                                       common::ProgramRunner& runner, std::ostream& out);

// Maven's one-line reason from its output: the first [ERROR] line without
// the "Failed to execute goal … on project …:" preamble and "-> [Help 1]".
std::string maven_reason(const std::string& output);

}  // namespace automat::datastores::cassandra
