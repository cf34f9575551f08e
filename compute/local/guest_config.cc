#include "compute/local/guest_config.h"

#include <sstream>

#include "common/atomic_file.h"

namespace automat::compute::local {

std::string render_guest_config(const GuestConfig& c) {
  std::ostringstream out;
  out << "[guestagent]\n"
      << "instance_id = " << c.instance_id << "\n"
      << "address = " << c.address << "\n"
      << "port = " << c.port << "\n"
      << "token = " << c.token << "\n"
      << "signing_key = " << c.signing_key << "\n"
      << "amqp_url = " << c.amqp_url << "\n"
      << "manager = " << c.manager << "\n"
      << "datastore_version = " << c.datastore_version << "\n"
      << "image_location = " << c.image_location << "\n"
      << "ram_mb = " << c.ram_mb << "\n"
      << "instance_dir = " << c.instance_dir << "\n"
      << "heartbeat_interval = " << c.heartbeat_interval << "\n"
      << "log_level = " << c.log_level << "\n";
  return out.str();
}

void write_private_file(const std::string& path, const std::string& text) {
  common::write_file_atomically(path, text, 0600);
}

}  // namespace automat::compute::local
