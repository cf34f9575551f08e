// /instances/{id}/backup_schedule through the real Router over the fakes.
#include <gtest/gtest.h>

#include "tests/unit/api_test_env.h"

namespace automat::testing {
namespace {

using api::Method;
using nlohmann::json;

// 2024-05-01T01:00:00Z.
constexpr int64_t kNow = 1714525200;

class ApiBackupSchedulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env.clock.advance(std::chrono::system_clock::from_time_t(kNow) - env.clock.now());
    inst = env.add_instance(env.tenant_a, "NONE");
  }

  std::string path(const std::string& id) const {
    return ApiTestEnv::url(env.tenant_a, "/instances/" + id + "/backup_schedule");
  }
  api::Response put(const std::string& id, const json& schedule) {
    return env.call(Method::kPut, path(id), env.token_a,
                    json{{"backup_schedule", schedule}}.dump());
  }
  api::Response get(const std::string& id) { return env.call(Method::kGet, path(id), env.token_a); }
  // The 400's message, which must name the field.
  std::string refusal(const json& schedule) {
    const auto r = put(inst, schedule);
    EXPECT_EQ(r.status, 400) << schedule.dump() << " " << r.body;
    return r.body;
  }

  ApiTestEnv env;
  std::string inst;
};

TEST_F(ApiBackupSchedulesTest, PutSetsAnIntervalScheduleThatFirstRunsAtTheNextSlot) {
  const auto r = put(inst, {{"interval", "6h"}, {"retention", 7}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json s = body_of(r)["backup_schedule"];
  EXPECT_EQ(s["instance_id"], inst);
  EXPECT_EQ(s["interval"], "6h");
  EXPECT_EQ(s["interval_seconds"], 21600);
  EXPECT_FALSE(s.contains("daily_at"));
  EXPECT_EQ(s["retention"], 7);
  EXPECT_EQ(s["next_run"], "2024-05-01T06:00:00Z");
  EXPECT_TRUE(s["last_run"].is_null());
  EXPECT_TRUE(s["last_backup_id"].is_null());
  EXPECT_TRUE(s["last_error"].is_null());
  // Nothing is started by setting it.
  EXPECT_TRUE(env.publisher.published().empty());
  EXPECT_EQ(env.instances.find_any(inst)->task, "NONE");

  const auto shown = get(inst);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(body_of(shown)["backup_schedule"], s);
}

TEST_F(ApiBackupSchedulesTest, IntervalsTakeUnitsOrSecondsAndADailyTimeReplacesThem) {
  ASSERT_EQ(put(inst, {{"interval", "90m"}, {"retention", 1}}).status, 200);
  EXPECT_EQ(body_of(get(inst))["backup_schedule"]["interval"], "90m");
  ASSERT_EQ(put(inst, {{"interval", 86400}, {"retention", 100}}).status, 200);
  EXPECT_EQ(body_of(get(inst))["backup_schedule"]["interval"], "1d");
  ASSERT_EQ(put(inst, {{"interval", "7200"}, {"retention", 3}}).status, 200);
  EXPECT_EQ(body_of(get(inst))["backup_schedule"]["interval_seconds"], 7200);

  const auto r = put(inst, {{"daily_at", "02:30"}, {"retention", 3}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json s = body_of(r)["backup_schedule"];
  EXPECT_EQ(s["daily_at"], "02:30");
  EXPECT_FALSE(s.contains("interval"));
  EXPECT_EQ(s["next_run"], "2024-05-01T02:30:00Z");
  ASSERT_EQ(env.backup_schedules.schedules.size(), 1u);
}

TEST_F(ApiBackupSchedulesTest, BadBodiesAre400sNamingTheField) {
  EXPECT_NE(refusal({{"retention", 7}}).find("exactly one of interval"), std::string::npos);
  EXPECT_NE(refusal({{"interval", "6h"}, {"daily_at", "02:30"}, {"retention", 7}})
                .find("exactly one of interval"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "6h"}}).find("backup_schedule.retention is required"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "6h"}, {"retention", 0}}).find("backup_schedule.retention"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "6h"}, {"retention", 101}}).find("backup_schedule.retention"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "6 hours"}, {"retention", 7}}).find("backup_schedule.interval"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", 60}, {"retention", 7}}).find("backup_schedule.interval"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "59m"}, {"retention", 7}})
                .find("backup_schedule.interval must be from 1h (3600 seconds) to 30d"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "31d"}, {"retention", 7}}).find("backup_schedule.interval"),
            std::string::npos);
  EXPECT_NE(refusal({{"daily_at", "24:00"}, {"retention", 7}}).find("backup_schedule.daily_at"),
            std::string::npos);
  EXPECT_NE(refusal({{"daily_at", "2:30"}, {"retention", 7}}).find("backup_schedule.daily_at"),
            std::string::npos);
  EXPECT_EQ(env.call(Method::kPut, path(inst), env.token_a, "{}").status, 400);
  EXPECT_TRUE(env.backup_schedules.schedules.empty());
}

TEST_F(ApiBackupSchedulesTest, AnotherTenantsInstanceIsNotFound) {
  const std::string theirs = env.add_instance(env.tenant_b, "NONE");
  EXPECT_EQ(put(theirs, {{"interval", "6h"}, {"retention", 7}}).status, 404);
  EXPECT_EQ(put("no-such-instance", {{"interval", "6h"}, {"retention", 7}}).status, 404);
  // Theirs, set by them, stays invisible to us.
  ASSERT_EQ(env.call(Method::kPut,
                     ApiTestEnv::url(env.tenant_b, "/instances/" + theirs + "/backup_schedule"),
                     env.token_b, R"({"backup_schedule": {"interval": "6h", "retention": 2}})")
                .status,
            200);
  EXPECT_EQ(get(theirs).status, 404);
  EXPECT_EQ(env.call(Method::kDelete, path(theirs), env.token_a).status, 404);
  EXPECT_EQ(env.backup_schedules.schedules.size(), 1u);
}

TEST_F(ApiBackupSchedulesTest, ClusterNodesAndDatastoresWithoutBackupsAre400s) {
  {
    std::lock_guard<std::mutex> l(env.instances.mu);
    env.instances.instances[inst].cluster_id = "cluster-1";
  }
  auto r = put(inst, {{"interval", "6h"}, {"retention", 7}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("back up the cluster instead"), std::string::npos) << r.body;

  const std::string other = env.add_instance(env.tenant_a, "NONE");
  db::DatastoreVersion cv;
  cv.name = "5.0";
  cv.manager = "cassandra";
  const std::string cassandra = env.catalog.register_version("cassandra", cv, true);
  {
    std::lock_guard<std::mutex> l(env.instances.mu);
    env.instances.instances[other].datastore_version_id = cassandra;
  }
  r = put(other, {{"interval", "6h"}, {"retention", 7}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("which this service cannot back up"), std::string::npos) << r.body;
  EXPECT_TRUE(env.backup_schedules.schedules.empty());
}

TEST_F(ApiBackupSchedulesTest, GetShowsWhatTheLastSlotDidAndDeleteClearsIt) {
  EXPECT_EQ(get(inst).status, 404);
  ASSERT_EQ(put(inst, {{"interval", "1h"}, {"retention", 2}}).status, 200);
  env.backup_schedules.claim_slot(
      env.backup_schedules.schedules.at(db::BackupTarget::instance(inst)), kNow / 3600 + 1);
  env.backup_schedules.record_run(db::BackupTarget::instance(inst), std::nullopt,
                                  std::string("instance was RESIZE"));
  const json s = body_of(get(inst))["backup_schedule"];
  EXPECT_EQ(s["last_error"], "instance was RESIZE");
  EXPECT_FALSE(s["last_run"].is_null());
  EXPECT_EQ(s["next_run"], "2024-05-01T03:00:00Z");

  EXPECT_EQ(env.call(Method::kDelete, path(inst), env.token_a).status, 204);
  EXPECT_EQ(get(inst).status, 404);
  EXPECT_EQ(env.call(Method::kDelete, path(inst), env.token_a).status, 404);
}

TEST_F(ApiBackupSchedulesTest, ADeletedInstancesScheduleIsGone) {
  ASSERT_EQ(put(inst, {{"interval", "1h"}, {"retention", 2}}).status, 200);
  env.instances.mark_deleted(inst);
  EXPECT_EQ(get(inst).status, 404);
  EXPECT_TRUE(env.backup_schedules.list_live().empty());
}

TEST_F(ApiBackupSchedulesTest, BackupViewsSayWhetherAScheduleMadeThem) {
  const auto r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/backups"), env.token_a,
                          json{{"backup", {{"name", "by hand"}, {"instance", inst}}}}.dump());
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["backup"]["scheduled"], false);
  const std::string id = body_of(r)["backup"]["id"];
  env.backups.backups[id].scheduled = true;
  const auto shown =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/backups/" + id), env.token_a);
  EXPECT_EQ(body_of(shown)["backup"]["scheduled"], true);
}

}  // namespace
}  // namespace automat::testing
