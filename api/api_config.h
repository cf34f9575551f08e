#pragma once
// The [api] section of automat.conf (falling back to [DEFAULT]), checked once
// at start-up so a bad value stops the service with a clear message.
#include <chrono>
#include <cstddef>
#include <string>

#include "api/http_server.h"
#include "api/services.h"
#include "common/config.h"
#include "db/quota.h"

namespace automat::api {

struct ApiConfig {
  // bind_host, bind_port, workers, max_body_bytes, header_timeout_seconds,
  // max_connections, max_connections_per_client
  HttpServer::Options server;
  // What every link in an answer starts with ("https://db.example.com"),
  // without a trailing slash: [api] public_endpoint, by default
  // http://<bind_host>:<bind_port>. Never taken from a request's Host.
  std::string public_endpoint;
  ApiLimits limits;  // max_body_bytes, volume bounds, token cache
  size_t db_pool_size = 8;
  std::string database_url;
  std::string amqp_url;
  std::string log_level = "info";
  // To reach a guest (databases, users, root): [DEFAULT] guest_secret
  // derives its token and [api] guest_call_timeout (seconds) bounds each
  // call; where it listens is the instance's record.
  std::string guest_secret;
  // [api] region: the region instance views show.
  std::string region = "RegionOne";
  // [quota]: the limits of a tenant that has none of its own.
  db::QuotaValues quota_defaults = db::default_quota_limits();
  std::chrono::milliseconds guest_call_timeout{30000};
};

// Throws common::Error(kBadRequest) naming the option when a value is out
// of range (e.g. workers < 1, min_volume_gb > max_volume_gb) or
// public_endpoint is not an http(s) URL without a query.
ApiConfig load_api_config(const common::Config& config);

}  // namespace automat::api
