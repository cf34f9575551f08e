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
  EXPECT_EQ(c.db_pool_size, 8u);
  EXPECT_EQ(c.database_url, "postgresql://x@127.0.0.1/db");
}

TEST(ApiConfig, ReadsTheApiSection) {
  common::Config cfg = base();
  cfg.set("api", "bind_port", "9000");
  cfg.set("api", "workers", "2");
  cfg.set("api", "max_volume_gb", "50");
  const ApiConfig c = load_api_config(cfg);
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.server.workers, 2);
  EXPECT_EQ(c.limits.max_volume_gb, 50);
}

TEST(ApiConfig, RefusesValuesOutOfRange) {
  const std::pair<const char*, const char*> bad[] = {{"workers", "0"},
                                                     {"bind_port", "70000"},
                                                     {"max_body_bytes", "10"},
                                                     {"min_volume_gb", "2000"}};
  for (const auto& [key, value] : bad) {
    SCOPED_TRACE(key);
    common::Config cfg = base();
    cfg.set("api", key, value);
    EXPECT_THROW(load_api_config(cfg), common::Error);
  }
  EXPECT_THROW(load_api_config(common::Config::from_string("[api]\nworkers = 2\n")), common::Error);
}

}  // namespace
}  // namespace automat::api
