#pragma once
// The [api] section of automat.conf (falling back to [DEFAULT]), checked once
// at start-up so a bad value stops the service with a clear message.
#include <chrono>
#include <cstddef>
#include <string>

#include "api/http_server.h"
#include "api/services.h"
#include "common/config.h"

namespace automat::api {

struct ApiConfig {
  HttpServer::Options server;  // bind_host, bind_port, workers, max_body_bytes
  ApiLimits limits;            // max_body_bytes, volume bounds, token cache
  size_t db_pool_size = 8;
  std::string database_url;
  std::string amqp_url;
  std::string log_level = "info";
  // To reach a guest (databases, users, root): [DEFAULT] guest_secret
  // derives its token, [compute] guest_port is where it listens, and
  // [api] guest_call_timeout (seconds) bounds each call.
  std::string guest_secret;
  int guest_port = 8780;
  std::chrono::milliseconds guest_call_timeout{30000};
};

// Throws common::Error(kBadRequest) naming the option when a value is out
// of range (e.g. workers < 1, min_volume_gb > max_volume_gb).
ApiConfig load_api_config(const common::Config& config);

}  // namespace automat::api
