#include "api/api_config.h"

#include "common/error.h"

namespace automat::api {
namespace {

constexpr const char* kSection = "api";

int bounded(const common::Config& config, const char* key, int fallback, int min, int max) {
  const int value = config.get_int(kSection, key, fallback);
  if (value < min || value > max) {
    throw common::bad_request("config [api] " + std::string(key) + " must be between " +
                              std::to_string(min) + " and " + std::to_string(max) + ", got " +
                              std::to_string(value));
  }
  return value;
}

// "http://host:port" from [api] public_endpoint (checked, trailing slashes
// dropped), or from the bind address.
std::string public_endpoint(const common::Config& config, const HttpServer::Options& server) {
  std::string url = config.get(kSection, "public_endpoint", "");
  if (url.empty()) {
    const bool v6 = server.host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + server.host + "]" : server.host) + ":" +
           std::to_string(server.port);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  const size_t scheme = url.find("://");
  const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  bool clean = true;
  for (unsigned char c : url) clean = clean && c > 0x20 && c < 0x7F && c != '?' && c != '#';
  if (!http || !clean || scheme == std::string::npos || url.size() <= scheme + 3) {
    throw common::bad_request(
        "config [api] public_endpoint must be an http:// or https:// URL with a host and no "
        "query, e.g. https://db.example.com:8779");
  }
  return url;
}

}  // namespace

ApiConfig load_api_config(const common::Config& config) {
  ApiConfig c;
  c.server.host = config.get(kSection, "bind_host", "127.0.0.1");
  c.server.port = static_cast<uint16_t>(bounded(config, "bind_port", 8779, 0, 65535));
  c.server.workers = bounded(config, "workers", 4, 1, 256);
  c.limits.max_body_bytes =
      static_cast<size_t>(bounded(config, "max_body_bytes", 1 << 20, 1024, 1 << 30));
  c.server.max_body_bytes = c.limits.max_body_bytes;
  c.server.header_timeout =
      std::chrono::seconds(bounded(config, "header_timeout_seconds", 5, 1, 3600));
  c.server.max_connections =
      static_cast<size_t>(bounded(config, "max_connections", 10000, 1, 1 << 20));
  c.server.max_connections_per_client =
      static_cast<size_t>(bounded(config, "max_connections_per_client", 256, 1, 1 << 20));
  c.public_endpoint = public_endpoint(config, c.server);
  c.limits.min_volume_gb = bounded(config, "min_volume_gb", 1, 1, 1 << 20);
  c.limits.max_volume_gb = bounded(config, "max_volume_gb", 1024, 1, 1 << 20);
  if (c.limits.min_volume_gb > c.limits.max_volume_gb) {
    throw common::bad_request("config [api] min_volume_gb must not exceed max_volume_gb");
  }
  c.limits.token_cache_seconds = bounded(config, "token_cache_seconds", 30, 0, 86400);
  c.limits.max_page_size = static_cast<size_t>(bounded(config, "max_page_size", 100, 1, 10000));
  c.limits.operation_expiry =
      std::chrono::seconds(bounded(config, "operation_expiry", 3600, 0, 366 * 86400));
  c.region = config.get(kSection, "region", "RegionOne");
  if (c.region.empty() || c.region.size() > 255) {
    throw common::bad_request("config [api] region must be 1 to 255 characters");
  }
  c.quota_defaults = db::load_quota_limits(config);
  c.db_pool_size = static_cast<size_t>(bounded(config, "db_pool_size", 8, 1, 1000));
  c.database_url = config.get(kSection, "database_url");
  c.amqp_url = config.get(kSection, "amqp_url");
  c.log_level = config.get(kSection, "log_level", "info");
  c.guest_secret = config.get("DEFAULT", "guest_secret");
  c.guest_call_timeout = std::chrono::seconds(bounded(config, "guest_call_timeout", 30, 1, 600));
  if (c.database_url.empty()) throw common::bad_request("config: database_url is not set");
  if (c.amqp_url.empty()) throw common::bad_request("config: amqp_url is not set");
  return c;
}

}  // namespace automat::api
