#include "datastores/cassandra/manage_cassandra_install.h"

#include <unistd.h>

#include <exception>

#include "datastores/cassandra/guest_cassandra_command.h"
#include "datastores/cassandra/guest_cassandra_training.h"

namespace automat::datastores::cassandra {

ImageTrainer class_archive_trainer(const std::string& address) {
  return [address](const std::string& image_dir, std::ostream& out) {
    if (!usable_archive(server_archive_file(image_dir)).empty() &&
        !usable_archive(nodetool_archive_file(image_dir)).empty()) {
      out << "class archives already in " << image_dir << "/cds\n";
      return;
    }
    out << "training the class archives: a throwaway node on " << address << " starts and stops"
        << std::endl;
    const auto trained = train_class_archives(
        image_dir, image_dir + "/cds/training." + std::to_string(::getpid()), address);
    out.precision(1);
    out << std::fixed << "wrote " << trained.server << " and " << trained.nodetool << " in "
        << trained.seconds << " s\n";
  };
}

db::DatastoreVersion install_cassandra(const CassandraImageSpec& spec,
                                       common::ProgramRunner& runner, std::ostream& out,
                                       const ImageTrainer& train) {
  const CassandraImage image = install_cassandra_image(spec, runner, out);
  if (train) {
    try {
      train(image.dir, out);
    } catch (const std::exception& e) {
      out << "warning: no class archives for " << image.dir << " (" << e.what()
          << "); its nodes start without them, slower. Run datastore install again to train "
             "them (--training-address picks another free loopback address)\n";
    }
  }
  db::DatastoreVersion v;
  v.datastore_name = "cassandra";
  v.name = spec.version;
  v.manager = "cassandra";
  v.image_location = image.dir;
  v.enabled_cluster = true;
  v.min_ram_mb = 1024;
  return v;
}

}  // namespace automat::datastores::cassandra
