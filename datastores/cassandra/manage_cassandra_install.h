#pragma once
// `automat-manage datastore install cassandra`: the image laid out
// (manage_cassandra_image.h), its class archives trained, and the catalog
// entry it is registered under. automat-manage keeps the command line and
// the registration (manage/commands.h: register_installed).
#include <functional>
#include <ostream>
#include <string>

#include "common/program_runner.h"
#include "datastores/cassandra/manage_cassandra_image.h"
#include "db/models.h"

namespace automat::datastores::cassandra {

// Runs on an image's directory after it is laid out; may throw.
using ImageTrainer = std::function<void(const std::string& image_dir, std::ostream& out)>;

// Trains the image's class archives (guest_cassandra_training.h) with a
// throwaway node on the free loopback `address`, unless the image has
// usable ones already.
ImageTrainer class_archive_trainer(const std::string& address);

// Lays out the image of spec.version (install_cassandra_image), then runs
// `train`, when given, on its directory; a training failure is reported on
// `out` and does not fail the install: nodes start without the archives,
// only slower. Returns the version to register: datastore and manager
// cassandra, version spec.version, image_location = the image's absolute
// directory, enabled_cluster and min_ram 1024 MB.
db::DatastoreVersion install_cassandra(const CassandraImageSpec& spec,
                                       common::ProgramRunner& runner, std::ostream& out,
                                       const ImageTrainer& train = nullptr);

}  // namespace automat::datastores::cassandra
