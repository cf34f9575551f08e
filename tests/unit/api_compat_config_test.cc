// The options Trove compatibility added: [api] region and max_page_size,
// and the [quota] defaults; the sample etc/automat.conf documents them with
// the values the code defaults to.
#include <gtest/gtest.h>

#include "api/api_config.h"
#include "common/error.h"

namespace automat::api {
namespace {

common::Config base() {
  return common::Config::from_string(
      "[DEFAULT]\ndatabase_url = postgresql://x@127.0.0.1/db\namqp_url = amqp://g:g@h:1/\n");
}

TEST(CompatConfig, DefaultsAreTroves) {
  const ApiConfig c = load_api_config(base());
  EXPECT_EQ(c.region, "RegionOne");
  EXPECT_EQ(c.limits.max_page_size, 100u);
  EXPECT_EQ(c.quota_defaults, db::default_quota_limits());
}

TEST(CompatConfig, ReadsRegionPageSizeAndQuotas) {
  common::Config cfg = base();
  cfg.set("api", "region", "moon-1");
  cfg.set("api", "max_page_size", "20");
  cfg.set("quota", "instances", "4");
  cfg.set("quota", "ram", "8192");
  const ApiConfig c = load_api_config(cfg);
  EXPECT_EQ(c.region, "moon-1");
  EXPECT_EQ(c.limits.max_page_size, 20u);
  EXPECT_EQ(c.quota_defaults, (db::QuotaValues{4, 8192, 40, 50}));
}

TEST(CompatConfig, RefusesValuesOutOfRange) {
  const struct {
    const char* section;
    const char* key;
    const char* value;
  } bad[] = {{"api", "max_page_size", "0"},
             {"api", "region", ""},
             {"quota", "volumes", "-2"},
             {"quota", "instances", "-5"}};
  for (const auto& b : bad) {
    SCOPED_TRACE(std::string(b.section) + "." + b.key);
    common::Config cfg = base();
    cfg.set(b.section, b.key, b.value);
    EXPECT_THROW(load_api_config(cfg), common::Error);
  }
}

TEST(CompatConfig, TheSampleDocumentsTheDefaults) {
  const ApiConfig c = load_api_config(common::Config::load(AUTOMAT_SAMPLE_CONFIG));
  EXPECT_EQ(c.region, "RegionOne");
  EXPECT_EQ(c.limits.max_page_size, 100u);
  EXPECT_EQ(c.quota_defaults, db::default_quota_limits());
}

}  // namespace
}  // namespace automat::api
