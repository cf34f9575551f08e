// /clusters/{id}/backup_schedule through the real Router over the fakes: the
// same body and view as an instance's schedule, naming the cluster; only
// the tenant's own clusters whose datastore backs clusters up.
#include <gtest/gtest.h>

#include "db/new_operation.h"
#include "tests/unit/cluster_test_env.h"

namespace automat::testing {
namespace {

using api::Method;
using nlohmann::json;

// 2024-05-01T01:00:00Z.
constexpr int64_t kNow = 1714525200;

class ApiClusterBackupSchedulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env.clock.advance(std::chrono::system_clock::from_time_t(kNow) - env.clock.now());
    ring = env.create_cluster({"r1", "r1", "r2"})["id"];
    env.make_active(ring, cassandra_detail());
  }

  static std::string path(const std::string& cluster) {
    return "/clusters/" + cluster + "/backup_schedule";
  }
  api::Response put(const std::string& cluster, const json& schedule,
                    const std::string& token = "") {
    const std::string& tenant = token.empty() || token == env.token_a ? env.tenant_a : env.tenant_b;
    return env.call(Method::kPut, ApiTestEnv::url(tenant, path(cluster)),
                    token.empty() ? env.token_a : token,
                    json{{"backup_schedule", schedule}}.dump());
  }
  // A cluster of tenant B, made directly in the fake.
  std::string their_cluster() {
    db::Cluster c;
    c.id = common::crypto::uuid4();
    c.tenant_id = env.tenant_b;
    c.name = "theirs";
    c.datastore_version_id = env.cassandra_version_id;
    c.task = "NONE";
    c.status = "ACTIVE";
    env.clusters.create_with_operation(
        c, db::new_operation(c.tenant_id, "cluster.create", "cluster", c.id));
    return c.id;
  }

  ClusterTestEnv env;
  std::string ring;
};

TEST_F(ApiClusterBackupSchedulesTest, PutShowAndClearACassandraClustersSchedule) {
  const size_t published = env.publisher.published().size();
  const size_t ops = env.operation_count();
  const auto r = put(ring, {{"interval", "6h"}, {"retention", 7}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json s = body_of(r)["backup_schedule"];
  EXPECT_EQ(s["cluster_id"], ring);
  EXPECT_FALSE(s.contains("instance_id"));
  EXPECT_EQ(s["interval"], "6h");
  EXPECT_EQ(s["interval_seconds"], 21600);
  EXPECT_EQ(s["retention"], 7);
  EXPECT_EQ(s["next_run"], "2024-05-01T06:00:00Z");
  EXPECT_TRUE(s["last_run"].is_null());
  EXPECT_TRUE(s["last_backup_id"].is_null());
  EXPECT_TRUE(s["last_error"].is_null());
  // Setting it starts nothing.
  EXPECT_EQ(env.publisher.published().size(), published);
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(ring)->task, "NONE");
  ASSERT_EQ(env.backup_schedules.schedules.count(db::BackupTarget::cluster(ring)), 1u);

  const auto shown = env.get(path(ring));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(body_of(shown)["backup_schedule"], s);

  // Replaced by a daily rule: still one schedule for the cluster.
  const auto daily = put(ring, {{"daily_at", "02:30"}, {"retention", 3}});
  ASSERT_EQ(daily.status, 200) << daily.body;
  EXPECT_EQ(body_of(daily)["backup_schedule"]["daily_at"], "02:30");
  EXPECT_EQ(body_of(daily)["backup_schedule"]["next_run"], "2024-05-01T02:30:00Z");
  EXPECT_EQ(env.backup_schedules.schedules.size(), 1u);

  // What the last slot did shows.
  const auto target = db::BackupTarget::cluster(ring);
  env.backup_schedules.record_run(target, std::nullopt, std::string("cluster ring was GROWING"));
  EXPECT_EQ(body_of(env.get(path(ring)))["backup_schedule"]["last_error"],
            "cluster ring was GROWING");

  EXPECT_EQ(env.del(path(ring)).status, 204);
  const auto gone = env.get(path(ring));
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("cluster " + ring + " has no backup schedule"), std::string::npos)
      << gone.body;
  EXPECT_EQ(env.del(path(ring)).status, 404);
  EXPECT_TRUE(env.backup_schedules.schedules.empty());
}

TEST_F(ApiClusterBackupSchedulesTest, AnotherTenantsOrUnknownClusterIsNotFound) {
  const std::string theirs = their_cluster();
  const auto r = put(theirs, {{"interval", "6h"}, {"retention", 7}});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("cluster " + theirs + " was not found"), std::string::npos) << r.body;
  EXPECT_EQ(put("no-such-cluster", {{"interval", "6h"}, {"retention", 7}}).status, 404);
  // Theirs, set by them, stays invisible to us.
  ASSERT_EQ(put(theirs, {{"interval", "6h"}, {"retention", 2}}, env.token_b).status, 200);
  EXPECT_EQ(env.get(path(theirs)).status, 404);
  EXPECT_EQ(env.del(path(theirs)).status, 404);
  EXPECT_EQ(env.get(path(theirs), env.token_b).status, 200);
  // Nor is our cluster's schedule theirs.
  ASSERT_EQ(put(ring, {{"interval", "6h"}, {"retention", 7}}).status, 200);
  EXPECT_EQ(env.get(path(ring), env.token_b).status, 404);
  EXPECT_EQ(env.backup_schedules.schedules.size(), 2u);
}

TEST_F(ApiClusterBackupSchedulesTest, AClusterWhoseDatastoreCannotBackUpIsA400) {
  db::DatastoreVersion v;
  v.name = "7.0";
  v.manager = "mongodb";
  v.enabled_cluster = true;
  const std::string mongodb = env.catalog.register_version("mongodb", v, true);
  db::Cluster c;
  c.id = common::crypto::uuid4();
  c.tenant_id = env.tenant_a;
  c.name = "replicas";
  c.datastore_version_id = mongodb;
  env.clusters.create_with_operation(
      c, db::new_operation(c.tenant_id, "cluster.create", "cluster", c.id));
  const auto r = put(c.id, {{"interval", "6h"}, {"retention", 7}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("cluster " + c.id +
                        " runs mongodb, whose clusters this service "
                        "cannot back up"),
            std::string::npos)
      << r.body;
  EXPECT_TRUE(env.backup_schedules.schedules.empty());
}

TEST_F(ApiClusterBackupSchedulesTest, BadBodiesAre400sNamingTheField) {
  auto refusal = [&](const json& schedule) {
    const auto r = put(ring, schedule);
    EXPECT_EQ(r.status, 400) << schedule.dump() << " " << r.body;
    return r.body;
  };
  EXPECT_NE(refusal({{"retention", 7}}).find("exactly one of interval"), std::string::npos);
  EXPECT_NE(refusal({{"interval", "6h"}, {"daily_at", "02:30"}, {"retention", 7}})
                .find("exactly one of interval"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "6h"}}).find("backup_schedule.retention is required"),
            std::string::npos);
  EXPECT_NE(refusal({{"interval", "59m"}, {"retention", 7}}).find("backup_schedule.interval"),
            std::string::npos);
  EXPECT_NE(refusal({{"daily_at", "24:00"}, {"retention", 7}}).find("backup_schedule.daily_at"),
            std::string::npos);
  EXPECT_EQ(
      env.call(Method::kPut, ApiTestEnv::url(env.tenant_a, path(ring)), env.token_a, "{}").status,
      400);
  EXPECT_TRUE(env.backup_schedules.schedules.empty());
}

TEST_F(ApiClusterBackupSchedulesTest, ADeletedClustersScheduleIsGone) {
  ASSERT_EQ(put(ring, {{"interval", "1h"}, {"retention", 2}}).status, 200);
  env.clusters.mark_deleted(ring);
  EXPECT_EQ(env.get(path(ring)).status, 404);
  EXPECT_TRUE(env.backup_schedules.list_live().empty());
}

TEST_F(ApiClusterBackupSchedulesTest, ANodesOwnScheduleIsRefusedForItsCluster) {
  const std::string node = env.node_ids(ring).front();
  const auto r = env.call(
      Method::kPut, ApiTestEnv::url(env.tenant_a, "/instances/" + node + "/backup_schedule"),
      env.token_a, R"({"backup_schedule": {"interval": "6h", "retention": 2}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("back up the cluster instead"), std::string::npos) << r.body;
  // A cluster id is no instance, and the other way round.
  EXPECT_EQ(env.get("/instances/" + ring + "/backup_schedule").status, 404);
  EXPECT_EQ(put(node, {{"interval", "6h"}, {"retention", 2}}).status, 404);
}

}  // namespace
}  // namespace automat::testing
