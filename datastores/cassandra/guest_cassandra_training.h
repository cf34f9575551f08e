#pragma once
// The class archives of a Cassandra image (AppCDS, Java 17 dynamic
// archives), trained once per image by a throwaway node: every later node
// and nodetool run maps the classes instead of loading, parsing and
// verifying them from the jars, which is most of a node's start-up CPU.
#include <string>

namespace automat::datastores::cassandra {

struct TrainedArchives {
  std::string server;    // server_archive_file(image_dir)
  std::string nodetool;  // nodetool_archive_file(image_dir)
  double seconds = 0;    // the training's wall time
};

// Starts a standalone node from `image_dir` on `address` (a free loopback
// address: ports 7000 and 9042 there, and its JMX port on 127.0.0.1) with
// its files under `work_dir`, logs in over CQL, lists the keyspaces, runs
// nodetool status and stops the node: both JVMs write what they loaded at
// exit. The archives are written beside their final names and renamed into
// <image_dir>/cds/ only when both exist; `work_dir` is removed in every
// case. Throws common::Error (kConflict: a port is taken; kInternal: the
// node did not start or an archive was not written) with the reason.
TrainedArchives train_class_archives(const std::string& image_dir, const std::string& work_dir,
                                     const std::string& address);

}  // namespace automat::datastores::cassandra
