// The backups quota through the Router over the fakes: every backup the
// tenant has counts (db/quota.h), POST /backups and POST
// /clusters/{id}/backups past the limit answer 413 overLimit naming the
// quota and create nothing, and GET /mgmt/quotas shows the usage.
#include <gtest/gtest.h>

#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;
using testing::ClusterTestEnv;

json backup_body(const std::string& instance = "") {
  json b = {{"name", "nightly"}};
  if (!instance.empty()) b["instance"] = instance;
  return {{"backup", b}};
}

Response post_backup(ApiTestEnv& env, const std::string& instance) {
  return env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/backups"), env.token_a,
                  backup_body(instance).dump());
}

// The message of a 413 overLimit.
std::string over_limit(const Response& r) {
  EXPECT_EQ(r.status, 413) << r.body;
  const json body = body_of(r);
  EXPECT_TRUE(body.contains("overLimit")) << r.body;
  return body["overLimit"].value("message", "");
}

// The backups line of GET /mgmt/quotas/{tenant}, read with the tenant's token.
json backups_usage(ApiTestEnv& env, const std::string& tenant, const std::string& token) {
  const Response r =
      env.call(Method::kGet, ApiTestEnv::url(tenant, "/mgmt/quotas/" + tenant), token);
  EXPECT_EQ(r.status, 200) << r.body;
  const json body = body_of(r);
  for (const auto& line : body["quotas"]) {
    if (line["resource"] == "backups") return line;
  }
  ADD_FAILURE() << "no backups line in " << r.body;
  return json();
}

size_t backup_count(ApiTestEnv& env, const std::string& tenant) {
  return env.backups.list(tenant, {}).size();
}

TEST(BackupQuota, ABackupOverTheQuotaIs413NamingItAndCreatesNothing) {
  ApiTestEnv env;
  env.quotas.set_limits(env.tenant_a, {{"backups", 1}});
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const Response first = post_backup(env, inst);
  ASSERT_EQ(first.status, 202) << first.body;
  env.backups.complete(body_of(first)["backup"]["id"], 10, 100, json::object());
  env.instances.set_task(inst, "NONE");

  const size_t ops = env.operation_count();
  const size_t published = env.publisher.published().size();
  const std::string message = over_limit(post_backup(env, inst));
  EXPECT_NE(message.find("Quota exceeded for resources: backups would be 2 with this request (1 "
                         "in use + 1 asked), over the limit of 1 by 1"),
            std::string::npos)
      << message;
  EXPECT_EQ(backup_count(env, env.tenant_a), 1u);
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.publisher.published().size(), published);
  EXPECT_EQ(env.instances.find_any(inst)->task, "NONE") << "the instance is not left busy";

  // Another tenant's backups have their own quota.
  const std::string theirs = env.add_instance(env.tenant_b, "NONE");
  EXPECT_EQ(env.call(Method::kPost, ApiTestEnv::url(env.tenant_b, "/backups"), env.token_b,
                     backup_body(theirs).dump())
                .status,
            202);
}

TEST(BackupQuota, TheConfiguredDefaultBindsATenantWithoutALimitOfItsOwn) {
  ApiTestEnv env;
  env.services.quota_defaults.backups = 0;  // [quota] backups = 0
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  const std::string message = over_limit(post_backup(env, inst));
  EXPECT_NE(message.find("over the limit of 0 by 1"), std::string::npos) << message;
  EXPECT_EQ(backup_count(env, env.tenant_a), 0u);
  env.quotas.set_limits(env.tenant_a, {{"backups", -1}});  // its own: unlimited
  EXPECT_EQ(post_backup(env, inst).status, 202);
}

TEST(BackupQuota, FailedBackupsCountUntilTheTenantDeletesThem) {
  ApiTestEnv env;
  const std::string inst = env.add_instance(env.tenant_a, "NONE");
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    const Response r = post_backup(env, inst);
    ASSERT_EQ(r.status, 202) << r.body;
    ids.push_back(body_of(r)["backup"]["id"]);
    env.instances.set_task(inst, "NONE");
  }
  env.backups.set_status(ids[0], db::backup_status::kFailed, std::string("the guest stopped"));
  env.backups.complete(ids[1], 10, 100, json::object());
  EXPECT_EQ(backups_usage(env, env.tenant_a, env.token_a),
            json::parse(R"({"resource": "backups", "in_use": 2, "reserved": 0, "limit": 50})"));
  EXPECT_EQ(backups_usage(env, env.tenant_b, env.token_b)["in_use"], 0);

  env.quotas.set_limits(env.tenant_a, {{"backups", 2}});
  over_limit(post_backup(env, inst));
  // DELETE, then the delete's workflow removes the row: room again.
  const Response del =
      env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/backups/" + ids[0]), env.token_a);
  ASSERT_EQ(del.status, 202) << del.body;
  EXPECT_EQ(backups_usage(env, env.tenant_a, env.token_a)["in_use"], 2)
      << "it counts until it is gone";
  env.backups.mark_deleted(ids[0]);
  EXPECT_EQ(backups_usage(env, env.tenant_a, env.token_a)["in_use"], 1);
  EXPECT_EQ(post_backup(env, inst).status, 202);
  EXPECT_EQ(backups_usage(env, env.tenant_a, env.token_a)["in_use"], 2);
}

TEST(BackupQuota, AClusterBackupCountsAsOneAndIsRefusedAlike) {
  ClusterTestEnv env;
  const std::string id = env.create_cluster({"r1", "r1", "r2"})["id"];
  env.make_active(id, testing::cassandra_detail());
  env.quotas.set_limits(env.tenant_a, {{"backups", 1}});
  const Response first = env.post("/clusters/" + id + "/backups", backup_body());
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(backups_usage(env, env.tenant_a, env.token_a)["in_use"], 1) << "one, not one a node";
  env.backups.complete(body_of(first)["backup"]["id"], 10, 100, json::object());
  env.clusters.set_task(id, "NONE");

  const size_t ops = env.operation_count();
  const std::string message = over_limit(env.post("/clusters/" + id + "/backups", backup_body()));
  EXPECT_NE(message.find("backups would be 2 with this request (1 in use + 1 asked)"),
            std::string::npos)
      << message;
  EXPECT_EQ(backup_count(env, env.tenant_a), 1u);
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE") << "the cluster is not left busy";
}

}  // namespace
}  // namespace automat::api
