// The [api] options (api/api_config.h).
#include "api/api_config.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace automat::api {
namespace {

common::Config base() {
  return common::Config::from_string(
      "[DEFAULT]\ndatabase_url = postgresql://x@127.0.0.1/db\namqp_url = amqp://g:g@h:1/\n");
}

TEST(ApiConfig, DefaultsMatchTheSample) {
  const ApiConfig c = load_api_config(base());
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8779);
  EXPECT_EQ(c.server.workers, 4);
  EXPECT_EQ(c.limits.max_body_bytes, 1048576u);
  EXPECT_EQ(c.server.max_body_bytes, c.limits.max_body_bytes);
  EXPECT_EQ(c.limits.min_volume_gb, 1);
  EXPECT_EQ(c.limits.max_volume_gb, 1024);
  EXPECT_EQ(c.limits.token_cache_seconds, 30);
  EXPECT_EQ(c.limits.operation_expiry, std::chrono::seconds(3600));
  EXPECT_EQ(c.db_pool_size, 8u);
  EXPECT_EQ(c.database_url, "postgresql://x@127.0.0.1/db");
}

TEST(ApiConfig, ReadsTheApiSection) {
  common::Config cfg = base();
  cfg.set("api", "bind_port", "9000");
  cfg.set("api", "workers", "2");
  cfg.set("api", "max_volume_gb", "50");
  cfg.set("api", "operation_expiry", "60");
  const ApiConfig c = load_api_config(cfg);
  EXPECT_EQ(c.limits.operation_expiry, std::chrono::seconds(60));
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.server.workers, 2);
  EXPECT_EQ(c.limits.max_volume_gb, 50);
}

TEST(ApiConfig, RefusesValuesOutOfRange) {
  const std::pair<const char*, const char*> bad[] = {{"workers", "0"},
                                                     {"bind_port", "70000"},
                                                     {"max_body_bytes", "10"},
                                                     {"min_volume_gb", "2000"},
                                                     {"operation_expiry", "-1"}};
  for (const auto& [key, value] : bad) {
    SCOPED_TRACE(key);
    common::Config cfg = base();
    cfg.set("api", key, value);
    EXPECT_THROW(load_api_config(cfg), common::Error);
  }
  EXPECT_THROW(load_api_config(common::Config::from_string("[api]\nworkers = 2\n")), common::Error);
}

TEST(ApiConfig, PublicEndpointDefaultsToTheBindAddress) {
  EXPECT_EQ(load_api_config(base()).public_endpoint, "http://127.0.0.1:8779");
  common::Config cfg = base();
  cfg.set("api", "bind_host", "::1");
  cfg.set("api", "bind_port", "9001");
  EXPECT_EQ(load_api_config(cfg).public_endpoint, "http://[::1]:9001");
  cfg.set("api", "public_endpoint", "https://db.example.com/");
  EXPECT_EQ(load_api_config(cfg).public_endpoint, "https://db.example.com");
  for (const char* bad : {"db.example.com", "ftp://db.example.com", "http://", "http://a b",
                          "https://db.example.com/?x=1", "http://h/#frag"}) {
    SCOPED_TRACE(bad);
    cfg.set("api", "public_endpoint", bad);
    EXPECT_THROW(load_api_config(cfg), common::Error);
  }
}

TEST(ApiConfig, ConnectionLimitsAndHeaderTimeout) {
  ApiConfig c = load_api_config(base());
  EXPECT_EQ(c.server.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.server.max_connections, 10000u);
  EXPECT_EQ(c.server.max_connections_per_client, 256u);
  common::Config cfg = base();
  cfg.set("api", "header_timeout_seconds", "2");
  cfg.set("api", "max_connections", "500");
  cfg.set("api", "max_connections_per_client", "20");
  c = load_api_config(cfg);
  EXPECT_EQ(c.server.header_timeout, std::chrono::seconds(2));
  EXPECT_EQ(c.server.max_connections, 500u);
  EXPECT_EQ(c.server.max_connections_per_client, 20u);
  for (const char* key :
       {"header_timeout_seconds", "max_connections", "max_connections_per_client"}) {
    common::Config zero = base();
    zero.set("api", key, "0");
    EXPECT_THROW(load_api_config(zero), common::Error) << key;
  }
}

}  // namespace
}  // namespace automat::api
