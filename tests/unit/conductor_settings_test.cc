#include "conductor/conductor_settings.h"

#include <gtest/gtest.h>

#include "common/broker.h"
#include "common/error.h"

namespace automat::conductor {
namespace {

using namespace std::chrono_literals;

const char* kBase =
    "[DEFAULT]\n"
    "database_url = postgresql://u@h/db\n"
    "amqp_url = amqp://g:g@h:5672/\n"
    "guest_secret = s3cret\n";

common::Config config(const std::string& conductor_section = "") {
  return common::Config::from_string(std::string(kBase) + "[conductor]\n" + conductor_section);
}

TEST(ConductorSettings, DefaultsAndFallbacksToDefaultSection) {
  const auto s = ConductorSettings::from(config());
  EXPECT_EQ(s.database_url, "postgresql://u@h/db");
  EXPECT_EQ(s.amqp_url, "amqp://g:g@h:5672/");
  EXPECT_EQ(s.guest_secret, "s3cret");
  EXPECT_EQ(s.queue, common::kConductorQueue);
  EXPECT_EQ(s.batch, 500);
  EXPECT_EQ(s.receivers, 2);
  EXPECT_EQ(s.db_pool_size, 3u);  // raised to receivers + 1
  EXPECT_EQ(s.expiry, 60s);
  EXPECT_EQ(s.sweep_interval, 5s);
}

TEST(ConductorSettings, ReadsTheConductorSection) {
  const auto s = ConductorSettings::from(
      config("prefetch = 100\nreceivers = 1\ndb_pool_size = 8\nagent_heartbeat_expiry = 30\n"
             "sweep_interval = 2\nqueue = q.test\n"));
  EXPECT_EQ(s.batch, 100);
  EXPECT_EQ(s.receivers, 1);
  EXPECT_EQ(s.db_pool_size, 8u);
  EXPECT_EQ(s.expiry, 30s);
  EXPECT_EQ(s.sweep_interval, 2s);
  EXPECT_EQ(s.queue, "q.test");
}

TEST(ConductorSettings, RejectsBadValuesNamingTheOption) {
  const std::pair<const char*, const char*> bad[] = {
      {"prefetch = 0\n", "prefetch"},
      {"prefetch = 40000\n", "prefetch"},
      {"receivers = 0\n", "receivers"},
      {"db_pool_size = 0\n", "db_pool_size"},
      {"sweep_interval = 0\n", "sweep_interval"},
      {"agent_heartbeat_expiry = -5\n", "agent_heartbeat_expiry"},
      {"prefetch = many\n", "prefetch"},
      {"queue =\n", "queue"},
  };
  for (const auto& [line, option] : bad) {
    try {
      ConductorSettings::from(config(line));
      FAIL() << "accepted " << line;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
      EXPECT_NE(std::string(e.what()).find(option), std::string::npos) << e.what();
    }
  }
}

TEST(ConductorSettings, MissingSecretsAndUrlsAreErrors) {
  for (const char* key : {"database_url", "amqp_url", "guest_secret"}) {
    auto cfg = config();
    cfg.set("DEFAULT", key, "");
    try {
      ConductorSettings::from(cfg);
      FAIL() << "accepted an empty " << key;
    } catch (const common::Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace automat::conductor
