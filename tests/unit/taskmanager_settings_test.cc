// TaskmanagerSettings: defaults, the [taskmanager] section, refusals, and
// that etc/automat.conf states the same defaults (a takeover within 10 s).
#include "taskmanager/taskmanager_settings.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace automat::taskmanager {
namespace {

using namespace std::chrono_literals;

const char* kBase =
    "[DEFAULT]\n"
    "database_url = postgresql://u@h/db\n"
    "amqp_url = amqp://g:g@h:5672/\n";

common::Config config(const std::string& section = "") {
  return common::Config::from_string(std::string(kBase) + "[taskmanager]\n" + section);
}

TEST(TaskmanagerSettings, Defaults) {
  const auto s = TaskmanagerSettings::from(config());
  EXPECT_EQ(s.database_url, "postgresql://u@h/db");
  EXPECT_EQ(s.amqp_url, "amqp://g:g@h:5672/");
  EXPECT_EQ(s.workers, 4);
  EXPECT_EQ(s.db_pool_size, 4);
  EXPECT_EQ(s.lease, 5s);
  EXPECT_EQ(s.resume_scan_interval, 2s);
  EXPECT_EQ(s.unclaimed_grace, 10s);
  EXPECT_EQ(s.orphan_scan_interval, 60s);
  EXPECT_EQ(s.orphan_grace, 300s);
  EXPECT_EQ(s.backup_schedule_scan_interval, 60s);
}

TEST(TaskmanagerSettings, ByDefaultAKilledOwnersOperationIsTakenOverWithin10Seconds) {
  EXPECT_LE(TaskmanagerSettings::from(config()).takeover_bound(), 10s);
}

TEST(TaskmanagerSettings, TheSampleConfigurationStatesTheDefaults) {
  const auto sample = TaskmanagerSettings::from(
      common::Config::load(std::string(AUTOMAT_SOURCE_DIR) + "/etc/automat.conf"));
  const auto defaults = TaskmanagerSettings::from(config());
  EXPECT_EQ(sample.workers, defaults.workers);
  EXPECT_EQ(sample.db_pool_size, defaults.db_pool_size);
  EXPECT_EQ(sample.lease, defaults.lease);
  EXPECT_EQ(sample.resume_scan_interval, defaults.resume_scan_interval);
  EXPECT_EQ(sample.unclaimed_grace, defaults.unclaimed_grace);
  EXPECT_EQ(sample.orphan_scan_interval, defaults.orphan_scan_interval);
  EXPECT_EQ(sample.orphan_grace, defaults.orphan_grace);
  EXPECT_EQ(sample.backup_schedule_scan_interval, defaults.backup_schedule_scan_interval);
}

TEST(TaskmanagerSettings, ReadsTheTaskmanagerSection) {
  const auto s = TaskmanagerSettings::from(
      config("workers = 2\ndb_pool_size = 6\nlease_seconds = 8\nresume_scan_seconds = 1\n"
             "unclaimed_grace_seconds = 3\norphan_scan_seconds = 0\norphan_grace_seconds = 5\n"
             "backup_schedule_scan_seconds = 0\n"));
  EXPECT_EQ(s.workers, 2);
  EXPECT_EQ(s.db_pool_size, 6);
  EXPECT_EQ(s.lease, 8s);
  EXPECT_EQ(s.resume_scan_interval, 1s);
  EXPECT_EQ(s.unclaimed_grace, 3s);
  EXPECT_EQ(s.orphan_scan_interval, 0s) << "zero turns the reaper off";
  EXPECT_EQ(s.orphan_grace, 5s);
  EXPECT_EQ(s.backup_schedule_scan_interval, 0s) << "zero turns the backup scheduler off";
  EXPECT_EQ(s.takeover_bound(), 9s);
}

TEST(TaskmanagerSettings, RejectsBadValuesNamingTheOption) {
  const std::pair<const char*, const char*> bad[] = {
      {"workers = 0\n", "workers"},
      {"db_pool_size = 0\n", "db_pool_size"},
      {"lease_seconds = 0\n", "lease_seconds"},
      {"resume_scan_seconds = 0\n", "resume_scan_seconds"},
      {"unclaimed_grace_seconds = -1\n", "unclaimed_grace_seconds"},
      {"orphan_scan_seconds = -1\n", "orphan_scan_seconds"},
      {"orphan_grace_seconds = 0\n", "orphan_grace_seconds"},
      {"backup_schedule_scan_seconds = -1\n", "backup_schedule_scan_seconds"},
      {"backup_schedule_scan_seconds = 3601\n", "backup_schedule_scan_seconds"},
  };
  for (const auto& [line, option] : bad) {
    try {
      TaskmanagerSettings::from(config(line));
      ADD_FAILURE() << "accepted " << line;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
      EXPECT_NE(std::string(e.what()).find(option), std::string::npos) << e.what();
    }
  }
}

TEST(TaskmanagerSettings, TheQuotaDefaultsAreTheQuotaSections) {
  EXPECT_EQ(TaskmanagerSettings::from(config()).quota_defaults, db::default_quota_limits());
  const auto s = TaskmanagerSettings::from(
      common::Config::from_string(std::string(kBase) + "[quota]\nbackups = 3\n"));
  EXPECT_EQ(s.quota_defaults.backups, 3) << "scheduled backups are charged against it";
  EXPECT_EQ(s.quota_defaults.instances, db::default_quota_limits().instances);
  EXPECT_THROW(TaskmanagerSettings::from(
                   common::Config::from_string(std::string(kBase) + "[quota]\nbackups = -2\n")),
               common::Error);
}

TEST(TaskmanagerSettings, NeedsTheDatabaseAndTheBroker) {
  EXPECT_THROW(TaskmanagerSettings::from(common::Config::from_string("[taskmanager]\n")),
               common::Error);
}

}  // namespace
}  // namespace automat::taskmanager
