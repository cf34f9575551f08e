#include "common/guest_conf.h"

#include <sstream>

#include "common/error.h"

namespace automat::common {
namespace {

constexpr const char* kSection = "guestagent";

std::string required(const Config& cfg, const char* key) {
  std::string v = cfg.get(kSection, key);
  if (v.empty()) {
    throw bad_request(std::string("guest config: [guestagent] ") + key + " is required");
  }
  return v;
}

int positive_int(const Config& cfg, const char* key, int fallback, int max) {
  const int v = cfg.get_int(kSection, key, fallback);
  if (v <= 0 || v > max) {
    throw bad_request(std::string("guest config: [guestagent] ") + key +
                      " must be a whole number between 1 and " + std::to_string(max));
  }
  return v;
}

}  // namespace

std::string render_guest_conf(const GuestConf& c) {
  std::ostringstream out;
  out << "[" << kSection << "]\n"
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
      << "volume_dir = " << c.volume_dir << "\n"
      << "heartbeat_interval = " << c.heartbeat_interval << "\n"
      << "log_level = " << c.log_level << "\n";
  return out.str();
}

GuestConf parse_guest_conf(const Config& cfg) {
  GuestConf g;
  g.instance_id = required(cfg, "instance_id");
  g.address = required(cfg, "address");
  g.port = positive_int(cfg, "port", 8780, 65535);
  g.token = required(cfg, "token");
  g.signing_key = required(cfg, "signing_key");
  g.amqp_url = required(cfg, "amqp_url");
  g.manager = required(cfg, "manager");
  g.datastore_version = cfg.get(kSection, "datastore_version");
  g.image_location = cfg.get(kSection, "image_location");
  g.ram_mb = cfg.get_int(kSection, "ram_mb", 0);
  if (g.ram_mb < 0) throw bad_request("guest config: [guestagent] ram_mb must be >= 0");
  g.instance_dir = required(cfg, "instance_dir");
  if (g.instance_dir.front() != '/') {
    throw bad_request("guest config: [guestagent] instance_dir must be an absolute path");
  }
  // A guest.conf from before volumes kept the datastore's files directly
  // under instance_dir.
  g.volume_dir = cfg.get(kSection, "volume_dir", g.instance_dir);
  if (g.volume_dir.front() != '/') {
    throw bad_request("guest config: [guestagent] volume_dir must be an absolute path");
  }
  g.heartbeat_interval = positive_int(cfg, "heartbeat_interval", 10, 86400);
  g.log_level = cfg.get(kSection, "log_level", "info");
  return g;
}

}  // namespace automat::common
