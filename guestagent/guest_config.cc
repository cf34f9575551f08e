#include "guestagent/guest_config.h"

#include "common/error.h"

namespace automat::guestagent {
namespace {

constexpr const char* kSection = "guestagent";

std::string required(const common::Config& cfg, const char* key) {
  std::string v = cfg.get(kSection, key);
  if (v.empty()) {
    throw common::bad_request(std::string("guest config: [guestagent] ") + key + " is required");
  }
  return v;
}

int positive_int(const common::Config& cfg, const char* key, int fallback, int max) {
  const int v = cfg.get_int(kSection, key, fallback);
  if (v <= 0 || v > max) {
    throw common::bad_request(std::string("guest config: [guestagent] ") + key +
                              " must be a whole number between 1 and " + std::to_string(max));
  }
  return v;
}

}  // namespace

NodeContext GuestConfig::node() const {
  NodeContext n;
  n.instance_id = instance_id;
  n.address = address;
  n.instance_dir = instance_dir;
  n.datastore_version = datastore_version;
  n.image_location = image_location;
  n.ram_mb = ram_mb;
  return n;
}

GuestConfig load_guest_config(const common::Config& cfg) {
  GuestConfig g;
  g.instance_id = required(cfg, "instance_id");
  g.address = required(cfg, "address");
  g.port = positive_int(cfg, "port", 8780, 65535);
  g.token = required(cfg, "token");
  g.signing_key = required(cfg, "signing_key");
  g.amqp_url = required(cfg, "amqp_url");
  g.manager = required(cfg, "manager");
  g.datastore_version = cfg.get(kSection, "datastore_version");
  g.image_location = cfg.get(kSection, "image_location");
  g.ram_mb = cfg.get_int(kSection, "ram_mb", 0);  // 0: unknown, the manager picks defaults
  if (g.ram_mb < 0) throw common::bad_request("guest config: [guestagent] ram_mb must be >= 0");
  g.instance_dir = required(cfg, "instance_dir");
  if (g.instance_dir.front() != '/') {
    throw common::bad_request("guest config: [guestagent] instance_dir must be an absolute path");
  }
  g.heartbeat_interval = positive_int(cfg, "heartbeat_interval", 10, 86400);
  g.log_level = cfg.get(kSection, "log_level", "info");
  return g;
}

}  // namespace automat::guestagent
